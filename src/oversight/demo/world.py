"""The service while it is being generated: plain mutable records and the questions the steps ask.

Every step of the generator reads and extends one `World`. Records refer to each other by staff id and
by object (cases, absences), so that case and absence identifiers can be numbered in date order at the
end. Nothing here knows the exchange format; `document.py` writes it.
"""

from __future__ import annotations

import random
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from oversight.demo.scales import Scale
from oversight.policy.calendar import WorkingCalendar

PRACTITIONERS = ("youth_justice_officer", "support_officer", "specialist")


@dataclass(slots=True)
class Person:
    id: str
    name: str
    role: str
    start: date
    end: date | None = None
    discipline: str | None = None
    employment: str = "permanent"
    email: str = ""
    team: int | None = None
    capacity: float = 0.0  # share of the caseload this person is given (0: holds no cases)

    def employed_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    @property
    def is_practitioner(self) -> bool:
        return self.role in PRACTITIONERS

    @property
    def grade(self) -> tuple[str, str | None]:
        return (self.role, self.discipline)


@dataclass(slots=True)
class Line:
    staff: str
    manager: str
    start: date
    end: date | None = None


@dataclass(slots=True, eq=False)
class Case:
    order_type: str
    risk: str
    opened: date
    closed: date | None
    name: str = ""
    date_of_birth: date | None = None
    paired_worker: str | None = None
    id: str = ""
    team: int | None = None


@dataclass(slots=True)
class Allocation:
    case: Case
    staff: str
    start: date
    end: date | None = None


@dataclass(slots=True)
class Nomination:
    staff: str
    buddy: str
    rank: int
    start: date
    end: date | None = None
    approved_by: str | None = None


@dataclass(slots=True)
class SheetLine:
    case: Case
    cover: str | None
    informed: bool = True
    notes: str | None = None


@dataclass(slots=True)
class Sheet:
    submitted: datetime
    submitted_to: str
    lines: list[SheetLine] = field(default_factory=list)


@dataclass(slots=True)
class Confirmation:
    confirmed: datetime
    by: str


@dataclass(slots=True, eq=False)
class Absence:
    staff: str
    kind: str
    planned: bool
    first_day: date
    expected_last_day: date
    actual_last_day: date | None
    tag: str = ""  # why it is there: "" (ordinary, may be dropped to keep cover sound) or a scenario name
    sheet: Sheet | None = None
    confirmation: Confirmation | None = None
    id: str = ""

    def absent_on(self, day: date) -> bool:
        # As the policy reads it: without a recorded return the absence goes on.
        return self.first_day <= day and (self.actual_last_day is None or day <= self.actual_last_day)

    @property
    def removable(self) -> bool:
        return self.tag == ""


@dataclass(slots=True)
class Reallocation:
    case: Case
    staff: str
    start: date
    end: date | None
    by: str


@dataclass(slots=True)
class Action:
    text: str
    owner: str
    due: date
    done: date | None = None
    reason_not_done: str | None = None
    id: str = ""


@dataclass(slots=True)
class Discussion:
    case: Case
    depth: str = "check_in"
    significant: bool = False
    recorded: datetime | None = None
    recorded_by: str | None = None
    actions: list[Action] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Session:
    kind: str
    supervisor: str
    supervisees: list[str]
    held: datetime
    minutes: int
    discussions: list[Discussion] = field(default_factory=list)
    id: str = ""

    @property
    def day(self) -> date:
        return self.held.date()


@dataclass(slots=True)
class GapRecord:
    staff: str
    month: str
    recorded: datetime
    by: str


@dataclass(slots=True)
class Override:
    staff: str
    every_days: int
    start: date
    end: date | None


@dataclass(slots=True, eq=False)
class Event:
    case: Case
    kind: str
    held: datetime
    by: str
    significant: bool
    recorded: datetime | None = None
    recorded_by: str | None = None
    id: str = ""


