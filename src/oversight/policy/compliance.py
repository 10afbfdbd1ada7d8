"""The compliance overview senior managers read: per team and month, how well the supervision
policy and the buddy policy were kept.

- **Case holders supervised**: of the people who held cases in the month (RULES.md: case-holding on at
  least one day), how many received a formal one-to-one in it (SUP-MONTHLY's duty; group, peer and
  informal sessions never count).
- **Cases discussed**: of the cases open in the month, how many SUP-CASE did not report. Judged for
  closed months from `compliance_start` only, as SUP-CASE is; the current month has no figure yet.
- **Records on time**: of the records on the child's file that REC-DEADLINE needs for discussions and
  decisions held in the month, how many it did not report as late or overdue. A record not yet
  written whose deadline is still ahead is not counted either way.
- **Cover gap days**: the number of (case, working day) pairs in the month on which a case had no
  named contact (cover resolution reaching `none`, COV-CONTACT's breach), up to today.

A team is a team manager and everyone below them on the day (oversight.policy.teams); a case belongs
to the team of its case manager on its last day in the month, a person to their team on their last
case-holding day in it, and a record to the team of the case manager on the day it was discussed.
Whatever has no team manager above it is counted under `teams.NO_TEAM`.

The figures come from the engine's findings (pass them in, or they are evaluated here) and from the
facts: no rule is judged a second time here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from oversight.policy.calendar import month_first_day, month_last_day, months_between
from oversight.policy.cover import Via, resolve_day
from oversight.policy.facts import ServiceFacts
from oversight.policy.findings import Finding, Judgement, Status
from oversight.policy.records import needed_records, record_deadline
from oversight.policy.teams import NO_TEAM, team_of

Month = tuple[int, int]
ALL_TEAMS = "all"


@dataclass(frozen=True, slots=True)
class TeamMonth:
    team: str  # the team manager's identifier, NO_TEAM, or ALL_TEAMS for the whole service
    month: str  # YYYY-MM
    closed: bool  # the month ended before the as-of moment
    holders: int = 0
    supervised: int = 0
    cases: int = 0
    discussed: int | None = None  # None: not judged (current month, or before compliance_start)
    records: int = 0  # records judged: deadline passed, or already on the file
    on_time: int = 0
    cover_gap_days: int = 0

    @property
    def supervised_pct(self) -> float | None:
        return _pct(self.supervised, self.holders)

    @property
    def discussed_pct(self) -> float | None:
        return None if self.discussed is None else _pct(self.discussed, self.cases)

    @property
    def on_time_pct(self) -> float | None:
        return _pct(self.on_time, self.records)


def _pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100 * part / whole, 1)


@dataclass
class _Tally:
    holders: set = field(default_factory=set)
    supervised: set = field(default_factory=set)
    cases: set = field(default_factory=set)
    discussed: set = field(default_factory=set)
    records: int = 0
    on_time: int = 0
    gap_days: int = 0


def compliance_overview(
    facts: ServiceFacts,
    as_of: datetime,
    first: Month,
    last: Month,
    findings: Iterable[Finding] | None = None,
) -> list[TeamMonth]:
    """One row per team and month from `first` to `last` (months after the as-of month are left
    out), ordered by month and team. `findings` are the engine's at `as_of`."""
    j = Judgement.at(facts, as_of)
    if findings is None:
        from oversight.policy.engine import evaluate

        findings = evaluate(facts, as_of)
    findings = list(findings)
    today = j.today
    span = months_between(month_first_day(*first), month_first_day(*last))
    months = [m for m in span if m <= j.current_month]
    if not months:
        return []
    wanted = set(months)
    judged_months = set(j.closed_months)  # closed and from compliance_start: SUP-CASE's months
    tallies: dict[tuple[str, Month], _Tally] = defaultdict(_Tally)
    teams_seen: set[str] = set()

    def tally(team: str | None, month: Month) -> _Tally:
        key = team or NO_TEAM
        teams_seen.add(key)
        return tallies[(key, month)]

    # Who held cases, and which cases were open, per month (up to today).
    holder_last: dict[tuple[str, Month], date] = {}  # (person, month) -> last case-holding day
    case_open: dict[tuple[str, Month], date] = {}  # (case, month) -> last open day
    case_manager: dict[tuple[str, Month], tuple[date, str]] = {}  # -> (last allocated day, manager)
    for case in j.facts.cases:
        for month in months:
            lo, hi = _clip(case.opened, case.closed, month, today)
            if lo is not None:
                case_open[(case.id, month)] = hi
    for allocation in j.facts.allocations:
        case = j.facts.case_by_id.get(allocation.case)
        if case is None:
            continue
        start = max(allocation.start, case.opened)
        end = _earliest(allocation.end, case.closed)
        for month in months:
            lo, hi = _clip(start, end, month, today)
            if lo is None:
                continue
            key = (allocation.staff, month)
            holder_last[key] = max(hi, holder_last.get(key, hi))
            current = case_manager.get((case.id, month))
            if current is None or hi > current[0]:
                case_manager[(case.id, month)] = (hi, allocation.staff)

    sessions = _formal_months(j)
    for (staff, month), day in holder_last.items():
        t = tally(team_of(j.facts, staff, day), month)
        t.holders.add(staff)
        if (staff, month) in sessions:
            t.supervised.add(staff)

    not_discussed = {(f.case, f.period) for f in findings if f.rule == "SUP-CASE" and f.case}
    for (case_id, month), last_open in case_open.items():
        day, manager = case_manager.get((case_id, month), (last_open, None))
        t = tally(team_of(j.facts, manager, day), month)
        t.cases.add(case_id)
        if month in judged_months and (case_id, _key(month)) not in not_discussed:
            t.discussed.add(case_id)

    late_or_overdue: dict[str, list[str]] = defaultdict(list)
    for f in findings:
        if f.rule == "REC-DEADLINE" and f.status == Status.BREACH and f.case:
            late_or_overdue[f.case].append(f.detail)
    for record in needed_records(j):
        held_day = j.calendar.local_date(record.held)
        month = (held_day.year, held_day.month)
        if month not in wanted:
            continue
        deadline = record_deadline(j, record.held, record.significant)
        on_file = record.recorded is not None and record.recorded <= j.as_of
        if not on_file and deadline >= j.as_of:
            continue  # still time: neither on time nor late yet
        manager = j.facts.case_manager_on(record.case, held_day)
        t = tally(team_of(j.facts, manager, held_day), month)
        t.records += 1
        # The finding names its record ("the discussion of case C1 at formal supervision V1 on …").
        if not any(f"{record.what} on " in detail for detail in late_or_overdue.get(record.case, ())):
            t.on_time += 1

    for month in months:
        first_day, last_day = month_first_day(*month), min(month_last_day(*month), today)
        for day in j.calendar.working_days(first_day, last_day):
            known_at = min(j.calendar.end_of(day), j.as_of)
            for answer in resolve_day(j.facts, day, known_at=known_at):
                if answer.via is Via.NONE:
                    manager = answer.case_manager or j.facts.case_manager_on(answer.case, day)
                    tally(team_of(j.facts, manager, day), month).gap_days += 1

    rows = []
    for month in months:
        for team in sorted(teams_seen, key=lambda t: (t == NO_TEAM, t)):
            t = tallies.get((team, month), _Tally())
            rows.append(
                TeamMonth(
                    team=team, month=_key(month), closed=month < j.current_month,
                    holders=len(t.holders), supervised=len(t.supervised), cases=len(t.cases),
                    discussed=len(t.discussed) if month in judged_months else None,
                    records=t.records, on_time=t.on_time, cover_gap_days=t.gap_days,
                )
            )
    return rows


