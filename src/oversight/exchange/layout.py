"""The shape of every record of `oversight-exchange/1`, in EXCHANGE.md's key order.

One table drives both directions: reading a document into `ServiceFacts` and writing facts back as
a document, so the two cannot drift apart. A `Layout` names a record's keys, in order, with the
kind of each value, whether it is required, the facts attribute it fills, and what it refers to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from functools import cached_property
from operator import attrgetter
from typing import Any
from zoneinfo import ZoneInfo

from oversight.exchange.problems import Path, described, shown
from oversight.exchange.service_settings import SETTINGS
from oversight.exchange.values import (
    BOOL,
    DATE,
    DEFAULT_TIMEZONE,
    INVALID,
    MOMENT,
    MONTH,
    NAME,
    TEXT,
    TIMEZONE,
    Kind,
    Reader,
    bounded,
    choice,
    constant,
    integer,
    list_of,
    natural,
    repeated_keys,
)
from oversight.policy import facts as f
from oversight.policy.calendar import REGIONS
from oversight.policy.settings import PolicySettings

FORMAT = "oversight-exchange/1"

_MISSING = object()


@dataclass(frozen=True)
class Field:
    name: str  # the key in the document
    kind: Kind
    required: bool = True
    attr: str | None = ""  # the facts attribute it fills: "" for the same name, None for none
    default: Any = None  # what the facts hold when an optional key is omitted or null
    ref: str | None = None  # "staff", "case" or "absence": an id that must exist

    @property
    def target(self) -> str | None:
        return self.name if self.attr == "" else self.attr


def optional(name: str, kind: Kind, **options: Any) -> Field:
    return Field(name, kind, required=False, **options)


@dataclass(frozen=True)
class Layout:
    what: str  # the record's name in messages: "allocation"
    makes: type  # the facts class a record becomes
    fields: tuple[Field, ...]
    order: tuple[str, ...] = ()  # facts attributes giving the natural order of a list

    # What reading, checking and building need of the fields, worked out once per layout rather
    # than once per record (a large service's document holds a quarter of a million records).
    @cached_property
    def ranks(self) -> dict[str, int]:
        return {field.name: rank for rank, field in enumerate(self.fields)}

    @cached_property
    def readers(self) -> tuple[tuple[str, int, bool, Callable[..., Any]], ...]:
        """(key, rank, required, read) of each field, in order."""
        return tuple(
            (field.name, rank, field.required, field.kind.read) for rank, field in enumerate(self.fields)
        )

    @cached_property
    def builders(self) -> tuple[tuple[str, str, Any, Callable[[Any], Any] | None], ...]:
        """(key, facts attribute, default, build or None) of each field the facts hold."""
        return tuple(
            (field.name, field.target, field.default, field.kind.builder)
            for field in self.fields
            if field.target is not None
        )

    @cached_property
    def references(self) -> tuple[Field, ...]:
        """The fields holding ids of other records."""
        return tuple(field for field in self.fields if field.ref)

    @cached_property
    def nested(self) -> tuple[str, ...]:
        """The keys holding a record or a list of records."""
        return tuple(field.name for field in self.fields if field.kind.holds_records)

    def rank(self, name: str) -> int:
        return self.ranks[name]

    def build(self, row: Row) -> Any:
        values = row.values
        built = {}
        for name, target, default, build in self.builders:
            value = values[name]
            if value is None:
                value = default
            elif build is not None:
                value = build(value)
            built[target] = value
        return self.makes(**built)

    def render(self, record: Any, tz: ZoneInfo) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field in self.fields:
            if field.target is None:  # not held by the facts, such as `format`
                out[field.name] = field.kind.write(None, tz)
                continue
            value = getattr(record, field.target)
            out[field.name] = None if value is None else field.kind.write(value, tz)
        return out

    def sort_key(self, record: Any) -> tuple:
        """Natural order, then every field, so that equal records are the only ties."""
        return (tuple(sortable(getattr(record, name)) for name in self.order), sortable(record))


@dataclass
class Row:
    """One record as read: its path, and each key's value (None when absent, INVALID when bad)."""

    at: Path
    layout: Layout
    values: dict[str, Any]

    def path(self, name: str) -> Path:
        return self.at.key(name, self.layout.ranks[name])

    def has(self, name: str) -> bool:
        """Whether the key holds a usable value (present, not null, and read without problem)."""
        value = self.values.get(name)
        return value is not None and value is not INVALID

    def get(self, name: str) -> Any:
        value = self.values.get(name)
        return None if value is INVALID else value

    def children(self, name: str) -> list[Row]:
        """The readable records of a nested list (none when the list itself is unreadable)."""
        value = self.values.get(name)
        return [item for item in value if isinstance(item, Row)] if isinstance(value, list) else []


