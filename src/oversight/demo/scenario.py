"""The engineered situations: where the demo service falls short of its policies, on purpose.

A real service is mostly compliant and shows a few findings of every kind. Everything here is placed
relative to `today`, so that any (seed, today) gives at least one finding of every rule of RULES.md as of
the end of `today`, while the ordinary steps keep the rest of the service compliant.

Today (see `place_absences`): `trio_a` is on annual leave with a leave sheet naming `trio_b` for every
case; `trio_s` is off sick, so their detention and training order goes to its paired worker and the rest
to their buddy `trio_b`, who then holds far more than 25 cases (COV-BUDDY-LOAD); `duty_so`, whose only
buddy is an unapproved youth justice officer (COV-GRADE), is off sick and their cases fall to the duty
officer (COV-CONTACT warning); `long_sick_now` is past 20 working days of sickness with all cases but one
temporarily reallocated (COV-REALLOCATE). At the end of the 4-week look-ahead the three support officers
of team 2 are on a two-day course: on the first day nobody is on the duty rota (COV-CONTACT breach), on the
second a single duty officer would take all their cases (COV-DUTY-LOAD).
"""

from __future__ import annotations

from datetime import date, timedelta

from oversight.demo.absences import keep_present, place
from oversight.demo.cases import pick_paired_worker, suitable
from oversight.demo.staff import month_add
from oversight.demo.world import Case, Reallocation, World
from oversight.policy.calendar import month_first_day, month_last_day, months_between

DTO = "detention_and_training_order"


def anchor(world: World) -> date:
    """The last working day on or before today: present-day situations are placed around it."""
    return world.wd_on_or_before(world.today)


def window_end_days(world: World) -> tuple[date, date]:
    """The last two working days of the 4-week look-ahead: no duty officer, then an overloaded one."""
    last = world.wd_on_or_before(world.today + timedelta(days=28))
    return world.wd_before(last), last


def place_absences(world: World) -> None:
    cast, rng, t0 = world.cast, world.rng, anchor(world)
    # Today.
    place(
        world,
        cast["trio_a"],
        "annual_leave",
        True,
        world.wd_before(t0, 3),
        world.wd_after(t0, 5),
        None,
        "now-leave",
    )
    place(
        world,
        cast["trio_s"],
        "sickness",
        False,
        world.wd_before(t0, 1),
        world.wd_after(t0, 2),
        None,
        "now-sick",
    )
    place(
        world,
        cast["duty_so"],
        "sickness",
        False,
        world.wd_before(t0, 2),
        world.wd_after(t0, 3),
        None,
        "now-duty",
    )
    sick_from = world.wd_before(t0, 30)
    keep_present(world, cast["long_sick_now"], month_first_day(sick_from.year, sick_from.month), sick_from)
    place(
        world,
        cast["long_sick_now"],
        "sickness",
        False,
        sick_from,
        world.wd_after(t0, 10),
        None,
        "long-sick-now",
    )
    for key in ("trio_b", "unbuddied"):
        keep_present(world, cast[key], world.today - timedelta(days=45), world.horizon)
    # The end of the look-ahead.
    first, second = window_end_days(world)
    for key in sorted(k for k in cast if k.startswith("training_so_")):
        place(world, cast[key], "training", True, first, second, None, "window-end-course")
    # Long-term sickness some ten months ago, handled well: reallocated, gaps recorded, supervised on return.
    start = world.wd_after(month_add(world.today, -10) + timedelta(days=4), 0)
    back = world.wd_after(start, 39)
    keep_present(world, cast["long_sick_past"], month_first_day(start.year, start.month), month_add(back, 1))
    place(world, cast["long_sick_past"], "sickness", False, start, back, back, "long-sick-past")

    # Supervision gaps: annual leave over the end of a month, with no session that month.
    months = list(months_between(month_add(world.history_start, 2), month_add(world.today, -3)))
    taken = set(cast.values())
    pool = [
        p.id
        for p in world.staff
        if p.role in ("youth_justice_officer", "support_officer")
        and p.id not in taken
        and p.start < world.history_start
        and p.end is None
    ]
    people = rng.sample(pool, 7)
    picked = rng.sample(months, 7) if len(months) >= 7 else [rng.choice(months) for _ in range(7)]
    tags = ("gap", "gap", "gap", "gap-unrecorded", "gap-late-return")
    for index, (person, month, tag) in enumerate(zip(people, picked, tags, strict=False)):
        last_working = world.calendar.last_working_day_of_month(*month)
        leave_first = world.wd_before(last_working, 7)
        leave_last = world.wd_after(month_last_day(*month), 2)
        keep_present(world, person, month_first_day(*month), world.wd_after(leave_last, 12))
        place(world, person, "annual_leave", True, leave_first, leave_last, leave_last, tag)
        world.skip_months[(person, month)] = "gap"
        if tag == "gap-unrecorded":
            world.unrecorded_gaps.add((person, month))
        if tag == "gap-late-return":
            world.late_returns.add(person)
        cast[f"gap_{index}"] = person
    # SUP-MONTHLY: a month with no supervision and no absence to explain it.
    missed, month = people[5], picked[5]
    keep_present(world, missed, month_first_day(*month), month_last_day(*month))
    world.skip_months[(missed, month)] = "missed"
    cast["missed_month"] = missed
    # SUP-CASE: one session that leaves a case out.
    world.omitted.add((people[6], picked[6]))
    cast["case_left_out"] = people[6]
    # SUP-CHAIN: a deputy team manager not supervised one month.
    deputy = next(p.id for p in world.staff if p.role == "deputy_team_manager" and p.id != cast["new_deputy"])
    world.skip_months[(deputy, picked[0])] = "missed"
    cast["chain_break"] = deputy
    world.absences_changed()


