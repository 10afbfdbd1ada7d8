"""The working-day calendar of a service (RULES.md, "Time and calendars").

A working day is Monday to Friday and not a bank holiday of the service's region (the `holidays`
package, never a hand-written list) nor a local closure day.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holiday_tables

# Exchange names of regions, mapped to the subdivision of `holidays.UK`. England and Wales share
# their bank holidays.
REGIONS = {
    "england-and-wales": "ENG",
    "england": "ENG",
    "wales": "WLS",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}
END_OF_DAY = time(23, 59, 59, 999000)


class UnknownRegion(ValueError):
    pass


@lru_cache(maxsize=32)
def _bank_holidays(region: str, year: int) -> frozenset[date]:
    try:
        subdiv = REGIONS[region]
    except KeyError:
        raise UnknownRegion(region) from None
    return frozenset(holiday_tables.UK(subdiv=subdiv, years=year).keys())


class WorkingCalendar:
    def __init__(
        self,
        region: str = "england-and-wales",
        timezone: str = "Europe/London",
        closure_days: Iterable[date] = (),
    ) -> None:
        if region not in REGIONS:
            raise UnknownRegion(region)
        self.region = region
        self.tz = ZoneInfo(timezone)
        self.closure_days = frozenset(closure_days)
        self._working: dict[date, bool] = {}
        self._working_list: list[date] = []
        self._years: tuple[int, int] | None = None

    # -- days ------------------------------------------------------------------------------
    def is_working_day(self, day: date) -> bool:
        known = self._working.get(day)
        if known is None:
            known = (
                day.weekday() < 5
                and day not in _bank_holidays(self.region, day.year)
                and day not in self.closure_days
            )
            self._working[day] = known
        return known

    def working_days_after(self, day: date, count: int) -> date:
        """The `count`-th working day strictly after `day` (count ≥ 1)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        days = self._working_days_around(day, day + timedelta(days=2 * count + 31))
        return days[bisect_right(days, day) + count - 1]

    def _working_days_around(self, first: date, last: date) -> list[date]:
        """Every working day of the years from `first` to `last` (at least), sorted: kept and
        widened as needed, so that counting working days is a bisection."""
        years = self._years
        if years is None or first.year < years[0] or last.year > years[1]:
            lo = first.year if years is None else min(first.year, years[0])
            hi = last.year if years is None else max(last.year, years[1])
            self._working_list = list(self.working_days(date(lo, 1, 1), date(hi, 12, 31)))
            self._years = (lo, hi)
        return self._working_list

    def first_working_day_from(self, day: date) -> date:
        """`day` itself when it is a working day, else the next working day."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_days(self, first: date, last: date) -> Iterator[date]:
        """Working days from `first` to `last`, both included."""
        day = first
        while day <= last:
            if self.is_working_day(day):
                yield day
            day += timedelta(days=1)

    def count_working_days(self, first: date, last: date) -> int:
        return sum(1 for _ in self.working_days(first, last))

    def nth_working_day_from(self, first: date, n: int) -> date:
        """The n-th working day counting `first` as the first if it is one (n ≥ 1)."""
        start = self.first_working_day_from(first)
        return start if n == 1 else self.working_days_after(start, n - 1)

    def last_working_day_of_month(self, year: int, month: int) -> date:
        day = month_last_day(year, month)
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    # -- moments ---------------------------------------------------------------------------
    def local_date(self, moment: datetime) -> date:
        if type(moment) is datetime and moment.tzinfo is self.tz:
            # Already local (the facts are read in the service's zone): no conversion. Only a plain
            # datetime: the watched moment of policy/window.py must see its own conversion.
            return moment.date()
        return moment.astimezone(self.tz).date()

    def start_of(self, day: date) -> datetime:
        return datetime.combine(day, time(0, 0), tzinfo=self.tz)

    def end_of(self, day: date) -> datetime:
        """The last moment of a local day: 23:59:59.999 (RULES.md)."""
        return datetime.combine(day, END_OF_DAY, tzinfo=self.tz)

    def working_day_deadline(self, moment: datetime, count: int) -> datetime:
        """N working days after a moment: the end of the N-th working day after its local date."""
        return self.end_of(self.working_days_after(self.local_date(moment), count))

    def hours_deadline(self, moment: datetime, hours: int) -> datetime:
        """N hours after a moment is clock time, weekends included: elapsed hours, so that a
        clock change in between neither shortens nor lengthens the time a manager has."""
        return (moment.astimezone(UTC) + timedelta(hours=hours)).astimezone(self.tz)


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_first_day(year: int, month: int) -> date:
    return date(year, month, 1)


def month_last_day(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def parse_month(key: str) -> tuple[int, int]:
    year, month = key.split("-")
    return int(year), int(month)


def months_between(first: date, last: date) -> Iterator[tuple[int, int]]:
    """Every (year, month) from the month of `first` to the month of `last`, both included."""
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
