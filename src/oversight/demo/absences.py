"""Everyday absences (annual leave, training days, short sickness), leave sheets and cover confirmations.

Ordinary absences are tagged "" and may be dropped later when they would leave a child without sound
cover in the weeks around today (see `rota.repair_cover`); the engineered ones of `scenario.py` carry a
tag and always stay.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from oversight.demo.names import SHEET_NOTES
from oversight.demo.world import Absence, Confirmation, Sheet, SheetLine, World

INFORMED_SHARE = 0.985
FUTURE_LEAVE_SHARE = 0.35  # people with leave booked in the weeks after today


def build_ordinary_absences(world: World) -> None:
    rng, today = world.rng, world.today
    for person in world.staff:
        cursor = max(person.start + timedelta(days=14), world.history_start - timedelta(days=21))
        cursor += timedelta(days=rng.randint(0, 40))
        last_day = min(person.end or world.horizon, world.horizon)
        while True:
            first = world.wd_after(cursor, 0)
            roll = rng.random()
            if roll < 0.5:
                kind, planned, days = "annual_leave", True, rng.choice((5, 5, 5, 5, 10, 10, 1, 2, 3))
            elif roll < 0.7 and person.is_practitioner:
                kind, planned, days = "training", True, 1
            else:
                kind, planned, days = "sickness", False, rng.choice((1, 1, 2, 2, 3, 4))
            expected = world.wd_after(first, days - 1) if days > 1 else first
            if expected > last_day:
                break
            if first > today:  # leave booked ahead: at most one, and only planned leave
                if planned and rng.random() < FUTURE_LEAVE_SHARE:
                    world.absences.append(Absence(person.id, kind, True, first, expected, None))
                break
            if expected >= today:  # under way today: only planned leave, and it is the last one
                if planned:
                    world.absences.append(Absence(person.id, kind, True, first, expected, None))
                break
            world.absences.append(Absence(person.id, kind, planned, first, expected, expected))
            low, high = (28, 75) if kind == "annual_leave" else (14, 50)
            factor = world.scale.absence_gap_factor
            gap = rng.randint(round(low * factor), round(high * factor))
            cursor = expected + timedelta(days=gap)
    world.absences_changed()


def place(
    world: World,
    staff: str,
    kind: str,
    planned: bool,
    first: date,
    expected: date,
    actual: date | None,
    tag: str,
) -> Absence:
    """Add an engineered absence, clearing the person's ordinary absences that would touch it."""
    lo = first - timedelta(days=4)
    hi = date.max if actual is None else actual + timedelta(days=4)
    # An absence without a return recorded goes on, so it clashes with everything after it.
    clashing = [
        a for a in world.absences_of(staff) if a.first_day <= hi and (a.actual_last_day or date.max) >= lo
    ]
    for absence in clashing:
        if not absence.removable:
            raise RuntimeError(f"engineered absences of {staff} clash: {tag} and {absence.tag}")
        world.absences.remove(absence)
    absence = Absence(staff, kind, planned, first, expected, actual, tag=tag)
    world.absences.append(absence)
    world.absences_changed()
    return absence


def keep_present(world: World, staff: str, first: date, last: date) -> None:
    """Drop the ordinary absences of a person that touch first..last."""
    for absence in list(world.absences_of(staff)):
        end = absence.actual_last_day or date.max
        if absence.removable and absence.first_day <= last and end >= first:
            world.absences.remove(absence)
    world.absences_changed()


# -- buddies ---------------------------------------------------------------------------------
def buddy_index(world: World) -> dict[str, list]:
    index = defaultdict(list)
    for nomination in sorted(world.buddies, key=lambda n: (n.rank, n.start)):
        index[nomination.staff].append(nomination)
    return index


def valid_buddies(world: World, index, staff_id: str, day: date) -> list[str]:
    """Buddies who may act on `day`, in nominated order (employed practitioners, same grade or approved)."""
    person = world.person(staff_id)
    out = []
    for n in index.get(staff_id, ()):
        if n.start <= day and (n.end is None or day <= n.end):
            buddy = world.person(n.buddy)
            if (
                buddy.employed_on(day)
                and buddy.is_practitioner
                and (buddy.grade == person.grade or n.approved_by)
            ):
                out.append(n.buddy)
    return out


# -- leave sheets and confirmations ----------------------------------------------------------
def build_sheets(world: World) -> None:
    """Leave sheets for planned absences, cover confirmations for unplanned ones (case-holders only)."""
    rng, today = world.rng, world.today
    index = buddy_index(world)
    for absence in sorted(world.absences, key=lambda a: (a.first_day, a.staff)):
        person = world.person(absence.staff)
        if not person.is_practitioner:
            continue
        cases = sorted(world.open_cases_of(absence.staff, absence.first_day), key=lambda c: c.id)
        if not cases:
            continue
        if absence.planned:
            absence.sheet = _sheet(world, index, absence, cases)
        else:
            day = absence.first_day if rng.random() < 0.7 else world.wd_after(absence.first_day, 1)
            if day > today:
                day = absence.first_day
            manager = world.line_manager_on(absence.staff, absence.first_day)
            if day <= today and manager:
                absence.confirmation = Confirmation(
                    world.at(day, rng.choice((9, 9, 10, 11)), rng.choice((5, 20, 40))), manager
                )


def _sheet(world: World, index, absence: Absence, cases) -> Sheet | None:
    rng, today = world.rng, world.today
    day = world.wd_on_or_before(absence.first_day - timedelta(days=rng.randint(2, 12)))
    if day > today:
        if absence.first_day - today > timedelta(days=9):
            return None  # not written yet: the leave is weeks away
        day = world.wd_on_or_before(today)
    manager = world.line_manager_on(absence.staff, day)
    if manager is None:
        return None
    covers = choose_covers(world, index, absence)
    lines = []
    for case in cases:
        if len(covers) > 1:
            cover = covers[0] if rng.random() < 0.65 else covers[1]
        else:
            cover = covers[0] if covers else None
        note = rng.choice(SHEET_NOTES) if rng.random() < 0.12 else None
        lines.append(SheetLine(case, cover, rng.random() < INFORMED_SHARE, note))
    submitted = world.at(day, rng.randint(9, 16), rng.choice((0, 15, 30, 45)))
    return Sheet(submitted, manager, lines)


def choose_covers(world: World, index, absence: Absence) -> list[str]:
    """Up to two colleagues present throughout the absence: valid buddies first, else the team."""
    last = absence.actual_last_day or absence.expected_last_day
    buddies = [
        b
        for b in valid_buddies(world, index, absence.staff, absence.first_day)
        if world.free(b, absence.first_day, last)
    ]
    if buddies:
        return buddies[:2]
    person = world.person(absence.staff)
    colleagues = [
        p
        for p in world.practitioners()
        if p.id != person.id
        and p.id != world.cast.get("unbuddied")
        and p.employed_on(absence.first_day)
        and p.employed_on(last)
        and world.free(p.id, absence.first_day, last)
    ]
    # Else a colleague at work throughout: same team and grade first, then the team, then anyone.
    colleagues.sort(key=lambda p: (p.team != person.team, p.grade != person.grade, p.id))
    return [p.id for p in colleagues[:1]]
