"""Supervision rules (RULES.md, "Supervision") and the supervision chain report.

Only formal one-to-one sessions meet a duty; group, peer and informal sessions never do. A formal session
counts for its supervisee whoever supervised it, in the local month and on the local date of `held`.
Facts dated after the as-of moment (sessions held, gap records written, actions done later) are not yet
known when judging, so that a past as-of moment gives the answer it would have given then.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from oversight.policy.calendar import WorkingCalendar, month_first_day, month_last_day, months_between
from oversight.policy.facts import (
    MANAGER_ROLES,
    Case,
    FrequencyOverride,
    ServiceFacts,
    Staff,
    Supervision,
    overlaps,
)
from oversight.policy.findings import Finding, Judgement, Status, fmt_day, fmt_month

Month = tuple[int, int]
ACTION_TEXT_MAX = 80


RULES = ("SUP-MONTHLY", "SUP-GAP", "SUP-RETURN", "SUP-FREQUENCY", "SUP-CASE", "SUP-CHAIN", "SUP-ACTION")


def check(j: Judgement, rules: Collection[str] = RULES) -> Iterator[Finding]:
    """The findings of the supervision rules, or of `rules` among them alone: each is judged on
    the tables it reads (catalogue.Rule.reads), so that one rule needs no more of the service."""
    sessions = _Sessions(j.facts, j.calendar, until=j.as_of)
    spans = _holding_spans(j.facts)
    if {"SUP-MONTHLY", "SUP-GAP", "SUP-RETURN"} & set(rules):
        holding = _holding_months(spans, j.compliance_start, j.today) if j.compliance_start else {}
        gaps = _gap_months(j, sessions, holding)
        if "SUP-MONTHLY" in rules:
            yield from _monthly(j, sessions, holding, gaps)
        if "SUP-GAP" in rules:
            yield from _gap_records(j, gaps)
        if "SUP-RETURN" in rules:
            yield from _returns(j, sessions, gaps)
    if "SUP-FREQUENCY" in rules:
        yield from _frequency(j, sessions)
    if "SUP-CASE" in rules:
        yield from _cases(j, sessions)
    if "SUP-CHAIN" in rules:
        yield from _chain(j, sessions, spans)
    if "SUP-ACTION" in rules:
        yield from _actions(j)


# -- indexes built once per judgement -------------------------------------------------------------
class _Sessions:
    """Formal sessions by supervisee and local month, their local dates, and the cases they discussed."""

    def __init__(self, facts: ServiceFacts, calendar: WorkingCalendar, until: datetime | None = None):
        self.days: dict[str, list[date]] = {}  # sorted local dates, by supervisee
        self.by_month: dict[tuple[str, Month], list[tuple[date, Supervision]]] = defaultdict(list)
        self.discussed: set[tuple[str, Month]] = set()  # (case, month) discussed at any formal session
        for staff, held in facts.formal_sessions_by_supervisee.items():
            if until is not None:  # in the order held: those held by then are a prefix, found by bisection
                held = held[: bisect_right(held, until, key=_held)]
            dated = [(calendar.local_date(s.held), s) for s in held]
            self.days[staff] = [day for day, _ in dated]
            for day, session in dated:
                month = _month(day)
                self.by_month[(staff, month)].append((day, session))
                self.discussed.update((d.case, month) for d in session.discussions)

    def had(self, staff: str, month: Month) -> bool:
        return (staff, month) in self.by_month

    def in_month(self, staff: str, month: Month) -> list[tuple[date, Supervision]]:
        return self.by_month.get((staff, month), [])

    def days_between(self, staff: str, first: date, last: date) -> list[date]:
        days = self.days.get(staff, [])
        return days[bisect_left(days, first) : bisect_right(days, last)]


def _holding_spans(facts: ServiceFacts) -> dict[str, list[tuple[date, date | None]]]:
    """Per person, the date ranges on which they manage an open case (is_case_holding, as ranges)."""
    spans: dict[str, list[tuple[date, date | None]]] = defaultdict(list)
    for allocation in facts.allocations:
        case = facts.case_by_id.get(allocation.case)
        if case is None:
            continue
        start = max(allocation.start, case.opened)
        end = _earliest(allocation.end, case.closed)
        if end is None or start <= end:
            spans[allocation.staff].append((start, end))
    return spans


def _holding_months(spans: dict[str, list], first: date, last: date) -> dict[str, set[Month]]:
    """Per person, the months (between `first` and `last`) with a case-holding day on or before `last`."""
    months: dict[str, set[Month]] = defaultdict(set)
    for staff, ranges in spans.items():
        for start, end in ranges:
            lo, hi = max(start, first), last if end is None else min(end, last)
            if lo <= hi:
                months[staff].update(months_between(lo, hi))
    return months


def _gap_months(j: Judgement, sessions: _Sessions, holding: dict[str, set[Month]]) -> dict[str, list[Month]]:
    # SUP-GAP: a closed, case-holding month with no formal session and enough absent working days.
    gaps: dict[str, list[Month]] = {}
    closed = set(j.closed_months)
    for staff in sorted(holding):
        months = sorted(m for m in holding[staff] & closed if not sessions.had(staff, m))
        gap = [
            m for m in months if _absent_working_days(j, staff, m) >= j.settings.gap_min_absent_working_days
        ]
        if gap:
            gaps[staff] = gap
    return gaps


def _absent_working_days(j: Judgement, staff: str, month: Month) -> int:
    first, last = month_first_day(*month), month_last_day(*month)
    days: set[date] = set()
    for absence in j.facts.absences_by_staff.get(staff, ()):
        # An absence with no recorded return continues (Absence.absent_on); count up to the month end.
        lo = max(absence.first_day, first)
        hi = last if absence.actual_last_day is None else min(absence.actual_last_day, last)
        days.update(j.calendar.working_days(lo, hi))
    return len(days)


# -- SUP-MONTHLY ----------------------------------------------------------------------------------
def _monthly(
    j: Judgement, sessions: _Sessions, holding: dict[str, set[Month]], gaps: dict[str, list[Month]]
) -> Iterator[Finding]:
    closed = set(j.closed_months)
    for staff in sorted(holding):
        gap = set(gaps.get(staff, ()))
        for month in sorted(holding[staff] & closed):
            if sessions.had(staff, month) or month in gap:
                continue
            yield Finding(
                rule="SUP-MONTHLY",  # SUP-MONTHLY: closed month, case-holding, no formal session
                status=Status.BREACH,
                subject=staff,
                period=j.period(*month),
                due=_month_due(j, month),
                detail=f"{j.names(staff)} held cases in {fmt_month(*month)} but had no formal one-to-one "
                "supervision that month; record why, and make sure this month's takes place.",
            )
        month = j.current_month
        if j.current_month_judged and month in holding[staff] and not sessions.had(staff, month):
            deadline = j.calendar.last_working_day_of_month(*month)
            yield Finding(
                rule="SUP-MONTHLY",  # SUP-MONTHLY: the current month is `due` until its last working day
                status=Status.DUE,
                subject=staff,
                period=j.period(*month),
                due=j.calendar.end_of(deadline),
                detail=f"{j.names(staff)} holds cases and has had no formal one-to-one in "
                f"{fmt_month(*month)} yet; hold one by the end of {fmt_day(deadline)}.",
            )


def _month_due(j: Judgement, month: Month) -> datetime:
    return j.calendar.end_of(j.calendar.last_working_day_of_month(*month))


# -- SUP-GAP --------------------------------------------------------------------------------------
def _gap_records(j: Judgement, gaps: dict[str, list[Month]]) -> Iterator[Finding]:
    recorded = {(g.staff, g.month) for g in j.facts.gap_records if g.recorded <= j.as_of}
    for staff, months in gaps.items():
        for month in months:
            if (staff, j.period(*month)) in recorded:
                continue
            yield Finding(
                rule="SUP-GAP",  # SUP-GAP: a gap in supervision must be clearly recorded
                status=Status.BREACH,
                subject=staff,
                period=j.period(*month),
                detail=f"{j.names(staff)} had no formal one-to-one in {fmt_month(*month)} because of "
                "absence; record the gap in supervision on their supervision record.",
            )


# -- SUP-RETURN -----------------------------------------------------------------------------------
def _returns(j: Judgement, sessions: _Sessions, gaps: dict[str, list[Month]]) -> Iterator[Finding]:
    for staff, months in gaps.items():
        caused: dict[str, list[Month]] = defaultdict(list)  # absence id -> the gap months it fell in
        for month in months:
            first, last = month_first_day(*month), month_last_day(*month)
            for absence in j.facts.absences_by_staff.get(staff, ()):
                # An absence caused the gap when it took at least one working day of the month.
                absent = j.calendar.working_days(
                    max(absence.first_day, first), _clip(absence.actual_last_day, last)
                )
                if any(absent):
                    caused[absence.id].append(month)
        for absence_id in sorted(caused, key=lambda a: (j.facts.absence_by_id[a].first_day, a)):
            absence = j.facts.absence_by_id[absence_id]
            if absence.actual_last_day is None:
                continue
            back = j.calendar.working_days_after(absence.actual_last_day, 1)
            if back > j.today:
                continue
            last_day = j.calendar.working_days_after(back, j.settings.return_supervision_working_days)
            if sessions.days_between(staff, back, last_day):
                continue
            deadline = j.calendar.end_of(last_day)
            gap = " and ".join(fmt_month(*m) for m in caused[absence_id])
            passed = j.as_of > deadline
            yield Finding(
                rule="SUP-RETURN",  # SUP-RETURN: supervision scheduled as a priority on return
                status=Status.BREACH if passed else Status.DUE,
                subject=staff,
                due=deadline,
                detail=f"{j.names(staff)} came back on {fmt_day(back)} from absence {absence_id}, which left "
                f"a gap in supervision in {gap}; "
                + (
                    f"no formal one-to-one was held by the end of {fmt_day(last_day)}: hold one now."
                    if passed
                    else f"hold a formal one-to-one by the end of {fmt_day(last_day)}."
                ),
            )


# -- SUP-FREQUENCY --------------------------------------------------------------------------------
def _frequency(j: Judgement, sessions: _Sessions) -> Iterator[Finding]:
    overrides = sorted(j.facts.frequency_overrides, key=lambda o: (o.staff, o.start, o.every_days))
    for o in overrides:
        window_end = j.today if o.end is None else min(o.end, j.today)
        every = timedelta(days=o.every_days)
        previous, from_session = o.start, False
        for day in sessions.days_between(o.staff, o.start, window_end) if o.start <= window_end else ():
            if day - previous > every:  # SUP-FREQUENCY: an interval longer than the override
                yield _frequency_breach(j, o, previous, from_session, (day - previous).days, day)
            previous, from_session = day, True
        due_day = previous + every
        if j.today > due_day and o.start <= due_day and (o.end is None or due_day <= o.end):
            yield _frequency_breach(j, o, previous, from_session, (j.today - previous).days, None)
        elif o.start <= j.today and (o.end is None or j.today <= o.end) and j.today <= due_day:
            yield Finding(
                rule="SUP-FREQUENCY",  # SUP-FREQUENCY: the next session under the override
                status=Status.DUE,
                subject=o.staff,
                due=j.calendar.end_of(due_day),
                detail=f"{j.names(o.staff)} is supervised every {o.every_days} days; the next formal "
                f"one-to-one is due by the end of {fmt_day(due_day)}.",
            )


def _frequency_breach(
    j: Judgement, o: FrequencyOverride, previous: date, from_session: bool, days: int, until: date | None
) -> Finding:
    since = (
        f"the formal one-to-one on {fmt_day(previous)}"
        if from_session
        else f"the start of the closer supervision on {fmt_day(previous)}"
    )
    upto = f"until {fmt_day(until)}" if until else "so far"
    due_day = previous + timedelta(days=o.every_days)
    return Finding(
        rule="SUP-FREQUENCY",
        status=Status.BREACH,
        subject=o.staff,
        due=j.calendar.end_of(due_day),
        detail=f"{j.names(o.staff)} went {days} days after {since} without a formal one-to-one ({upto}), "
        f"but is to be supervised every {o.every_days} days; one was due by the end of {fmt_day(due_day)}.",
    )


# -- SUP-CASE -------------------------------------------------------------------------------------
def _cases(j: Judgement, sessions: _Sessions) -> Iterator[Finding]:
    if not j.closed_months:
        return
    first = month_first_day(*j.closed_months[0])
    last = month_last_day(*j.closed_months[-1])
    for case in sorted(j.facts.cases, key=lambda c: c.id):
        lo, hi = max(case.opened, first), _clip(case.closed, last)
        if lo > hi:
            continue
        for month in months_between(lo, hi):
            if (case.id, month) not in sessions.discussed:
                finding = _case_not_discussed(j, sessions, case, month)
                if finding:
                    yield finding


def _case_not_discussed(j: Judgement, sessions: _Sessions, case: Case, month: Month) -> Finding | None:
    # SUP-CASE: every open case must be discussed each monthly supervision.
    first, last = max(month_first_day(*month), case.opened), _clip(case.closed, month_last_day(*month))
    allocations = j.facts.allocations_by_case.get(case.id, ())
    managers = sorted({a.staff for a in allocations if overlaps(a.start, a.end, first, last)})
    missed = [  # the managers' sessions at which the case was theirs and open, but not discussed
        (day, staff, session)
        for staff in managers
        for day, session in sessions.in_month(staff, month)
        if case.open_on(day) and j.facts.case_manager_on(case.id, day) == staff
    ]
    base = {
        "rule": "SUP-CASE",
        "status": Status.BREACH,
        "subject": case.id,
        "case": case.id,
        "period": j.period(*month),
    }
    if missed:
        held = ", ".join(
            f"{s.id} on {fmt_day(day)} with {j.names(staff)}" for day, staff, s in sorted(missed, key=_by_day)
        )
        return Finding(
            **base,
            due=_month_due(j, month),
            detail=f"Not discussed: case {case.id} was open and allocated to the supervisee at {held}, but "
            f"no formal one-to-one discussed it in {fmt_month(*month)}; discuss it at the next supervision.",
        )
    if any(sessions.had(staff, month) for staff in managers):
        return None  # allocated only after its managers' sessions: not required until next month
    if not managers:
        who = "it had no case manager that month"
    else:
        plural = "s" if len(managers) > 1 else ""
        names = _and(j.names(s) for s in managers)
        who = f"its case manager{plural} {names} had no formal one-to-one that month"
    return Finding(
        **base,
        due=_month_due(j, month),
        detail=f"no_supervision: case {case.id} was not discussed in {fmt_month(*month)} because {who}.",
    )


# -- SUP-CHAIN ------------------------------------------------------------------------------------
def _chain(j: Judgement, sessions: _Sessions, spans: dict[str, list]) -> Iterator[Finding]:
    managers = sorted((s for s in j.facts.staff if s.role in MANAGER_ROLES), key=lambda s: s.id)
    for month in j.closed_months:
        first, last = month_first_day(*month), month_last_day(*month)
        below = None
        for person in managers:
            line_manager = _line_manager_in(j.facts, person, first, last)
            if line_manager is None or sessions.had(person.id, month):
                continue  # the top of the chain, or supervised
            if below is None:  # worked out only for months with a break
                below = _chains_of_case_managers(j.facts, spans, first, last)
            count = sum(person.id in chain for chain in below.values())
            yield Finding(
                rule="SUP-CHAIN",  # SUP-CHAIN: an unbroken chain of formal supervision up to the top
                status=Status.BREACH,
                subject=person.id,
                period=j.period(*month),
                due=_month_due(j, month),
                detail=f"{j.names(person.id)} received no formal one-to-one from {j.names(line_manager)} in "
                f"{fmt_month(*month)}; the chain of supervision breaks here for {count} case "
                f"manager{'' if count == 1 else 's'} below.",
            )


def _line_manager_in(facts: ServiceFacts, person: Staff, first: date, last: date) -> str | None:
    """The person's latest line manager while employed in first..last (None: top of the chain)."""
    lo, hi = max(person.start, first), _clip(person.end, last)
    if lo > hi:
        return None
    current = None
    for line in facts.lines_by_staff.get(person.id, ()):
        if overlaps(line.start, line.end, lo, hi):
            current = line.manager
    return current