def read_record(r: Reader, value: Any, at: Path, layout: Layout) -> Row | Any:
    if not isinstance(value, dict):
        return r.problem(at, f"must be an object, not {described(value)}")
    repeated_keys(r, value, at)
    ranks = layout.ranks
    if not ranks.keys() >= value.keys():  # some key is unknown (the set test is the quick one)
        for key in value:
            if key not in ranks:
                r.problem(at, f"unknown key {shown(key)}")
    values: dict[str, Any] = {}
    for name, rank, required, read in layout.readers:
        raw = value.get(name, _MISSING)
        if raw is _MISSING or raw is None:
            if required:
                r.problem(at.key(name, rank), "is required" if raw is _MISSING else "must not be null")
            values[name] = INVALID if required else None
        else:
            values[name] = read(r, raw, at.key(name, rank))
    return Row(at, layout, values)


def record(layout: Layout) -> Kind:
    return Kind(
        read=lambda r, value, at: read_record(r, value, at, layout),
        build=layout.build,
        write=layout.render,
        holds_records=True,
    )


def records(layout: Layout) -> Kind:
    """A list of records. The facts hold it in natural order, so that facts read from two documents
    listing the same records in different orders are equal, and export is stable."""

    def read(r: Reader, value: Any, at: Path) -> Any:
        if not isinstance(value, list):
            return r.problem(at, f"must be a list, not {described(value)}")
        # Records that are not objects stay in the list as INVALID, so checks can tell a list
        # whose ids are all known from one with unreadable records.
        return [read_record(r, item, at.item(index), layout) for index, item in enumerate(value)]

    def build(rows: list[Row]) -> tuple:
        return tuple(in_order(layout, [layout.build(row) for row in rows]))

    def write(items: Any, tz: ZoneInfo) -> list:
        return [layout.render(item, tz) for item in in_order(layout, items)]

    return Kind(read, build, write, holds_records=True)


def in_order(layout: Layout, items) -> list:
    """`sorted(items, key=layout.sort_key)`, quicker: when the natural keys alone are all distinct
    (as they are in any valid document) they decide the order, and the whole record is not needed."""
    items = list(items)
    if layout.order:
        natural_of = attrgetter(*layout.order)
        if len(layout.order) == 1:  # attrgetter of one name gives the value, not a tuple
            keys = [(sortable(natural_of(item)),) for item in items]
        else:
            keys = [tuple(map(sortable, natural_of(item))) for item in items]
        if len(set(keys)) == len(keys):
            ranked = sorted(range(len(items)), key=keys.__getitem__)
            return [items[i] for i in ranked]
    return sorted(items, key=layout.sort_key)


# Values that sort as they are, told by their exact type before the slower tests they would fail
# (a date or a moment is part of the natural key of most lists).
_AS_THEY_ARE = frozenset({bool, int, date, datetime})


def sortable(value: Any) -> tuple:
    """A total order over facts values: None first, texts naturally, records field by field."""
    if value is None:
        return (0,)
    if isinstance(value, str):
        return (1, natural(value))
    if type(value) in _AS_THEY_ARE:
        return (1, value)  # an aware datetime compares as an instant
    if isinstance(value, tuple):
        return (1, tuple(sortable(item) for item in value))
    if is_dataclass(value):
        return (1, tuple(sortable(getattr(value, field.name)) for field in fields(value)))
    return (1, value)  # any other value that compares as it is