# -- after allocation ------------------------------------------------------------------------
def settle_caseloads(world: World) -> None:
    """Make sure the people of the present-day situations hold the cases those situations need."""
    cast, t0 = world.cast, anchor(world)
    first_course_day, _ = window_end_days(world)

    def open_of(key: str, day: date = t0) -> list[Case]:
        return sorted(world.open_cases_of(cast[key], day), key=lambda c: c.id)

    # trio_s holds a detention and training order, with a paired worker who is at work today.
    if not any(c.order_type == DTO for c in open_of("trio_s")):
        dtos = [
            c
            for c in world.cases
            if c.closed is None and c.order_type == DTO and c.paired_worker != cast["trio_s"]
        ]
        dtos.sort(key=lambda c: (c.team != 0, c.id))
        for case in dtos:
            if move_current(world, case, cast["trio_s"]):
                break
    absent_today = {cast[k] for k in ("trio_a", "trio_s", "duty_so", "long_sick_now")}
    for case in open_of("trio_s"):
        if case.order_type == DTO:
            case.paired_worker = pick_paired_worker(world, case, avoid=absent_today | {cast["trio_b"]})
    # trio_b ends up covering far more than 25 cases.
    donors = [
        p.id
        for p in world.practitioners(team=0, role="youth_justice_officer")
        if p.id not in set(cast.values())
    ]
    while (
        len(open_of("trio_b")) + len(open_of("trio_a")) + sum(c.order_type != DTO for c in open_of("trio_s"))
        < 29
    ):
        moved = False
        for donor in sorted(donors, key=lambda d: -len(world.open_cases_of(d, t0))):
            movable = [c for c in world.open_cases_of(donor, t0) if c.order_type != DTO]
            if movable and move_current(world, movable[0], cast["trio_a"]):
                moved = True
                break
        if not moved:
            break
    # duty_so's cases go to the duty officer: few enough for one officer (at most 6).
    while len(open_of("duty_so")) > 6:
        case = open_of("duty_so")[-1]
        others = [p.id for p in world.practitioners(team=3) if p.id != cast["duty_so"] and suitable(p, case)]
        if not any(move_current(world, case, other) for other in others):
            break
    # The unbuddied starter and the course-goers hold cases; the long-term sick one holds several.
    for key, wanted, day in (
        ("unbuddied", 2, t0),
        ("training_so_0", 4, first_course_day),
        ("long_sick_now", 3, t0),
    ):
        team = world.person(cast[key]).team
        while len(open_of(key, day)) < wanted:
            candidates = [
                c
                for p in world.practitioners(team=team)
                if p.id not in set(cast.values())
                for c in world.open_cases_of(p.id, t0)
                if suitable(world.person(cast[key]), c) and c.order_type != DTO
            ]
            if not candidates or not move_current(world, min(candidates, key=lambda c: c.id), cast[key]):
                break
    # COV-PAIRED: one detention and training order has no paired worker.
    busy = set(cast.values())
    unpaired = next(
        c
        for c in world.cases
        if c.closed is None and c.order_type == DTO and world.case_manager_on(c, t0) not in busy
    )
    unpaired.paired_worker = None
    world.marked_cases["unpaired"] = unpaired