def _chains_of_case_managers(
    facts: ServiceFacts, spans: dict[str, list], first: date, last: date
) -> dict[str, list[str]]:
    """Case managers holding cases in first..last, with their line managers on `last`, nearest first."""
    holders = sorted(s for s, ranges in spans.items() if any(overlaps(a, b, first, last) for a, b in ranges))
    return {staff: facts.managers_above(staff, last) for staff in holders}


@dataclass(frozen=True, slots=True)
class ChainLink:
    manager: str
    supervised: bool  # received a formal one-to-one in the month
    required: bool  # False at the top of the chain, and for anyone SUP-CHAIN does not cover
    broken: bool  # the first required link without a formal one-to-one


@dataclass(frozen=True, slots=True)
class ChainRow:
    case_manager: str
    supervised: bool  # the case manager's own formal one-to-one in the month (SUP-MONTHLY)
    links: tuple[ChainLink, ...]  # line managers on the month's last day, nearest first

    @property
    def broken_at(self) -> str | None:
        return next((link.manager for link in self.links if link.broken), None)


def supervision_chain(
    facts: ServiceFacts, year: int, month: int, *, calendar: WorkingCalendar | None = None
) -> list[ChainRow]:
    """SUP-CHAIN report: for each case manager holding cases in the month, the chain above them."""
    calendar = calendar or WorkingCalendar(
        facts.service.holidays, facts.service.timezone, facts.settings.closure_days
    )
    sessions = _Sessions(facts, calendar)
    first, last = month_first_day(year, month), month_last_day(year, month)
    rows = []
    for staff, chain in _chains_of_case_managers(facts, _holding_spans(facts), first, last).items():
        links, broken = [], False
        for manager in chain:
            person = facts.staff_by_id.get(manager)
            required = (
                person is not None
                and person.role in MANAGER_ROLES
                and _line_manager_in(facts, person, first, last) is not None
            )
            supervised = sessions.had(manager, (year, month))
            breaks = required and not supervised and not broken
            broken = broken or breaks
            links.append(ChainLink(manager, supervised, required, breaks))
        rows.append(ChainRow(staff, sessions.had(staff, (year, month)), tuple(links)))
    return rows