# -- the records ---------------------------------------------------------------------------
# Lengths and sizes are those of the database columns (people, cover and supervision models), so
# that a document the loader accepts is one every database can store.
ID = bounded(NAME, 64)
TITLE = bounded(NAME, 200)  # the name of a service, a person or a child
EMAIL = bounded(TEXT, 254)
SMALL_COUNT = 32767  # PositiveSmallIntegerField
COUNT = 2147483647  # PositiveIntegerField
STAFF_ID = NAME
ACTION = Layout(
    "action",
    f.Action,
    (
        Field("id", ID),
        Field("text", NAME),
        optional("owner", STAFF_ID, ref="staff"),
        optional("due", DATE),
        optional("done", DATE),
        optional("reason_not_done", TEXT),
    ),
    order=("id",),
)
DISCUSSION = Layout(
    "discussion",
    f.Discussion,
    (
        Field("case", NAME, ref="case"),
        Field("depth", choice(f.DEPTHS)),
        Field("significant", BOOL),
        optional("recorded", MOMENT),
        optional("recorded_by", STAFF_ID, ref="staff"),
        optional("actions", records(ACTION), default=()),
    ),
    order=("case",),
)
LEAVE_SHEET_LINE = Layout(
    "leave sheet case",
    f.LeaveSheetLine,
    (
        Field("case", NAME, ref="case"),
        optional("cover", STAFF_ID, ref="staff"),
        # Null: not answered yet, which only a draft (not submitted) sheet may be (checks.py).
        optional("young_person_informed", BOOL),
        optional("notes", TEXT),
    ),
    order=("case",),
)
SERVICE = Layout(
    "service",
    f.Service,
    (
        Field("id", ID),
        Field("name", TITLE),
        optional("timezone", TIMEZONE, default=DEFAULT_TIMEZONE),
        optional("holidays", choice(REGIONS), default="england-and-wales"),
        optional("settings", SETTINGS, default=PolicySettings()),
    ),
)