def service_totals(rows: Iterable[TeamMonth]) -> list[TeamMonth]:
    """The whole service per month (team ALL_TEAMS): the sums of the teams' counts."""
    by_month: dict[str, list[TeamMonth]] = defaultdict(list)
    for row in rows:
        by_month[row.month].append(row)
    totals = []
    for month in sorted(by_month):
        group = by_month[month]
        judged = [r.discussed for r in group if r.discussed is not None]
        totals.append(
            TeamMonth(
                team=ALL_TEAMS, month=month, closed=all(r.closed for r in group),
                holders=sum(r.holders for r in group), supervised=sum(r.supervised for r in group),
                cases=sum(r.cases for r in group),
                discussed=sum(judged) if len(judged) == len(group) else None,
                records=sum(r.records for r in group), on_time=sum(r.on_time for r in group),
                cover_gap_days=sum(r.cover_gap_days for r in group),
            )
        )
    return totals


# -- helpers --------------------------------------------------------------------------------------
def _formal_months(j: Judgement) -> set[tuple[str, Month]]:
    """(supervisee, local month) of every formal one-to-one held by the as-of moment."""
    held = set()
    for staff, sessions in j.facts.formal_sessions_by_supervisee.items():
        for session in sessions:
            if session.held <= j.as_of:
                day = j.calendar.local_date(session.held)
                held.add((staff, (day.year, day.month)))
    return held


def _clip(start: date, end: date | None, month: Month, today: date) -> tuple[date | None, date | None]:
    """The part of start..end (inclusive, open when end is None) inside the month, up to today."""
    lo = max(start, month_first_day(*month))
    hi = min(month_last_day(*month), today, end) if end is not None else min(month_last_day(*month), today)
    return (lo, hi) if lo <= hi else (None, None)


def _earliest(a: date | None, b: date | None) -> date | None:
    return b if a is None else a if b is None else min(a, b)


def _key(month: Month) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"