# -- SUP-ACTION -----------------------------------------------------------------------------------
def _actions(j: Judgement) -> Iterator[Finding]:
    in_order = j.facts.sessions_in_order
    for session in in_order[: bisect_right(in_order, j.as_of, key=_held)]:  # those held by the as-of moment
        # Without a named owner the action falls to the supervisee (the supervisor of a group session).
        fallback = session.supervisees[0] if len(session.supervisees) == 1 else session.supervisor
        for discussion in session.discussions:
            for action in discussion.actions:
                done = action.done is not None and action.done <= j.today
                noted = bool(action.reason_not_done and action.reason_not_done.strip())
                if action.due is None or action.due >= j.today or done or noted:
                    continue
                owner = action.owner or fallback
                yield Finding(
                    rule="SUP-ACTION",  # SUP-ACTION: overdue, not done, no reason noted
                    status=Status.BREACH,
                    subject=owner,
                    case=discussion.case,
                    due=j.calendar.end_of(action.due),
                    detail=f'{j.names(owner)} has not done action {action.id} "{_truncate(action.text)}" on '
                    f"case {discussion.case}, due {fmt_day(action.due)}; mark it done or note why not.",
                )


# -- small helpers --------------------------------------------------------------------------------
def _held(session: Supervision) -> datetime:
    return session.held


def _month(day: date) -> Month:
    return (day.year, day.month)


def _earliest(a: date | None, b: date | None) -> date | None:
    """The earlier of two optional range ends (None: open)."""
    return b if a is None else a if b is None else min(a, b)


def _clip(end: date | None, last: date) -> date:
    return last if end is None else min(end, last)


def _and(items: Iterable[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _by_day(item: tuple[date, str, Supervision]) -> tuple:
    day, staff, session = item
    return (day, staff, session.id)


def _truncate(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= ACTION_TEXT_MAX else text[: ACTION_TEXT_MAX - 1] + "…"
