"""The kinds of value an exchange document holds, each able to read, build and write itself.

A `Kind` reads one decoded JSON value at a path (reporting problems, never raising), builds the
value the policy's facts hold, and writes that value back as JSON. Reading is strict: no bool where a
number is expected, no number where a string is expected, dates exactly `YYYY-MM-DD`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from oversight.exchange.problems import Path, Problems, described, shown

DEFAULT_TIMEZONE = "Europe/London"


class _Invalid:
    """Marks a value that could not be read; its problem has already been reported."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


@dataclass
class Reader:
    """What reading needs to know: where problems go, and the service's time zone for moments."""

    problems: Problems = field(default_factory=Problems)
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIMEZONE))

    def problem(self, at: Path, message: str) -> Any:
        self.problems.add(at, message)
        return INVALID


def _same(value: Any) -> Any:
    return value


def _written(value: Any, tz: ZoneInfo) -> Any:
    return value


@dataclass(frozen=True)
class Kind:
    read: Callable[[Reader, Any, Path], Any]
    build: Callable[[Any], Any] = _same
    write: Callable[[Any, ZoneInfo], Any] = _written
    holds_records: bool = False  # a record or a list of them (layout.record and layout.records)

    @property
    def builder(self) -> Callable[[Any], Any] | None:
        """`build`, or None when the facts hold the value as read, so building need not call it."""
        return None if self.build is _same else self.build


def repeated_keys(r: Reader, value: dict, at: Path) -> None:
    """Report keys written twice in one object. Python's JSON decoder keeps only the last, so
    `load_json_file` marks them on the objects it makes (see `document.JsonObject`)."""
    if type(value) is dict:  # decoded without that hook (a plain dict cannot hold a key twice)
        return
    for key in getattr(value, "repeated_keys", ()):
        r.problem(at, f"key {shown(key)} appears more than once")


# -- text ----------------------------------------------------------------------------------
# JSON can write what no database stores: the NUL character (PostgreSQL refuses it) and halves of
# a UTF-16 surrogate pair on their own ("\ud800"), which are not characters and cannot be encoded.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _read_text(r: Reader, value: Any, at: Path) -> Any:
    if not isinstance(value, str):
        return r.problem(at, f"must be a string, not {described(value)}")
    bad = _UNSTORABLE.search(value)
    if bad is not None:
        what = "the NUL character" if bad[0] == "\x00" else f"an unpaired surrogate (\\u{ord(bad[0]):04x})"
        return r.problem(at, f"must not contain {what} (at character {bad.start() + 1})")
    return value


def _read_name(r: Reader, value: Any, at: Path) -> Any:
    value = _read_text(r, value, at)
    if value is not INVALID and not value.strip():
        return r.problem(at, "must not be empty")
    return value


TEXT = Kind(_read_text)  # any string, for notes and e-mail addresses
NAME = Kind(_read_name)  # a non-blank string: identifiers, names, action texts


def bounded(kind: Kind, max_length: int) -> Kind:
    """`kind` no longer than the database column that holds it (PostgreSQL refuses longer ones)."""

    def read(r: Reader, value: Any, at: Path) -> Any:
        value = kind.read(r, value, at)
        if value is not INVALID and len(value) > max_length:
            return r.problem(at, f"must be at most {max_length} characters, not {len(value):,}")
        return value

    return Kind(read, kind.build, kind.write)


def _read_bool(r: Reader, value: Any, at: Path) -> Any:
    if not isinstance(value, bool):
        return r.problem(at, f"must be true or false, not {described(value)}")
    return value


BOOL = Kind(_read_bool)


def integer(minimum: int, maximum: int | None = None) -> Kind:
    """A whole number from `minimum` to `maximum` (the largest the database column holds)."""

    def read(r: Reader, value: Any, at: Path) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            return r.problem(at, f"must be a whole number, not {described(value)}")
        if value < minimum:
            return r.problem(at, f"must be at least {minimum}")
        if maximum is not None and value > maximum:
            return r.problem(at, f"must be at most {maximum:,}")
        return value

    return Kind(read)


def choice(options: Iterable[str]) -> Kind:
    options = tuple(options)
    message = "must be one of: " + ", ".join(options)

    def read(r: Reader, value: Any, at: Path) -> Any:
        if not isinstance(value, str) or value not in options:
            return r.problem(at, message)
        return value

    return Kind(read)


def constant(text: str) -> Kind:
    """A key whose value is fixed, such as `format`; facts do not hold it, so writing restores it."""

    def read(r: Reader, value: Any, at: Path) -> Any:
        if not isinstance(value, str) or value != text:
            return r.problem(at, f"must be '{text}'")
        return value

    return Kind(read, write=lambda _value, _tz: text)


# -- dates, months and moments -------------------------------------------------------------
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_MOMENT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}(:[0-9]{2}(:[0-9]{2})?)?)?"
)


