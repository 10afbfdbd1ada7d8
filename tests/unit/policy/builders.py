"""Readable tiny services for policy tests.

    b = team()                                   # A1 (assistant director) > T1 > D1, all supervised
    b.person("Y1", manager="D1")                 # a youth justice officer reporting to D1
    b.case("C1", manager="Y1", opened="2026-01-05")
    b.formal("V1", "Y1", "2026-01-14 10:00", discuss("C1"))
    findings = run(supervision.check, b.build(), "2026-02-18 12:00", rule="SUP-CASE")

Dates are ISO strings or `date`s; moments are "YYYY-MM-DD HH:MM" local (Europe/London) or aware datetimes.
Builder methods return the builder, so a scenario reads as a list of facts.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from oversight.policy.facts import (
    Absence,
    Action,
    Allocation,
    BuddyNomination,
    Case,
    Contact,
    CoverConfirmation,
    Discussion,
    DutyShift,
    FrequencyOverride,
    GapRecord,
    LeaveSheet,
    LeaveSheetLine,
    Milestone,
    OversightEvent,
    Reallocation,
    ReportingLine,
    Service,
    ServiceFacts,
    Staff,
    Supervision,
)
from oversight.policy.findings import Finding, Judgement
from oversight.policy.settings import PolicySettings

LONDON = ZoneInfo("Europe/London")
DEFAULT_START = date(2024, 1, 8)

DateLike = date | str
MomentLike = datetime | str


def day(value: DateLike | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def moment(value: MomentLike | None) -> datetime | None:
    """An aware datetime; strings without an offset are local London time ("2026-01-14 10:00")."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=LONDON)


def action(
    id: str, text: str = "Follow up", *, owner: str | None = None, due: DateLike | None = None,
    done: DateLike | None = None, reason: str | None = None,
) -> Action:
    return Action(id=id, text=text, owner=owner, due=day(due), done=day(done), reason_not_done=reason)


def discuss(
    case: str, *, significant: bool = False, recorded: MomentLike | None = None, by: str | None = None,
    actions: Iterable[Action] = (), depth: str = "check_in",
) -> Discussion:
    return Discussion(
        case=case, depth=depth, significant=significant, recorded=moment(recorded), recorded_by=by,
        actions=tuple(actions),
    )