LISTS: dict[str, Layout] = {
    "staff": Layout(
        "staff member",
        f.Staff,
        (
            Field("id", ID),
            Field("name", TITLE),
            Field("role", choice(f.ROLES)),
            optional("discipline", choice(f.DISCIPLINES)),
            optional("employment", choice(f.EMPLOYMENTS), default="permanent"),
            optional("email", EMAIL),
            Field("start", DATE),
            optional("end", DATE),
        ),
        order=("id",),
    ),
    "reporting_lines": Layout(
        "reporting line",
        f.ReportingLine,
        (
            Field("staff", STAFF_ID, ref="staff"),
            Field("manager", STAFF_ID, ref="staff"),
            Field("from", DATE, attr="start"),
            optional("to", DATE, attr="end"),
        ),
        order=("staff", "start"),
    ),
    "cases": Layout(
        "case",
        f.Case,
        (
            Field("id", ID),
            Field("name", TITLE),
            optional("date_of_birth", DATE),
            Field("order_type", choice(f.ORDER_TYPES)),
            Field("risk", choice(f.RISKS)),
            Field("opened", DATE),
            optional("closed", DATE),
            optional("paired_worker", STAFF_ID, ref="staff"),
        ),
        order=("id",),
    ),
    "allocations": Layout(
        "allocation",
        f.Allocation,
        (
            Field("case", NAME, ref="case"),
            Field("staff", STAFF_ID, ref="staff"),
            Field("from", DATE, attr="start"),
            optional("to", DATE, attr="end"),
        ),
        order=("case", "start"),
    ),
    "buddies": Layout(
        "buddy nomination",
        f.BuddyNomination,
        (
            Field("staff", STAFF_ID, ref="staff"),
            Field("buddy", STAFF_ID, ref="staff"),
            Field("rank", integer(1, SMALL_COUNT)),
            Field("from", DATE, attr="start"),
            optional("to", DATE, attr="end"),
            optional("approved_by", STAFF_ID, ref="staff"),
        ),
        order=("staff", "rank", "start", "buddy"),
    ),
    "absences": Layout(
        "absence",
        f.Absence,
        (
            Field("id", ID),
            Field("staff", STAFF_ID, ref="staff"),
            Field("kind", choice(f.ABSENCE_KINDS)),
            Field("planned", BOOL),
            Field("first_day", DATE),
            Field("expected_last_day", DATE),
            optional("actual_last_day", DATE),
        ),
        order=("id",),
    ),
    "leave_sheets": Layout(
        "leave sheet",
        f.LeaveSheet,
        (
            Field("absence", NAME, ref="absence"),
            optional("submitted", MOMENT),
            optional("submitted_to", STAFF_ID, ref="staff"),
            optional("cases", records(LEAVE_SHEET_LINE), attr="lines", default=()),
        ),
        order=("absence",),
    ),
    "cover_confirmations": Layout(
        "cover confirmation",
        f.CoverConfirmation,
        (
            Field("absence", NAME, ref="absence"),
            Field("confirmed", MOMENT),
            Field("by", STAFF_ID, ref="staff"),
        ),
        order=("absence", "confirmed"),
    ),
    "reallocations": Layout(
        "reallocation",
        f.Reallocation,
        (
            Field("case", NAME, ref="case"),
            Field("staff", STAFF_ID, ref="staff"),
            Field("from", DATE, attr="start"),
            optional("to", DATE, attr="end"),
            optional("by", STAFF_ID, ref="staff"),
        ),
        order=("case", "start"),
    ),
    "duty_rota": Layout(
        "duty shift",
        f.DutyShift,
        (Field("date", DATE, attr="day"), Field("staff", STAFF_ID, ref="staff")),
        order=("day", "staff"),
    ),
    "supervisions": Layout(
        "supervision",
        f.Supervision,
        (
            Field("id", ID),
            Field("kind", choice(f.SUPERVISION_KINDS)),
            Field("supervisor", STAFF_ID, ref="staff"),
            Field("supervisees", list_of(STAFF_ID, sort=True), ref="staff"),
            Field("held", MOMENT),
            optional("minutes", integer(0, COUNT)),
            optional("discussions", records(DISCUSSION), default=()),
        ),
        order=("id",),
    ),
    "gap_records": Layout(
        "gap record",
        f.GapRecord,
        (
            Field("staff", STAFF_ID, ref="staff"),
            Field("month", MONTH),
            Field("recorded", MOMENT),
            Field("by", STAFF_ID, ref="staff"),
        ),
        order=("staff", "month"),
    ),
    "frequency_overrides": Layout(
        "frequency override",
        f.FrequencyOverride,
        (
            Field("staff", STAFF_ID, ref="staff"),
            Field("every_days", integer(1, COUNT)),
            Field("from", DATE, attr="start"),
            optional("to", DATE, attr="end"),
        ),
        order=("staff", "start"),
    ),
    "oversight_events": Layout(
        "oversight event",
        f.OversightEvent,
        (
            Field("id", ID),
            Field("case", NAME, ref="case"),
            Field("kind", choice(f.OVERSIGHT_EVENT_KINDS)),
            Field("held", MOMENT),
            Field("by", STAFF_ID, ref="staff"),
            Field("significant", BOOL),
            optional("recorded", MOMENT),
            optional("recorded_by", STAFF_ID, ref="staff"),
        ),
        order=("id",),
    ),
    "contacts": Layout(
        "contact",
        f.Contact,
        (
            Field("case", NAME, ref="case"),
            Field("date", DATE, attr="day"),
            Field("kind", choice(f.CONTACT_KINDS)),
        ),
        order=("case", "day", "kind"),
    ),
    "milestones": Layout(
        "milestone",
        f.Milestone,
        (
            Field("case", NAME, ref="case"),
            Field("kind", choice(f.MILESTONE_KINDS)),
            Field("due", DATE),
            optional("completed", DATE),
        ),
        order=("case", "due", "kind"),
    ),
}

DOCUMENT = Layout(
    "document",
    f.ServiceFacts,
    (
        Field("format", constant(FORMAT), attr=None),
        Field("service", record(SERVICE)),
        # Lists may be left out of a document (a test scenario needs only some); export writes all.
        *(optional(name, records(layout), default=()) for name, layout in LISTS.items()),
    ),
)