@dataclass
class World:
    rng: random.Random
    scale: Scale
    today: date
    service_id: str
    calendar: WorkingCalendar
    history_start: date  # first day of the first month of history: the first allocations start here
    horizon: date  # the last day planned ahead (rota, booked leave)
    staff: list[Person] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    buddies: list[Nomination] = field(default_factory=list)
    absences: list[Absence] = field(default_factory=list)
    reallocations: list[Reallocation] = field(default_factory=list)
    rota: list[tuple[date, str]] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    gap_records: list[GapRecord] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    contacts: list[tuple[Case, date, str]] = field(default_factory=list)
    milestones: list[tuple[Case, str, date, date | None]] = field(default_factory=list)
    cast: dict[str, str] = field(default_factory=dict)  # scenario role -> staff id
    # What scenario.py asks of the later steps: months to skip, a late return, a case left out, ...
    skip_months: dict[tuple[str, tuple[int, int]], str] = field(default_factory=dict)
    unrecorded_gaps: set[tuple[str, tuple[int, int]]] = field(default_factory=set)
    late_returns: set[str] = field(default_factory=set)
    omitted: set[tuple[str, tuple[int, int]]] = field(default_factory=set)
    marked_cases: dict[str, Case] = field(default_factory=dict)  # scenario role -> case
    cover_problems: list = field(default_factory=list)  # unintended cover findings left (none expected)
    working_days: list[date] = field(default_factory=list)

    def __post_init__(self) -> None:
        first = self.history_start - timedelta(days=3 * 366)
        last = self.horizon + timedelta(days=120)
        self.working_days = list(self.calendar.working_days(first, last))
        self._by_id: dict[str, Person] = {}
        self._absence_index: dict[str, list[Absence]] | None = None
        self._absence_reach: dict[str, tuple[list[date], list[date]]] = {}
        self._allocation_index: dict[str, list[Allocation]] | None = None
        self._case_index: dict[int, list[Allocation]] | None = None

    # -- working days --------------------------------------------------------------------
    def is_working_day(self, day: date) -> bool:
        return self.calendar.is_working_day(day)

    def wd_after(self, day: date, count: int) -> date:
        """The `count`-th working day strictly after `day` (count 0: `day` if working, else the next)."""
        index = bisect_right(self.working_days, day) if count else bisect_left(self.working_days, day)
        return self.working_days[index + max(count, 1) - 1]

    def wd_before(self, day: date, count: int = 1) -> date:
        """The `count`-th working day strictly before `day`."""
        return self.working_days[bisect_left(self.working_days, day) - count]

    def wd_on_or_before(self, day: date) -> date:
        return self.working_days[bisect_right(self.working_days, day) - 1]

    def wd_between(self, first: date, last: date) -> list[date]:
        return self.working_days[
            bisect_left(self.working_days, first) : bisect_right(self.working_days, last)
        ]

    # -- people --------------------------------------------------------------------------
    def add_person(self, person: Person) -> Person:
        self.staff.append(person)
        self._by_id[person.id] = person
        return person

    def person(self, staff_id: str) -> Person:
        return self._by_id[staff_id]

    def practitioners(self, team: int | None = None, role: str | None = None) -> list[Person]:
        return [
            p
            for p in self.staff
            if p.is_practitioner and (team is None or p.team == team) and (role is None or p.role == role)
        ]

    def line_manager_on(self, staff_id: str, day: date) -> str | None:
        for line in self.lines:
            if line.staff == staff_id and line.start <= day and (line.end is None or day <= line.end):
                return line.manager
        return None

    # -- absences ------------------------------------------------------------------------
    def absences_of(self, staff_id: str) -> list[Absence]:
        if self._absence_index is None:
            index: dict[str, list[Absence]] = defaultdict(list)
            for absence in sorted(self.absences, key=lambda a: a.first_day):
                index[absence.staff].append(absence)
            self._absence_index = index
        return self._absence_index.get(staff_id, [])

    def absences_changed(self) -> None:
        self._absence_index = None
        self._absence_reach = {}

    def absence_on(self, staff_id: str, day: date) -> Absence | None:
        """The first of the person's absences (in date order) that covers `day`, found by bisection."""
        absences = self.absences_of(staff_id)
        reach = self._absence_reach.get(staff_id)
        if reach is None:
            reach = self._absence_reach[staff_id] = _reach(absences)
        firsts, furthest = reach
        # furthest[i] is the latest day any of the first i+1 absences reaches: the first absence
        # reaching `day` is the first index where it gets there, if that absence has begun by then.
        index = bisect_left(furthest, day)
        return absences[index] if index < len(absences) and firsts[index] <= day else None

    def present(self, staff_id: str, day: date) -> bool:
        return self.person(staff_id).employed_on(day) and self.absence_on(staff_id, day) is None

    def free(self, staff_id: str, first: date, last: date, margin: int = 0) -> bool:
        """No absence of the person touches first..last (widened by `margin` days)."""
        lo, hi = first - timedelta(days=margin), last + timedelta(days=margin)
        for absence in self.absences_of(staff_id):
            end = absence.actual_last_day or date.max
            if absence.first_day <= hi and end >= lo:
                return False
        return True

    # -- cases ---------------------------------------------------------------------------
    def allocations_of(self, staff_id: str) -> list[Allocation]:
        if self._allocation_index is None:
            index: dict[str, list[Allocation]] = defaultdict(list)
            for allocation in self.allocations:
                index[allocation.staff].append(allocation)
            self._allocation_index = index
        return self._allocation_index.get(staff_id, [])

    def allocations_changed(self) -> None:
        self._allocation_index = None
        self._case_index = None

    def open_cases_of(self, staff_id: str, day: date) -> list[Case]:
        return [
            a.case
            for a in self.allocations_of(staff_id)
            if a.start <= day
            and (a.end is None or day <= a.end)
            and a.case.opened <= day
            and (a.case.closed is None or day <= a.case.closed)
        ]

    def case_manager_on(self, case: Case, day: date) -> str | None:
        for allocation in self.allocations_by_case().get(id(case), ()):
            if allocation.start <= day and (allocation.end is None or day <= allocation.end):
                return allocation.staff
        return None

    def allocations_by_case(self) -> dict[int, list[Allocation]]:
        if self._case_index is None:
            index: dict[int, list[Allocation]] = defaultdict(list)
            for allocation in sorted(self.allocations, key=lambda a: a.start):
                index[id(allocation.case)].append(allocation)
            self._case_index = index
        return self._case_index

    def holders(self, case: Case) -> list[str]:
        """Everyone who was ever the case manager of `case`."""
        return [a.staff for a in self.allocations_by_case().get(id(case), ())]

    # -- moments -------------------------------------------------------------------------
    @staticmethod
    def at(day: date, hour: int, minute: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute)


def _reach(absences: list[Absence]) -> tuple[list[date], list[date]]:
    """First days, and the furthest day reached so far, of absences sorted by first day."""
    firsts, furthest, latest = [], [], date.min
    for absence in absences:
        latest = max(latest, absence.actual_last_day or date.max)
        firsts.append(absence.first_day)
        furthest.append(latest)
    return firsts, furthest