def move_current(world: World, case: Case, staff: str) -> bool:
    """Give the case's current allocation to `staff` instead (when they could have held it)."""
    allocation = next((a for a in world.allocations_by_case().get(id(case), ()) if a.end is None), None)
    person = world.person(staff)
    if (
        allocation is None
        or staff in world.holders(case)
        or case.paired_worker == staff
        or person.start > allocation.start
        or person.end is not None
        or world.absence_on(staff, allocation.start) is not None
    ):
        return False
    allocation.staff = staff
    world.allocations_changed()
    return True


def place_reallocations(world: World) -> None:
    """Temporary reallocation in long-term sickness; for the current one, one case is forgotten."""
    cast = world.cast
    for key, after in (("long_sick_past", 11), ("long_sick_now", 18)):
        staff = cast[key]
        absence = next(a for a in world.absences_of(staff) if a.tag.startswith("long-sick"))
        day = world.wd_after(absence.first_day, after)
        until = absence.actual_last_day
        manager = world.line_manager_on(staff, day)
        cases = sorted(world.open_cases_of(staff, day), key=lambda c: c.id)
        if key == "long_sick_now":
            forgotten = next(c for c in cases if c.order_type != DTO and (c.closed is None))
            world.marked_cases["not_reallocated"] = forgotten
            cases.remove(forgotten)
        team = world.person(staff).team
        extra: dict[str, int] = {}
        for case in cases:
            last = until or world.horizon
            candidates = [
                p
                for p in world.practitioners(team=team)
                if p.id != staff
                and p.id not in (cast["unbuddied"], case.paired_worker)
                and suitable(p, case)
                and p.employed_on(day)
                and p.employed_on(last)
                and world.free(p.id, day, min(last, world.horizon))
            ] or [
                p
                for p in world.practitioners(team=team)
                if p.id != staff
                and p.id != cast["unbuddied"]
                and suitable(p, case)
                and p.employed_on(day)
                and (p.end is None or p.end >= last)
            ]
            target = min(
                candidates, key=lambda p: (len(world.open_cases_of(p.id, day)) + extra.get(p.id, 0), p.id)
            )
            extra[target.id] = extra.get(target.id, 0) + 1
            world.reallocations.append(Reallocation(case, target.id, day, until, manager))


def spoil_sheets(world: World) -> None:
    """COV-LEAVE-SHEET and COV-INFORMED: a few sheets missing, late or short; sickness not confirmed."""
    cast, rng = world.cast, world.rng
    window_start = world.today - timedelta(days=40)
    ordinary = sorted(
        (
            a
            for a in world.absences
            if a.removable
            and a.expected_last_day < window_start
            and a.first_day > world.history_start + timedelta(days=30)
            and a.staff not in set(cast.values())
        ),
        key=lambda a: (a.first_day, a.staff),
    )
    sheets = [a for a in ordinary if a.planned and a.sheet and len(a.sheet.lines) >= 2]
    for absence, tag in zip(
        rng.sample(sheets, 3), ("sheet-missing", "sheet-late", "sheet-short"), strict=True
    ):
        absence.tag = tag
        if tag == "sheet-missing":
            absence.sheet = None
        elif tag == "sheet-late":
            absence.sheet.submitted = world.at(absence.first_day, 11, 20)
        else:
            absence.sheet.lines.pop(rng.randrange(len(absence.sheet.lines)))
    confirmed = [a for a in ordinary if not a.planned and a.confirmation]
    for absence, tag in zip(rng.sample(confirmed, 2), ("unconfirmed", "confirmed-late"), strict=True):
        absence.tag = tag
        if tag == "unconfirmed":
            absence.confirmation = None
        else:
            absence.confirmation.confirmed = world.at(world.wd_after(absence.first_day, 3), 10, 5)
    # Today's leave: the sheet names trio_b for every case, and one young person was not told.
    leave = next(a for a in world.absences_of(cast["trio_a"]) if a.tag == "now-leave")
    if leave.sheet is not None:
        for line in leave.sheet.lines:
            line.cover = cast["trio_b"]
        leave.sheet.lines[0].informed = False