# Years outside these are typing mistakes, and the rules' date arithmetic near the ends of
# Python's calendar (year 1 or 9999) would overflow.
FIRST_YEAR, LAST_YEAR = 1900, 2199
_OUT_OF_RANGE = f"is out of range (years {FIRST_YEAR} to {LAST_YEAR})"


def _in_range(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def _read_date(r: Reader, value: Any, at: Path) -> Any:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return r.problem(at, "must be a date written YYYY-MM-DD")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return r.problem(at, "is not a calendar date")
    return day if _in_range(day.year) else r.problem(at, _OUT_OF_RANGE)


DATE = Kind(_read_date, write=lambda value, _tz: value.isoformat())


def _read_month(r: Reader, value: Any, at: Path) -> Any:
    match = _MONTH.fullmatch(value) if isinstance(value, str) else None
    if match is None or not 1 <= int(match[2]) <= 12:
        return r.problem(at, "must be a month written YYYY-MM")
    return value if _in_range(int(match[1])) else r.problem(at, _OUT_OF_RANGE)


MONTH = Kind(_read_month)


def _read_moment(r: Reader, value: Any, at: Path) -> Any:
    """ISO 8601 with or without an offset; without one it is local time of the service."""
    if not isinstance(value, str) or not _MOMENT.fullmatch(value):
        return r.problem(at, "must be a date and time such as 2025-12-18T16:00 or 2025-12-18T16:00+00:00")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return r.problem(at, "is not a valid date and time")
    if not FIRST_YEAR - 1 <= moment.year <= LAST_YEAR + 1:  # so that converting cannot overflow
        return r.problem(at, _OUT_OF_RANGE)
    # Moments are held in UTC (RULES.md): aware datetimes in one fixed zone compare as instants,
    # which those in a zone with summer time do not in the hour repeated when the clocks go back.
    if moment.tzinfo is None:
        # In that repeated hour a local time means the first of the two (fold=0).
        utc = moment.replace(tzinfo=r.tz).astimezone(UTC)
        # A local time skipped when the clocks go forward does not survive the trip back;
        # accepting it would silently move the moment by an hour.
        if utc.astimezone(r.tz).replace(tzinfo=None) != moment:
            return r.problem(at, f"does not exist in {r.tz.key} (the clocks go forward)")
    else:
        utc = moment.astimezone(UTC)
    # The year as export will write it, in the service's zone, so that export reads back.
    if not _in_range(utc.astimezone(r.tz).year):
        return r.problem(at, _OUT_OF_RANGE)
    return utc


MOMENT = Kind(_read_moment, write=lambda value, tz: value.astimezone(tz).isoformat())


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _read_timezone(r: Reader, value: Any, at: Path) -> Any:
    if not isinstance(value, str) or value not in _zones():
        return r.problem(at, "must be an IANA time zone such as Europe/London")
    # Moments are read in the service's zone; the service comes before every list that has them.
    r.tz = ZoneInfo(value)
    return value


TIMEZONE = Kind(_read_timezone)


# -- lists of plain values -----------------------------------------------------------------
def list_of(kind: Kind, *, unique: bool = True, sort: bool = False) -> Kind:
    """A list of values of one kind; `sort` gives the facts a canonical order (e.g. supervisees)."""

    def read(r: Reader, value: Any, at: Path) -> Any:
        if not isinstance(value, list):
            return r.problem(at, f"must be a list, not {described(value)}")
        items, seen, ok = [], set(), True
        for index, raw in enumerate(value):
            item = kind.read(r, raw, at.item(index))
            if item is INVALID:
                ok = False
            elif unique and item in seen:
                ok = False
                r.problem(at.item(index), f"{shown(raw)} is listed twice")
            else:
                seen.add(item)
            items.append(item)
        return items if ok else INVALID

    def build(items: Any) -> tuple:
        items = tuple(kind.build(item) for item in items)
        return tuple(sorted(items, key=natural)) if sort else items

    def write(items: Any, tz: ZoneInfo) -> list:
        items = sorted(items, key=natural) if sort else items
        return [kind.write(item, tz) for item in items]

    return Kind(read, build, write)


# -- ordering ------------------------------------------------------------------------------
_DIGITS = re.compile(r"([0-9]+)")


@lru_cache(maxsize=1 << 17)  # identifiers recur across lists (a case in allocations, contacts, ...)
def natural(text: str) -> tuple:
    """Sort key putting S2 before S10. Digit runs compare by value without int() (which refuses
    very long numbers), and the text itself breaks ties such as S01 and S1."""
    parts: list[Any] = []
    for position, part in enumerate(_DIGITS.split(text)):
        if position % 2:
            digits = part.lstrip("0")
            parts.append((len(digits), digits))
        else:
            parts.append(part)
    return (tuple(parts), text)