class ServiceBuilder:
    def __init__(self, id: str = "T", *, settings: PolicySettings | None = None, **service) -> None:
        self.service = Service(id=id, name=f"Service {id}", settings=settings or PolicySettings(), **service)
        self.facts: dict[str, list] = {name: [] for name in _FIELDS}

    def settings(self, **changes) -> ServiceBuilder:
        self.service = replace(self.service, settings=replace(self.service.settings, **changes))
        return self

    # -- people --------------------------------------------------------------------------------
    def person(
        self, id: str, role: str = "youth_justice_officer", *, manager: str | None = None,
        start: DateLike = DEFAULT_START, end: DateLike | None = None, name: str | None = None,
        discipline: str | None = None, employment: str = "permanent",
    ) -> ServiceBuilder:
        self.facts["staff"].append(
            Staff(id=id, name=name or f"Person {id}", role=role, start=day(start), end=day(end),
                  discipline=discipline, employment=employment)
        )
        if manager:
            self.line(id, manager, start)
        return self

    def line(self, staff: str, manager: str, start: DateLike = DEFAULT_START, end: DateLike | None = None):
        self.facts["reporting_lines"].append(ReportingLine(staff, manager, day(start), day(end)))
        return self

    def buddy(self, staff: str, buddy: str, rank: int = 1, start: DateLike = DEFAULT_START,
              end: DateLike | None = None, approved_by: str | None = None) -> ServiceBuilder:
        self.facts["buddies"].append(BuddyNomination(staff, buddy, rank, day(start), day(end), approved_by))
        return self

    # -- cases ---------------------------------------------------------------------------------
    def case(
        self, id: str, *, manager: str | None = None, opened: DateLike = "2025-01-06",
        closed: DateLike | None = None, risk: str = "medium", order_type: str = "referral_order",
        paired_worker: str | None = None,
    ) -> ServiceBuilder:
        """A case, allocated to `manager` for as long as it is open when a manager is given."""
        self.facts["cases"].append(
            Case(id=id, name=f"Child {id}", order_type=order_type, risk=risk, opened=day(opened),
                 closed=day(closed), paired_worker=paired_worker)
        )
        if manager:
            self.allocate(id, manager, opened, closed)
        return self

    def allocate(self, case: str, staff: str, start: DateLike, end: DateLike | None = None):
        self.facts["allocations"].append(Allocation(case, staff, day(start), day(end)))
        return self

    def reallocate(self, case: str, staff: str, start: DateLike, end: DateLike | None = None,
                   by: str | None = None) -> ServiceBuilder:
        self.facts["reallocations"].append(Reallocation(case, staff, day(start), day(end), by))
        return self

    def contact(self, case: str, when: DateLike, kind: str = "face_to_face") -> ServiceBuilder:
        self.facts["contacts"].append(Contact(case, day(when), kind))
        return self

    def milestone(self, case: str, kind: str, due: DateLike, completed: DateLike | None = None):
        self.facts["milestones"].append(Milestone(case, kind, day(due), day(completed)))
        return self

    # -- absence and cover ---------------------------------------------------------------------
    def absence(
        self, id: str, staff: str, first: DateLike, last: DateLike | None = None, *,
        expected: DateLike | None = None, kind: str = "annual_leave", planned: bool = True,
    ) -> ServiceBuilder:
        """An absence from `first` to `last` (the recorded return); `last=None` has not ended."""
        expected = expected or last or first
        self.facts["absences"].append(
            Absence(id=id, staff=staff, kind=kind, planned=planned, first_day=day(first),
                    expected_last_day=day(expected), actual_last_day=day(last))
        )
        return self

    def leave_sheet(self, absence: str, submitted: MomentLike | None, to: str | None,
                    lines: Iterable[LeaveSheetLine] = ()) -> ServiceBuilder:
        self.facts["leave_sheets"].append(LeaveSheet(absence, moment(submitted), to, tuple(lines)))
        return self

    def cover_confirmation(self, absence: str, confirmed: MomentLike, by: str) -> ServiceBuilder:
        self.facts["cover_confirmations"].append(CoverConfirmation(absence, moment(confirmed), by))
        return self

    def duty(self, when: DateLike, staff: str) -> ServiceBuilder:
        self.facts["duty_rota"].append(DutyShift(day(when), staff))
        return self

    # -- supervision and oversight -------------------------------------------------------------
    def session(
        self, id: str, kind: str, supervisor: str, supervisees: Iterable[str], held: MomentLike,
        *discussions: Discussion, minutes: int | None = 60,
    ) -> ServiceBuilder:
        self.facts["supervisions"].append(
            Supervision(id=id, kind=kind, supervisor=supervisor, supervisees=tuple(supervisees),
                        held=moment(held), minutes=minutes, discussions=discussions)
        )
        return self

    def formal(self, id: str, supervisee: str, held: MomentLike, *discussions: Discussion,
               by: str | None = None) -> ServiceBuilder:
        """A formal one-to-one; the supervisor defaults to the supervisee's line manager that day."""
        held = moment(held)
        supervisor = by or self._line_manager(supervisee, held.date()) or "nobody"
        return self.session(id, "formal", supervisor, (supervisee,), held, *discussions)

    def gap_record(self, staff: str, month: str, recorded: MomentLike | None = None,
                   by: str = "D1") -> ServiceBuilder:
        """A gap record for `month` ("YYYY-MM"), by default written on the 1st of the next month."""
        if recorded is None:
            year, number = map(int, month.split("-"))
            recorded = datetime(year + number // 12, number % 12 + 1, 1, 9, 0)
        self.facts["gap_records"].append(GapRecord(staff, month, moment(recorded), by))
        return self

    def frequency(self, staff: str, every_days: int, start: DateLike, end: DateLike | None = None):
        self.facts["frequency_overrides"].append(FrequencyOverride(staff, every_days, day(start), day(end)))
        return self

    def event(
        self, id: str, case: str, held: MomentLike, *, by: str = "D1", kind: str = "management_decision",
        significant: bool = False, recorded: MomentLike | None = None, recorded_by: str | None = None,
    ) -> ServiceBuilder:
        self.facts["oversight_events"].append(
            OversightEvent(id=id, case=case, kind=kind, held=moment(held), by=by, significant=significant,
                           recorded=moment(recorded), recorded_by=recorded_by)
        )
        return self

    def build(self) -> ServiceFacts:
        return ServiceFacts(service=self.service, **{name: tuple(v) for name, v in self.facts.items()})

    def _line_manager(self, staff: str, when: date) -> str | None:
        for line in self.facts["reporting_lines"]:
            if line.staff == staff and line.start <= when and (line.end is None or when <= line.end):
                return line.manager
        return None


_FIELDS = (
    "staff", "reporting_lines", "cases", "allocations", "buddies", "absences", "leave_sheets",
    "cover_confirmations", "reallocations", "duty_rota", "supervisions", "gap_records",
    "frequency_overrides", "oversight_events", "contacts", "milestones",
)


def team(id: str = "T", *, start: DateLike = DEFAULT_START, **service) -> ServiceBuilder:
    """A service with a management chain A1 (assistant director) > T1 (team manager) > D1 (deputy)."""
    return (
        ServiceBuilder(id, **service)
        .person("A1", "assistant_director", start=start)
        .person("T1", "team_manager", manager="A1", start=start)
        .person("D1", "deputy_team_manager", manager="T1", start=start)
    )


def judge(facts: ServiceFacts, as_of: MomentLike) -> Judgement:
    return Judgement.at(facts, moment(as_of))


def run(check: Callable[[Judgement], Iterator[Finding]], facts: ServiceFacts, as_of: MomentLike,
        rule: str | None = None) -> list[Finding]:
    """The findings of one rule module (or of one rule in it), soonest deadline first."""
    found = [f for f in check(judge(facts, as_of)) if rule is None or f.rule == rule]
    return sorted(found, key=Finding.sort_key)


def keys(findings: Iterable[Finding]) -> set[tuple]:
    """What a manager sees in a findings table: (rule, status, subject, case, period)."""
    return {(f.rule, str(f.status), f.subject, f.case, f.period) for f in findings}


def small_service() -> ServiceBuilder:
    """The worked example tests/fixtures/small-service.json: every fact the rules read (names, e-mails,
    dates of birth and session lengths aside)."""
    b = ServiceBuilder("EX")
    b.person("Y1", manager="D1").person("Y2", manager="D1").person("SO1", "support_officer", manager="D1")
    b.person("D1", "deputy_team_manager", manager="T1").person("T1", "team_manager", manager="A1")
    b.person("A1", "assistant_director")
    b.case("E1", manager="Y1", opened="2026-01-05")
    b.case("E2", manager="Y1", opened="2026-01-05", risk="high", order_type="detention_and_training_order",
           paired_worker="Y2")
    b.case("E3", manager="SO1", opened="2026-01-05", risk="low", order_type="out_of_court_disposal")
    b.buddy("Y1", "Y2").buddy("Y2", "Y1").buddy("SO1", "Y1", approved_by="D1")
    b.absence("L1", "Y1", "2026-02-16", expected="2026-02-20")
    line = LeaveSheetLine("E1", "Y2", True, "Reparation session Wed 18th")
    b.leave_sheet("L1", "2026-02-12 15:30", "D1", [line])
    b.duty("2026-02-17", "SO1")
    b.formal("V1", "Y1", "2026-01-14 10:00",
             discuss("E1", recorded="2026-01-16 12:00", by="D1"),
             discuss("E2", recorded="2026-01-16 12:10", by="D1", depth="in_depth"))
    b.formal("V2", "SO1", "2026-01-20 14:00", discuss("E3", recorded="2026-01-29 09:00", by="D1"))
    b.formal("V3", "D1", "2026-01-07 09:00", by="T1")
    for case in ("E1", "E2", "E3"):
        b.contact(case, "2026-02-13")
    return b


def large_service(open_cases: int = 500, years: int = 10, seed: int = 1, until: DateLike = "2026-02-18"):
    """A busy service for timing: about `open_cases` open cases at any time over `years` of history,
    monthly formal supervision discussing every open case, records, actions, absences and contacts."""
    rng = random.Random(seed)
    until = day(until)
    first = date(until.year - years, until.month, 1)
    b = ServiceBuilder("BIG").person("A1", "assistant_director", start=first)
    b.person("O1", "operational_service_manager", manager="A1", start=first)
    b.person("T1", "team_manager", manager="O1", start=first)
    workers = [f"W{i}" for i in range(1, 41)]
    deputies = [f"D{i}" for i in range(1, 9)]
    for deputy in deputies:
        b.person(deputy, "deputy_team_manager", manager="T1", start=first)
    managers = {deputy: "T1" for deputy in deputies} | {"T1": "O1"}
    for i, worker in enumerate(workers):
        managers[worker] = deputies[i % 8]
        role = "support_officer" if i % 4 == 0 else "youth_justice_officer"
        b.person(worker, role, manager=managers[worker], start=first)
    caseload: dict[str, list[tuple[str, date, date | None]]] = {w: [] for w in workers}
    span = (until - first).days
    for number in range(1, open_cases * years + 1):  # a case lasts about a year on average
        opened = first + timedelta(days=rng.randrange(span))
        closed = opened + timedelta(days=rng.randrange(120, 600))
        closed = None if closed >= until else closed
        worker = rng.choice(workers)
        case = f"C{number}"
        b.case(case, manager=worker, opened=opened, closed=closed, risk=rng.choice(["low", "medium", "high"]))
        caseload[worker].append((case, opened, closed))
        for k in range(0, ((closed or until) - opened).days, 10):
            b.contact(case, opened + timedelta(days=k), rng.choice(["face_to_face", "face_to_face", "phone"]))
        completed = opened + timedelta(days=rng.randrange(10, 40))
        b.milestone(case, "assessment", opened + timedelta(days=20), completed)
    session = 0
    month = first
    while month <= until:
        for worker in [*deputies, "T1", *workers]:
            held = datetime(month.year, month.month, rng.randrange(1, 28), 10, 0, tzinfo=LONDON)
            if held.date() > until or rng.random() < 0.03:
                continue
            session += 1
            talked = [
                discuss(case, recorded=held + timedelta(days=rng.randrange(0, 9)), by=managers[worker],
                        significant=rng.random() < 0.05,
                        actions=[action(f"AC{session}-{case}", "Review plan", owner=worker,
                                        due=held.date() + timedelta(days=14),
                                        done=held.date() + timedelta(days=rng.randrange(5, 20)))]
                        if rng.random() < 0.1 else ())
                for case, opened, closed in caseload.get(worker, ())
                if opened <= held.date() and (closed is None or held.date() <= closed) and rng.random() < 0.97
            ]
            b.formal(f"V{session}", worker, held, *talked)
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    for i in range(years * 20):
        worker = rng.choice(workers)
        start = first + timedelta(days=rng.randrange(span))
        b.absence(f"L{i}", worker, start, start + timedelta(days=rng.randrange(1, 40)), kind="sickness")
    b.frequency(workers[0], 14, first, None)
    return b


# -- cover helpers -----------------------------------------------------------------------------------
def cover_line(
    case: str, cover: str | None, informed: bool | None = True, notes: str | None = None
) -> LeaveSheetLine:
    """One line of a leave sheet: who covers `case`, and whether the young person was told."""
    return LeaveSheetLine(case=case, cover=cover, young_person_informed=informed, notes=notes)


def cover_on(facts: ServiceFacts, when: DateLike) -> dict:
    """The named contact of every case open on a local date, by case id (`cover.resolve_day`)."""
    from oversight.policy.cover import resolve_day

    return {answer.case: answer for answer in resolve_day(facts, day(when))}
