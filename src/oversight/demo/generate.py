"""A deterministic, realistic Youth Justice service as an `oversight-exchange/1` document.

    generate_service(seed=1, today=date(2026, 11, 23))

The same (seed, today, scale) always gives the same document: every choice comes from one
`random.Random(seed)`, never from the clock. The history runs over whole months up to `today`; the
service is mostly compliant, with the shortfalls of `scenario.py` so that every rule of RULES.md has
findings as of the end of `today`.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from oversight.demo import absences, casefile, cases, rota, scenario, staff, supervision
from oversight.demo.document import to_document
from oversight.demo.facts import facts_from_world
from oversight.demo.scales import Scale, get_scale, service_plan
from oversight.demo.world import World
from oversight.policy.calendar import WorkingCalendar

LOOK_AHEAD_DAYS = 42  # the rota and booked leave reach this far past today


def generate_service(
    *, seed: int | str = 1, today: date, scale: str | Scale = "demo", service_id: str = "DEMO"
) -> dict:
    world = build_world(seed=seed, today=today, scale=scale, service_id=service_id)
    return to_document(world, name=_name(service_id))


def generate_services(*, seed: int = 1, today: date, scale: str, service_id: str = "DEMO") -> Iterator[dict]:
    """Every service of a scale, one document each: one for "demo" and "service" (named
    `service_id`), 15 for "region" and 150 for "national" (YJS001, YJS002, ...)."""
    for index in range(len(service_plan(scale))):
        yield generate_fleet_service(seed=seed, today=today, scale=scale, index=index, service_id=service_id)


def generate_fleet_service(*, seed: int, today: date, scale: str, index: int, service_id: str = "DEMO") -> dict:
    """Service number `index` (from 0) of a scale, from (seed, index, today) alone: a fleet can be
    generated in parallel, or one of its services again on its own."""
    world = build_world(**_fleet_member(seed, today, scale, index, service_id))
    return to_document(world, name=_name(world.service_id))


def generate_fleet_facts(*, seed: int, today: date, scale: str, index: int, service_id: str = "DEMO"):
    """The same service as `generate_fleet_service`, as ServiceFacts directly (no document)."""
    world = build_world(**_fleet_member(seed, today, scale, index, service_id))
    return facts_from_world(world, name=_name(world.service_id))


def _fleet_member(seed: int, today: date, scale: str, index: int, service_id: str) -> dict:
    ref, size = service_plan(scale)[index]
    if ref is None:  # a single service: the seed as given, so that it is the same service as before
        return {"seed": seed, "today": today, "scale": size, "service_id": service_id}
    return {"seed": f"{seed}/{scale}/{index}", "today": today, "scale": size, "service_id": ref}


def _name(service_id: str) -> str:
    return f"{service_id.title()} Youth Justice Service"


def build_world(*, seed: int | str, today: date, scale: str | Scale, service_id: str) -> World:
    size = get_scale(scale) if isinstance(scale, str) else scale
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
