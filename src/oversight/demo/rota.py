"""The duty rota, and the check that keeps cover sound in the weeks around today.

Cover is judged by the policy's own resolution (`oversight.policy.cover.resolve_day`) on every working
day from 28 days before today to 28 days after, on the facts generated so far. Ordinary absences that
would leave a child with nobody, overload a duty officer or a buddy are dropped, so that the only such
findings are the engineered ones of scenario.py.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from oversight.demo.scenario import window_end_days
from oversight.demo.world import World
from oversight.policy import facts as f
from oversight.policy.cover import COVERING_STEPS, Via, resolve_day
from oversight.policy.settings import PolicySettings

MAX_ROUNDS = 12
LONDON = ZoneInfo("Europe/London")


def build_rota(world: World) -> None:
    """One or two duty officers every working day, drawn in turn from the youth justice and support
    officers at work that day; none on the first day of the team 2 course, one on the second."""
    rng = world.rng
    no_duty, single = window_end_days(world)
    turns: Counter[str] = Counter()
    officers = [p for p in world.staff if p.role in ("youth_justice_officer", "support_officer")]
    officers = [p for p in officers if p.id != world.cast["unbuddied"]]
    for day in world.wd_between(world.history_start, world.horizon):
        if day == no_duty:
            continue
        pool = [p.id for p in officers if world.present(p.id, day)]
        wanted = 1 if day == single else (2 if rng.random() < 0.4 else 1)
        pool.sort(key=lambda s: (turns[s], rng.random()))
        for staff in sorted(pool[:wanted]):
            world.rota.append((day, staff))
            turns[staff] += 1


def cover_facts(world: World) -> f.ServiceFacts:
    """The facts cover resolution needs, from the records generated so far."""
    for number, absence in enumerate(world.absences, start=1):
        absence.id = absence.id or f"X{number:05d}"
    return f.ServiceFacts(
        service=f.Service(world.service_id, world.service_id, settings=PolicySettings()),
        staff=tuple(
            f.Staff(p.id, p.name, p.role, p.start, p.end, p.discipline, p.employment, p.email)
            for p in world.staff
        ),
        reporting_lines=tuple(f.ReportingLine(l.staff, l.manager, l.start, l.end) for l in world.lines),
        cases=tuple(
            f.Case(c.id, c.name, c.order_type, c.risk, c.opened, c.closed, c.date_of_birth, c.paired_worker)
            for c in world.cases
        ),
        allocations=tuple(f.Allocation(a.case.id, a.staff, a.start, a.end) for a in world.allocations),
        buddies=tuple(
            f.BuddyNomination(n.staff, n.buddy, n.rank, n.start, n.end, n.approved_by) for n in world.buddies
        ),
        absences=tuple(
            f.Absence(a.id, a.staff, a.kind, a.planned, a.first_day, a.expected_last_day, a.actual_last_day)
            for a in world.absences
        ),
        leave_sheets=tuple(
            f.LeaveSheet(
                a.id,
                a.sheet.submitted.replace(tzinfo=LONDON),
                a.sheet.submitted_to,
                tuple(f.LeaveSheetLine(ln.case.id, ln.cover, ln.informed) for ln in a.sheet.lines),
            )
            for a in world.absences
            if a.sheet
        ),
        reallocations=tuple(
            f.Reallocation(r.case.id, r.staff, r.start, r.end, r.by) for r in world.reallocations
        ),
        duty_rota=tuple(f.DutyShift(day, staff) for day, staff in world.rota),
    )


def cover_problems(world: World) -> list[tuple[str, date, str, list[str]]]:
    """Unintended cover findings in the window: (what, day, subject, people whose absence is behind it)."""
    cast = world.cast
    no_duty, single = window_end_days(world)
    course = {cast[k] for k in cast if k.startswith("training_so_")} | {cast["duty_so"]}
    facts = cover_facts(world)
    known_at = datetime.combine(world.today, time(23, 59, 59), tzinfo=LONDON)  # as of the end of today
    first = world.today - timedelta(days=28)
    last = world.today + timedelta(days=28)
    problems = []
    for day in world.wd_between(first, last):
        answers = resolve_day(facts, day, known_at=known_at)
        duty: dict[str, list] = defaultdict(list)
        covering: dict[str, list] = defaultdict(list)
        own = Counter(a.case_manager for a in answers)
        for answer in answers:
            if answer.via is Via.NONE and not (day == no_duty and answer.case_manager in course):
                people = [answer.case_manager] + [p.staff for p in answer.passed_over if p.staff]
                problems.append(("nobody", day, answer.case, [p for p in people if p]))
            elif answer.via is Via.DUTY:
                duty[answer.contact].append(answer)
            elif answer.via in COVERING_STEPS:
                covering[answer.contact].append(answer)
        if day != single:
            for officer, routed in duty.items():
                if len(routed) > 8:
                    problems.append(("duty", day, officer, _by_weight([a.case_manager for a in routed])))
        for person, covered in covering.items():
            if person != cast["trio_b"] and own[person] + len(covered) > 25:
                problems.append(("buddy", day, person, _by_weight([a.case_manager for a in covered])))
    return problems


def _by_weight(people: list[str | None]) -> list[str]:
    counts = Counter(p for p in people if p)
    return [p for p, _ in counts.most_common()]


def repair_cover(world: World) -> list:
    """Drop ordinary absences behind unintended cover findings, until there are none left to drop."""
    problems: list = []
    for _ in range(MAX_ROUNDS):
        problems = cover_problems(world)
        dropped = set()
        for _, day, _, people in problems:
            for staff in people:
                absence = world.absence_on(staff, day)
                if absence is not None and absence.removable:
                    dropped.add(id(absence))
                    break
        if not dropped:
            break
        world.absences = [a for a in world.absences if id(a) not in dropped]
        world.absences_changed()
    return problems
