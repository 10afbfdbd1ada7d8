"""Value objects describing one service, as the rules see it.

Every date is a local date of the service; every moment is a timezone-aware datetime. Ranges of
dates (`start`/`end`) are inclusive, and `end=None` means "still in force".
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import MISSING, dataclass, field, fields, replace
from datetime import date, datetime
from functools import cached_property
from typing import TypeVar

from oversight.policy.settings import PolicySettings

T = TypeVar("T")

PRACTITIONER_ROLES = frozenset({"youth_justice_officer", "support_officer", "specialist"})
MANAGER_ROLES = (
    "deputy_team_manager",
    "team_manager",
    "operational_service_manager",
    "head_of_service",
    "assistant_director",
)
ROLES = (*sorted(PRACTITIONER_ROLES), *MANAGER_ROLES)
DISCIPLINES = ("health", "education", "probation", "police", "other")
RISKS = ("low", "medium", "high", "very_high")
ORDER_TYPES = (
    "out_of_court_disposal",
    "referral_order",
    "youth_rehabilitation_order",
    "detention_and_training_order",
    "other",
)
ABSENCE_KINDS = ("annual_leave", "sickness", "training", "other")
SUPERVISION_KINDS = ("formal", "group", "peer", "informal")
DEPTHS = ("check_in", "in_depth")
OVERSIGHT_EVENT_KINDS = ("management_decision", "marp", "audit")
CONTACT_KINDS = ("face_to_face", "phone", "video", "other")
MILESTONE_KINDS = ("assessment", "plan", "review")
EMPLOYMENTS = ("permanent", "agency")


def in_range(day: date, start: date, end: date | None) -> bool:
    return start <= day and (end is None or day <= end)


def overlaps(start: date, end: date | None, first: date, last: date) -> bool:
    """Whether the inclusive range start..end (open when end is None) meets first..last."""
    return start <= last and (end is None or end >= first)


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    name: str
    timezone: str = "Europe/London"
    holidays: str = "england-and-wales"
    settings: PolicySettings = field(default_factory=PolicySettings)


@dataclass(frozen=True, slots=True)
class Staff:
    id: str
    name: str
    role: str
    start: date
    end: date | None = None
    discipline: str | None = None
    employment: str = "permanent"
    email: str | None = None

    def employed_on(self, day: date) -> bool:
        return in_range(day, self.start, self.end)

    @property
    def is_practitioner(self) -> bool:
        return self.role in PRACTITIONER_ROLES

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGER_ROLES

    @property
    def grade(self) -> tuple[str, str | None]:
        """What COV-GRADE compares: the role, and for specialists the discipline too."""
        return (self.role, self.discipline if self.role == "specialist" else None)


@dataclass(frozen=True, slots=True)
class ReportingLine:
    staff: str
    manager: str
    start: date
    end: date | None = None


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    name: str
    order_type: str
    risk: str
    opened: date
    closed: date | None = None
    date_of_birth: date | None = None
    paired_worker: str | None = None

    def open_on(self, day: date) -> bool:
        # The closing date is the last day the case is open.
        return in_range(day, self.opened, self.closed)


@dataclass(frozen=True, slots=True)
class Allocation:
    case: str
    staff: str
    start: date
    end: date | None = None


@dataclass(frozen=True, slots=True)
class BuddyNomination:
    staff: str
    buddy: str
    rank: int
    start: date
    end: date | None = None
    approved_by: str | None = None


@dataclass(frozen=True, slots=True)
class Absence:
    id: str
    staff: str
    kind: str
    planned: bool
    first_day: date
    expected_last_day: date
    actual_last_day: date | None = None

    def absent_on(self, day: date) -> bool:
        # Until a return is recorded the person stays absent, also past the expected last day,
        # so that a child's cover never silently lapses (RULES.md, "Time and calendars").
        return in_range(day, self.first_day, self.actual_last_day)

    @property
    def ended(self) -> bool:
        return self.actual_last_day is not None


@dataclass(frozen=True, slots=True)
class LeaveSheetLine:
    case: str
    cover: str | None
    young_person_informed: bool | None  # None: not answered yet (only on a draft: COV-INFORMED)
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class LeaveSheet:
    absence: str
    submitted: datetime | None
    submitted_to: str | None
    lines: tuple[LeaveSheetLine, ...] = ()


@dataclass(frozen=True, slots=True)
class CoverConfirmation:
    absence: str
    confirmed: datetime
    by: str


@dataclass(frozen=True, slots=True)
class Reallocation:
    case: str
    staff: str
    start: date
    end: date | None = None
    by: str | None = None


@dataclass(frozen=True, slots=True)
class DutyShift:
    day: date
    staff: str


@dataclass(frozen=True, slots=True)
class Action:
    id: str
    text: str
    owner: str | None
    due: date | None
    done: date | None = None
    reason_not_done: str | None = None


@dataclass(frozen=True, slots=True)
class Discussion:
    case: str
    depth: str
    significant: bool
    recorded: datetime | None = None
    recorded_by: str | None = None
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True, slots=True)
class Supervision:
    id: str
    kind: str
    supervisor: str
    supervisees: tuple[str, ...]
    held: datetime
    minutes: int | None = None
    discussions: tuple[Discussion, ...] = ()

    @property
    def is_formal(self) -> bool:
        return self.kind == "formal"


@dataclass(frozen=True, slots=True)
class GapRecord:
    staff: str
    month: str  # YYYY-MM
    recorded: datetime
    by: str


@dataclass(frozen=True, slots=True)
class FrequencyOverride:
    staff: str
    every_days: int
    start: date
    end: date | None = None


@dataclass(frozen=True, slots=True)
class OversightEvent:
    id: str
    case: str
    kind: str
    held: datetime
    by: str
    significant: bool
    recorded: datetime | None = None
    recorded_by: str | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    case: str
    day: date
    kind: str


@dataclass(frozen=True, slots=True)
class Milestone:
    case: str
    kind: str
    due: date
    completed: date | None = None


# The tables of a service's facts, as the store reads them: the fields of ServiceFacts below, and
# within each supervision its "discussions" (most of a service's rows) and their "actions".
TABLES = frozenset({
    "staff", "reporting_lines", "cases", "allocations", "buddies", "absences", "leave_sheets",
    "cover_confirmations", "reallocations", "duty_rota", "supervisions", "discussions", "actions",
    "gap_records", "frequency_overrides", "oversight_events", "contacts", "milestones",
})


def _set_slots_directly(cls: type) -> None:
    """Give a frozen, slotted fact class an `__init__` that sets its slots through their descriptors.

    Why: a frozen dataclass's own `__init__` sets each field through `object.__setattr__` (its own
    `__setattr__` refuses), about 0.9 µs for a six-field fact, and reading a large service makes a
    quarter of a million facts (docs/performance.md). Through the descriptors it is about half
    that. Nothing else changes: the same parameters and defaults, and equality, hashing, `repr`,
    `replace` and the refusal of assignment are still the dataclass's. The source is made as
    `dataclasses` makes its own: one line a field."""
    names = [f.name for f in fields(cls)]
    plain = all(f.init and f.default_factory is MISSING for f in fields(cls))
    if not plain or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: only plain fields are set directly")
    env = {f"_set_{n}": cls.__dict__[n].__set__ for n in names}
    params = []
    for f in fields(cls):
        if f.default is not MISSING:
            env[f"_default_{f.name}"] = f.default
        params.append(f.name if f.default is MISSING else f"{f.name}=_default_{f.name}")
    source = f"def __init__(self, {', '.join(params)}):\n"
    source += "".join(f"    _set_{n}(self, {n})\n" for n in names)
    exec(source, env)  # noqa: S102 - our own field names, as dataclasses does
    env["__init__"].__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = env["__init__"]


# The facts the store makes by the hundred thousand (store/read.py).
BUILT_IN_BULK = (Staff, ReportingLine, Case, Allocation, BuddyNomination, Absence, LeaveSheetLine, LeaveSheet,
                 CoverConfirmation, Reallocation, DutyShift, Action, Discussion, Supervision, GapRecord,
                 FrequencyOverride, OversightEvent, Contact, Milestone)
for _fact in BUILT_IN_BULK:
    _set_slots_directly(_fact)


@dataclass(frozen=True)
class ServiceFacts:
    """Everything the rules need about one service, loaded once.

    The indexes below are built lazily and once, so that every rule runs in time proportional to
    the data rather than issuing a query or a scan per case.

    `tables` says which tables these facts were read with when only some were (`only`): the rest
    are empty, and the engine refuses to judge a rule on facts without a table it reads
    (catalogue.Rule.reads). None: as their maker built them, unchecked.

    `in_time_left_out_by`: the records surely made in time by this moment were left out
    (records.without_records_made_in_time); the engine judges only the rules that need no such
    record, and only as of that moment or later. None: every record is here.
    """

    service: Service
    staff: tuple[Staff, ...] = ()
    reporting_lines: tuple[ReportingLine, ...] = ()
    cases: tuple[Case, ...] = ()
    allocations: tuple[Allocation, ...] = ()
    buddies: tuple[BuddyNomination, ...] = ()
    absences: tuple[Absence, ...] = ()
    leave_sheets: tuple[LeaveSheet, ...] = ()
    cover_confirmations: tuple[CoverConfirmation, ...] = ()
    reallocations: tuple[Reallocation, ...] = ()
    duty_rota: tuple[DutyShift, ...] = ()
    supervisions: tuple[Supervision, ...] = ()
    gap_records: tuple[GapRecord, ...] = ()
    frequency_overrides: tuple[FrequencyOverride, ...] = ()
    oversight_events: tuple[OversightEvent, ...] = ()
    contacts: tuple[Contact, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    tables: frozenset[str] | None = None
    in_time_left_out_by: datetime | None = None

    @property
    def settings(self) -> PolicySettings:
        return self.service.settings

    def only(self, tables: frozenset[str]) -> ServiceFacts:
        """These facts with only `tables` (TABLES), the others left empty and `tables` marked: what
        the store reads for some rules alone (store.read.rule_facts) gives the same."""
        unknown = tables - TABLES
        if unknown:
            raise ValueError(f"no such tables of a service's facts: {', '.join(sorted(unknown))}")
        if self.tables is not None:  # what was not read cannot be had by asking for it
            tables = tables & self.tables
        empty = {name: () for name in TABLES - tables - {"discussions", "actions"}}
        if "supervisions" in tables and "discussions" not in tables:
            empty["supervisions"] = tuple(replace(s, discussions=()) for s in self.supervisions)
        elif "supervisions" in tables and "actions" not in tables:
            empty["supervisions"] = tuple(
                replace(s, discussions=tuple(replace(d, actions=()) for d in s.discussions))
                for s in self.supervisions
            )
        return replace(self, **empty, tables=frozenset(tables))

    def kept(self, name: str, key: Hashable, make: Callable[[], T], limit: int = 1) -> T:
        """`make()`, kept on this facts object under `name` and `key` (the `limit` most recent keys of
        a name) and given again when asked again: the facts never change, so whatever is worked out
        from them (with the indexes it built) holds as long as they do. One way for every rule
        module to keep what it derives, as `cached_property` does for what takes no argument."""
        kept: dict = self.__dict__.setdefault("_kept_" + name, {})
        try:
            return kept[key]
        except KeyError:
            pass
        value = make()
        try:
            while len(kept) >= limit:
                kept.pop(next(iter(kept)), None)
        except (RuntimeError, StopIteration):  # another thread changed it meanwhile: no matter
            pass
        kept[key] = value
        return value

    def known_on(self, today: date) -> ServiceFacts:
        """The facts as they stand on `today`: an absence that has not begun and has no return
        recorded runs to its expected last day. Only an absence that has begun runs on until a
        return is recorded (RULES.md: "a person whose absence has begun counts as absent, also past
        the expected last day"), so a holiday booked for next week does not look endless."""

        def known() -> ServiceFacts:
            booked = [
                replace(a, actual_last_day=a.expected_last_day)
                if a.actual_last_day is None and a.first_day > today
                else a
                for a in self.absences
            ]
            return replace(self, absences=tuple(booked)) if booked != list(self.absences) else self

        return self.kept("known_on", today, known)  # the same day asked again: its indexes built

    # -- indexes ---------------------------------------------------------------------------
    @cached_property
    def staff_by_id(self) -> dict[str, Staff]:
        return {s.id: s for s in self.staff}

    @cached_property
    def case_by_id(self) -> dict[str, Case]:
        return {c.id: c for c in self.cases}

    @cached_property
    def absence_by_id(self) -> dict[str, Absence]:
        return {a.id: a for a in self.absences}

    @cached_property
    def absences_by_staff(self) -> dict[str, list[Absence]]:
        return _group(sorted(self.absences, key=lambda a: a.first_day), lambda a: a.staff)

    @cached_property
    def allocations_by_case(self) -> dict[str, list[Allocation]]:
        return _group(sorted(self.allocations, key=lambda a: a.start), lambda a: a.case)

    @cached_property
    def allocations_by_staff(self) -> dict[str, list[Allocation]]:
        return _group(sorted(self.allocations, key=lambda a: a.start), lambda a: a.staff)

    @cached_property
    def lines_by_staff(self) -> dict[str, list[ReportingLine]]:
        return _group(sorted(self.reporting_lines, key=lambda r: r.start), lambda r: r.staff)

    @cached_property
    def buddies_by_staff(self) -> dict[str, list[BuddyNomination]]:
        return _group(
            sorted(self.buddies, key=lambda b: (b.rank, b.start, b.buddy)), lambda b: b.staff
        )

    @cached_property
    def leave_sheet_by_absence(self) -> dict[str, LeaveSheet]:
        return {s.absence: s for s in self.leave_sheets}

    @cached_property
    def leave_sheet_submissions(self) -> list[datetime]:
        """The moments leave sheets were submitted, in order: moments with as many of them at or
        before them know the same leave sheets (what cover resolution reads of a moment)."""
        return sorted(s.submitted for s in self.leave_sheets if s.submitted is not None)

    @cached_property
    def cover_confirmations_by_absence(self) -> dict[str, list[CoverConfirmation]]:
        return _group(sorted(self.cover_confirmations, key=lambda c: c.confirmed), lambda c: c.absence)

    @cached_property
    def reallocations_by_case(self) -> dict[str, list[Reallocation]]:
        return _group(sorted(self.reallocations, key=lambda r: r.start), lambda r: r.case)

    @cached_property
    def duty_by_day(self) -> dict[date, list[str]]:
        return _group(sorted(self.duty_rota, key=lambda d: d.staff), lambda d: d.day, value=lambda d: d.staff)

    @cached_property
    def sessions_in_order(self) -> tuple[Supervision, ...]:
        """Every session in the order held (and by id when held together)."""
        return tuple(sorted(self.supervisions, key=lambda s: (s.held, s.id)))

    @cached_property
    def formal_sessions_by_supervisee(self) -> dict[str, list[Supervision]]:
        grouped: dict[str, list[Supervision]] = defaultdict(list)
        for session in sorted(self.supervisions, key=lambda s: s.held):
            if session.is_formal:
                for person in session.supervisees:
                    grouped[person].append(session)
        return dict(grouped)

    @cached_property
    def gap_record_months(self) -> set[tuple[str, str]]:
        return {(g.staff, g.month) for g in self.gap_records}

    @cached_property
    def contacts_by_case(self) -> dict[str, list[Contact]]:
        return _group(sorted(self.contacts, key=lambda c: c.day), lambda c: c.case)

    # -- questions the rules ask -----------------------------------------------------------
    def case_manager_on(self, case_id: str, day: date) -> str | None:
        for allocation in self.allocations_by_case.get(case_id, ()):
            if in_range(day, allocation.start, allocation.end):
                return allocation.staff
        return None

    def line_manager_on(self, staff_id: str, day: date) -> str | None:
        for line in self.lines_by_staff.get(staff_id, ()):
            if in_range(day, line.start, line.end):
                return line.manager
        return None

    def managers_above(self, staff_id: str, day: date) -> list[str]:
        """The chain of line managers above a person on a day, nearest first (cycles cut)."""
        return list(self._up_the_line(staff_id, day))

    def is_above(self, manager_id: str | None, staff_id: str, day: date) -> bool:
        """Whether `manager_id` is in the chain above the person on a day (stopping where it finds them)."""
        return manager_id is not None and manager_id in self._up_the_line(staff_id, day)

    def _up_the_line(self, staff_id: str, day: date) -> Iterator[str]:
        passed: list[str] = []
        current = self.line_manager_on(staff_id, day)
        while current is not None and current not in passed and current != staff_id:
            passed.append(current)
            yield current
            current = self.line_manager_on(current, day)

    @cached_property
    def absence_reach(self) -> dict[str, tuple[list[date], list[date]]]:
        """Per person, the first days of their absences (in date order) and the furthest day any of
        them reaches so far (open-ended: date.max), so that `absence_on` is a bisection."""
        reach = {}
        for staff_id, absences in self.absences_by_staff.items():
            firsts, furthest, latest = [], [], date.min
            for absence in absences:
                latest = max(latest, absence.actual_last_day or date.max)
                firsts.append(absence.first_day)
                furthest.append(latest)
            reach[staff_id] = (firsts, furthest)
        return reach

    def absence_on(self, staff_id: str, day: date) -> Absence | None:
        """The first of the person's absences, in date order, that covers `day`."""
        reach = self.absence_reach.get(staff_id)
        if reach is None:
            return None
        firsts, furthest = reach
        # The first absence to reach `day` is the first index where the furthest day gets there;
        # it covers `day` if it has begun by then (a later one begins later still).
        index = bisect_left(furthest, day)
        if index < len(firsts) and firsts[index] <= day:
            return self.absences_by_staff[staff_id][index]
        return None

    def is_present(self, staff_id: str, day: date) -> bool:
        person = self.staff_by_id.get(staff_id)
        return person is not None and person.employed_on(day) and self.absence_on(staff_id, day) is None

    @cached_property
    def holding_index(self) -> dict[str, tuple[dict[tuple[int, int], list], list]]:
        """Per person, the days each allocation of theirs has its case open (allocation and case
        both in force), bucketed by month, with the ones still running kept apart: `open_cases_of`
        then looks at a month's few allocations instead of a person's whole history."""
        index: dict[str, tuple[dict, list]] = {}
        for staff_id, allocations in self.allocations_by_staff.items():
            buckets: dict[tuple[int, int], list] = defaultdict(list)
            running: list = []
            for position, a in enumerate(allocations):
                case = self.case_by_id.get(a.case)
                if case is None:
                    continue
                start = max(a.start, case.opened)
                end = a.end if case.closed is None else case.closed if a.end is None else min(a.end, case.closed)
                if end is not None and end < start:
                    continue
                entry = (position, start, end, a.case)
                if end is None:
                    running.append(entry)
                    continue
                year, month = start.year, start.month
                while (year, month) <= (end.year, end.month):
                    buckets[(year, month)].append(entry)
                    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            index[staff_id] = (dict(buckets), running)
        return index

    def open_cases_of(self, staff_id: str, day: date) -> list[str]:
        """Cases open on `day` and allocated to the person as case manager that day (in the order
        of their allocations)."""
        found = self.holding_index.get(staff_id)
        if found is None:
            return []
        buckets, running = found
        hits = [
            entry
            for entries in (buckets.get((day.year, day.month), ()), running)
            for entry in entries
            if entry[1] <= day and (entry[2] is None or day <= entry[2])
        ]
        if len(hits) > 1:
            hits.sort()
        return [entry[3] for entry in hits]

    def is_case_holding(self, staff_id: str, day: date) -> bool:
        return bool(self.open_cases_of(staff_id, day))

    @cached_property
    def cases_by_closing(self) -> tuple[list[date], list[Case]]:
        """The cases in order of their closing date (still open: last), with those dates, so that
        `cases_open_on` bisects past ten years of closed cases instead of testing each on every day."""
        ordered = sorted(self.cases, key=lambda c: (c.closed or date.max, c.id))
        return [c.closed or date.max for c in ordered], ordered

    def cases_open_on(self, day: date) -> list[Case]:
        """The cases open on `day` (Case.open_on), in id order."""
        closings, ordered = self.cases_by_closing
        open_cases = [c for c in ordered[bisect_left(closings, day):] if c.opened <= day]
        open_cases.sort(key=lambda c: c.id)
        return open_cases


def _group(items, key, value=lambda item: item):
    grouped: dict = defaultdict(list)
    for item in items:
        grouped[key(item)].append(value(item))
    return dict(grouped)
