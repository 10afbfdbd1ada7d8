"""A deterministic, realistic Youth Justice service as an `oversight-exchange/1` document.

    generate_service(seed=1, today=date(2026, 11, 23))

The same (seed, today, scale) always gives the same document: every choice comes from one
`random.Random(seed)`, never from the clock. The history runs over whole months up to `today`; the
service is mostly compliant, with the shortfalls of `scenario.py` so that every rule of RULES.md has
findings as of the end of `today`.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from oversight.demo import absences, casefile, cases, rota, scenario, staff, supervision
from oversight.demo.document import to_document
from oversight.demo.scales import get_scale
from oversight.demo.world import World
from oversight.policy.calendar import WorkingCalendar

LOOK_AHEAD_DAYS = 42  # the rota and booked leave reach this far past today


def generate_service(*, seed: int = 1, today: date, scale: str = "demo", service_id: str = "DEMO") -> dict:
    world = build_world(seed=seed, today=today, scale=scale, service_id=service_id)
    return to_document(world, name=f"{service_id.title()} Youth Justice Service")


def build_world(*, seed: int, today: date, scale: str, service_id: str) -> World:
    size = get_scale(scale)
    world = World(
        rng=random.Random(seed),
        scale=size,
        today=today,
        service_id=service_id,
        calendar=WorkingCalendar("england-and-wales", "Europe/London"),
        history_start=staff.month_add(today, -size.history_months),
        horizon=today + timedelta(days=LOOK_AHEAD_DAYS),
    )
    staff.build_staff(world)
    absences.build_ordinary_absences(world)
    scenario.place_absences(world)
    cases.build_cases(world)
    scenario.settle_caseloads(world)
    scenario.place_reallocations(world)
    absences.build_sheets(world)
    scenario.spoil_sheets(world)
    rota.build_rota(world)
    world.cover_problems = rota.repair_cover(world)
    _number_absences(world)
    supervision.build_supervision(world)
    casefile.build_contacts(world)
    casefile.build_milestones(world)
    casefile.build_events(world)
    return world


def _number_absences(world: World) -> None:
    world.absences.sort(key=lambda a: (a.first_day, a.staff))
    for number, absence in enumerate(world.absences, start=1):
        absence.id = f"A{number:04d}"
    world.absences_changed()
