"""Supervision history: monthly formal one-to-ones up the whole chain, closer supervision of new
starters, the case discussions with their records and actions, gap records, group and peer sessions.

Sessions are planned person by person and month by month on a working day when both people are in;
a month lost to absence becomes a gap (recorded by the line manager) and the first session back is
held within days of the return. The deliberate shortfalls come from `World.skip_months`, `omitted`,
`late_returns` and `unrecorded_gaps` (set by scenario.py) and from the few records and actions spoiled
at the end of `build_supervision`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from oversight.demo.names import ACTION_TEXTS, REASONS_NOT_DONE
from oversight.demo.world import Action, Discussion, GapRecord, Override, Person, Session, World
from oversight.policy.calendar import month_first_day, month_key, month_last_day, months_between

Month = tuple[int, int]
IN_DEPTH = {"low": 0.15, "medium": 0.3, "high": 0.5, "very_high": 0.6}
SIGNIFICANT_SHARE = 0.04
LATE_RECORD_SHARE = 0.005
TIMES = ((9, 30), (10, 0), (11, 0), (13, 30), (14, 0), (15, 0))


class Planner:
    def __init__(self, world: World) -> None:
        self.world = world
        self.rng = world.rng
        self.lines: dict[str, list] = defaultdict(list)
        for line in world.lines:
            self.lines[line.staff].append(line)
        self.by_person: dict[str, list[Session]] = defaultdict(list)
        self.months = list(months_between(world.history_start, world.today))

    # -- who and when ----------------------------------------------------------------------
    def manager_on(self, staff: str, day: date) -> str | None:
        for line in self.lines.get(staff, ()):
            if line.start <= day and (line.end is None or day <= line.end):
                return line.manager
        return None

    def supervisor_on(self, staff: str, day: date) -> str | None:
        """The line manager if at work that day, else the manager above them; None if neither is."""
        manager = self.manager_on(staff, day)
        for candidate in (manager, self.manager_on(manager, day) if manager else None):
            if candidate and self.world.present(candidate, day):
                return candidate
        return None

    def feasible(self, staff: str, day: date) -> str | None:
        if not self.world.present(staff, day):
            return None
        return self.supervisor_on(staff, day)

    def hold(self, person: Person, day: date, supervisor: str) -> Session:
        hour, minute = self.rng.choice(TIMES)
        minutes = self.rng.choice((90, 120, 120)) if person.is_practitioner else self.rng.choice((60, 60, 90))
        session = Session("formal", supervisor, [person.id], self.world.at(day, hour, minute), minutes)
        self.world.sessions.append(session)
        self.by_person[person.id].append(session)
        return session

    # -- closer supervision ----------------------------------------------------------------
    def closer_supervision(self) -> None:
        """New starters are seen every 14 days for their first months; one interval slips (SUP-FREQUENCY)."""
        world = self.world
        for key, months, slip in (("starter_1", 3, False), ("starter_2", 6, True)):
            person = world.person(world.cast[key])
            start = person.start
            end = min(start + timedelta(days=30 * months + 1), world.horizon + timedelta(days=60))
            world.overrides.append(Override(person.id, 14, start, end))
            previous, count = start, 0
            while previous + timedelta(days=14) <= end:
                count += 1
                stretch = self.rng.randint(18, 19) if slip and count == 3 else self.rng.randint(10, 13)
                target = previous + timedelta(days=stretch)
                # The latest day up to the target when both are in, else the first one after it.
                before = reversed(world.wd_between(previous + timedelta(days=1), target))
                after = world.wd_between(target + timedelta(days=1), target + timedelta(days=60))
                chosen = self._first_feasible(person.id, [*before, *after])
                if chosen is None or chosen[0] > world.today:
                    break
                self.hold(person, *chosen)
                previous = chosen[0]

    # -- the monthly one-to-ones -----------------------------------------------------------
    def monthly(self) -> None:
        world = self.world
        for person in sorted(world.staff, key=lambda p: p.id):
            if not self.lines.get(person.id):
                continue  # the top of the chain
            preferred = self.rng.randint(3, 13)
            pending = None  # the absence that left a gap, until the first session back
            for month in self.months:
                first, last = month_first_day(*month), month_last_day(*month)
                days = [
                    d
                    for d in world.wd_between(first, last)
                    if person.employed_on(d) and self.manager_on(person.id, d)
                ]
                if not days:
                    continue
                reason = world.skip_months.get((person.id, month))
                if reason:
                    if reason == "gap":
                        pending = self._gap_absence(person.id, month)
                    continue
                if any(s.day.month == month[1] and s.day.year == month[0] for s in self.by_person[person.id]):
                    continue  # already seen this month under closer supervision
                choice = None
                if pending is not None and pending.actual_last_day is not None:
                    back = world.wd_after(pending.actual_last_day, 1)
                    if back <= last:
                        offsets = (7, 8, 6) if person.id in world.late_returns else (1, 0, 2, 3, 4)
                        wanted = [back if k == 0 else world.wd_after(back, k) for k in offsets]
                        choice = self._first_feasible(person.id, [d for d in wanted if first <= d <= last])
                        if choice or world.wd_after(back, 5) <= last:
                            pending = None
                if choice is None:
                    target = preferred + self.rng.randint(-2, 2)
                    order = sorted(range(len(days)), key=lambda i: (abs(i - target), i))
                    choice = self._first_feasible(person.id, [days[i] for i in order])
                if choice is None:
                    if self._absent_days(person.id, month) >= 5:
                        pending = self._gap_absence(person.id, month)
                    continue
                if choice[0] > world.today:
                    continue  # not held yet
                self.hold(person, *choice)

    def _first_feasible(self, staff: str, days: list[date]) -> tuple[date, str] | None:
        for day in days:
            supervisor = self.feasible(staff, day)
            if supervisor:
                return day, supervisor
        return None

    def _absent_days(self, staff: str, month: Month) -> int:
        first, last = month_first_day(*month), month_last_day(*month)
        return sum(1 for d in self.world.wd_between(first, last) if self.world.absence_on(staff, d))

    def _gap_absence(self, staff: str, month: Month):
        first, last = month_first_day(*month), month_last_day(*month)
        touching = [
            a
            for a in self.world.absences_of(staff)
            if a.first_day <= last and (a.actual_last_day is None or a.actual_last_day >= first)
        ]
        return max(touching, key=lambda a: a.actual_last_day or date.max) if touching else None


def build_supervision(world: World) -> None:
    planner = Planner(world)
    planner.closer_supervision()
    planner.monthly()
    world.sessions.sort(key=lambda s: (s.held, s.supervisees))
    _case_discussions(world)
    _cover_discussions(world, planner)
    _records_and_actions(world)
    _spoil_records(world)
    _gap_records(world, planner)
    _group_and_peer_sessions(world, planner)
    world.sessions.sort(key=lambda s: (s.held, s.kind, s.supervisor, s.supervisees))
    for number, session in enumerate(world.sessions, start=1):
        session.id = f"SV{number:05d}"
    count = 0
    for session in world.sessions:
        for discussion in session.discussions:
            for action in discussion.actions:
                count += 1
                action.id = f"AC{count:06d}"


def _month(day: date) -> Month:
    return (day.year, day.month)


def _case_discussions(world: World) -> None:
    """Every case open and allocated to the supervisee on the day is discussed (one left out on purpose)."""
    for session in world.sessions:
        person = world.person(session.supervisees[0])
        if not person.is_practitioner:
            continue
        cases = sorted(world.open_cases_of(person.id, session.day), key=lambda c: c.id)
        month = _month(session.day)
        if (person.id, month) in world.omitted:
            first, last = month_first_day(*month), month_last_day(*month)
            whole = [
                c
                for c in cases
                if c.opened < first
                and (c.closed is None or c.closed > last)
                and all(
                    a.staff == person.id
                    for a in world.allocations_by_case()[id(c)]
                    if a.start <= last and (a.end is None or a.end >= first)
                )
                and not any(r.case is c for r in world.reallocations)
            ]
            if whole:
                world.marked_cases["left_out"] = whole[0]
                cases.remove(whole[0])
                world.omitted.discard((person.id, month))
        session.discussions = [Discussion(case) for case in cases]


def _cover_discussions(world: World, planner: Planner) -> None:
    """A case whose manager had no session in a month (absence) is discussed at a colleague's session:
    the worker it was reallocated to, a buddy, or another member of the team (SUP-CASE)."""
    today = world.today
    closed = [m for m in planner.months if m < (today.year, today.month)]
    if not closed:
        return
    formal_by: dict[tuple[str, Month], list[Session]] = defaultdict(list)
    discussed: set[tuple[int, Month]] = set()
    for session in world.sessions:
        month = _month(session.day)
        formal_by[(session.supervisees[0], month)].append(session)
        discussed.update((id(d.case), month) for d in session.discussions)
    by_case = world.allocations_by_case()
    reallocated = defaultdict(list)
    for r in world.reallocations:
        reallocated[id(r.case)].append(r)
    left_out = world.marked_cases.get("left_out")
    for case in world.cases:
        if case is left_out:
            continue
        lo = max(case.opened, month_first_day(*closed[0]))
        hi = min(case.closed or date.max, month_last_day(*closed[-1]))
        if lo > hi:
            continue
        for month in months_between(lo, hi):
            if (id(case), month) in discussed:
                continue
            first, last = (
                max(month_first_day(*month), case.opened),
                min(case.closed or date.max, month_last_day(*month)),
            )
            managers = sorted(
                {a.staff for a in by_case[id(case)] if a.start <= last and (a.end is None or a.end >= first)}
            )
            if any(formal_by.get((m, month)) for m in managers):
                continue
            if any(world.skip_months.get((m, month)) == "missed" for m in managers):
                continue  # left as a finding on purpose (SUP-MONTHLY with SUP-CASE)
            session = _colleague_session(world, case, month, managers, formal_by, reallocated[id(case)])
            if session is not None:
                session.discussions.append(Discussion(case))
                session.discussions.sort(key=lambda d: d.case.id)
                discussed.add((id(case), month))


def _colleague_session(world, case, month, managers, formal_by, reallocations) -> Session | None:
    first, last = month_first_day(*month), month_last_day(*month)
    candidates = [r.staff for r in reallocations if r.start <= last and (r.end is None or r.end >= first)]
    for manager in managers:
        nominations = [
            n
            for n in world.buddies
            if n.staff == manager and n.start <= last and (n.end is None or n.end >= first)
        ]
        candidates += [n.buddy for n in sorted(nominations, key=lambda n: n.rank)]
    team = world.person(managers[0]).team if managers else case.team
    candidates += [p.id for p in world.practitioners(team=team)]
    for staff in candidates:
        sessions = formal_by.get((staff, month))
        if sessions and staff not in managers:
            return sessions[-1]
    return None


def _records_and_actions(world: World) -> None:
    rng, today = world.rng, world.today
    for session in world.sessions:
        owner = session.supervisees[0]
        for discussion in session.discussions:
            risk = discussion.case.risk
            discussion.depth = "in_depth" if rng.random() < IN_DEPTH[risk] else "check_in"
            discussion.significant = rng.random() < SIGNIFICANT_SHARE
            recorded = record_moment(
                world, session.held, discussion.significant, rng.random() < LATE_RECORD_SHARE
            )
            if recorded.date() <= today:
                discussion.recorded, discussion.recorded_by = recorded, session.supervisor
            chance = 0.5 if discussion.depth == "in_depth" else 0.12
            while rng.random() < chance and len(discussion.actions) < 2:
                discussion.actions.append(_action(world, session.held.date(), owner))
                chance = 0.2


def record_moment(world: World, held: datetime, significant: bool, late: bool) -> datetime:
    """When the manager writes the record: within 24 hours if significant, else within 5 working days."""
    rng = world.rng
    if significant and not late:
        return held + timedelta(hours=rng.choice((1, 2, 3, 4, 18, 20)), minutes=rng.choice((0, 10, 25)))
    if late:
        day = world.wd_after(held.date(), rng.randint(2, 3) if significant else rng.randint(6, 9))
    else:
        k = rng.choices((0, 1, 2, 3, 4), (25, 30, 20, 15, 10))[0]
        day = held.date() if k == 0 else world.wd_after(held.date(), k)
    if day == held.date():
        return held + timedelta(hours=rng.randint(2, 4), minutes=rng.choice((0, 15, 30)))
    return world.at(day, rng.randint(9, 16), rng.choice((0, 10, 20, 40)))


def _action(world: World, held: date, owner: str) -> Action:
    rng, today = world.rng, world.today
    due = held + timedelta(days=rng.choice((7, 14, 14, 21, 28)))
    action = Action(rng.choice(ACTION_TEXTS), owner, due)
    if rng.random() < 0.9:
        done = held + timedelta(days=rng.randint(1, (due - held).days + 3))
        if done <= today:
            action.done = done
    if action.done is None and due < today:
        action.reason_not_done = rng.choice(REASONS_NOT_DONE)
    return action


def _spoil_records(world: World) -> None:
    """REC-DEADLINE overdue (never recorded), REC-AUTHOR (written by someone else), SUP-ACTION (no reason)."""
    rng = world.rng
    older = world.today - timedelta(days=40)
    pool = [
        (s, d)
        for s in world.sessions
        if s.day < older and s.day > world.history_start + timedelta(days=40)
        for d in s.discussions
        if d.recorded is not None
    ]
    picks = rng.sample(pool, 7)
    for session, discussion in picks[:4]:
        discussion.recorded = discussion.recorded_by = None
    for session, discussion in picks[4:]:
        discussion.recorded_by = session.supervisees[0]
    actions = [a for s, d in pool for a in d.actions if a.done is None and a.reason_not_done]
    for action in rng.sample(actions, min(2, len(actions))):
        action.reason_not_done = None


def _gap_records(world: World, planner: Planner) -> None:
    """A closed month lost to absence (at least 5 working days) is recorded by the line manager."""
    today = world.today
    seen: set[tuple[str, Month]] = {(s.supervisees[0], _month(s.day)) for s in world.sessions}
    for person in world.practitioners():
        for month in planner.months:
            if month >= (today.year, today.month) or (person.id, month) in seen:
                continue
            first, last = month_first_day(*month), month_last_day(*month)
            holding = any(
                a.start <= last
                and (a.end is None or a.end >= first)
                and a.case.opened <= last
                and (a.case.closed is None or a.case.closed >= max(first, a.start))
                for a in world.allocations_of(person.id)
            )
            if not holding or planner._absent_days(person.id, month) < 5:
                continue
            if (person.id, month) in world.unrecorded_gaps:
                continue
            day = world.calendar.last_working_day_of_month(*month)
            by = planner.manager_on(person.id, day) or planner.manager_on(person.id, first)
            world.gap_records.append(GapRecord(person.id, month_key(first), world.at(day, 16, 30), by))


def _group_and_peer_sessions(world: World, planner: Planner) -> None:
    """Monthly group supervision led by the team manager, and fortnightly peer case discussion."""
    rng = world.rng
    for team in range(world.scale.teams):
        manager = next(p for p in world.staff if p.role == "team_manager" and p.team == team)
        for month in planner.months:
            days = [
                d
                for d in world.wd_between(month_first_day(*month), month_last_day(*month))
                if d <= world.today
            ]
            if len(days) < 12:
                continue
            for kind, day, lead in (
                ("group", days[rng.randint(8, 11)], manager.id),
                ("peer", days[rng.randint(2, 5)], None),
                ("peer", days[rng.randint(12, len(days) - 1)], None),
            ):
                present = [p.id for p in world.practitioners(team=team) if world.present(p.id, day)]
                if kind == "peer":
                    officers = [s for s in present if world.person(s).role == "youth_justice_officer"]
                    if not officers:
                        continue
                    lead = rng.choice(officers)
                    present = rng.sample([s for s in present if s != lead], min(3, len(present) - 1))
                if lead is None or not world.present(lead, day) or len(present) < 2:
                    continue
                held = world.at(day, 13 if kind == "group" else 10, 30 if kind == "group" else 0)
                world.sessions.append(
                    Session(kind, lead, sorted(present), held, 90 if kind == "group" else 60)
                )
