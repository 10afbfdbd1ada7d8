"""Findings: what every rule reports (RULES.md, "Findings"), and the context rules are judged in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import cached_property

from oversight.policy.calendar import WorkingCalendar, month_first_day, month_key, months_between, parse_month
from oversight.policy.facts import ServiceFacts


class Status(StrEnum):
    BREACH = "breach"
    DUE = "due"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    status: Status
    subject: str
    detail: str
    case: str | None = None
    period: str | None = None  # YYYY-MM, where the rule is monthly
    due: datetime | None = None

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "status": str(self.status),
            "subject": self.subject,
            "case": self.case,
            "period": self.period,
            "due": self.due.isoformat(timespec="milliseconds") if self.due else None,
            "detail": self.detail,
        }

    def sort_key(self) -> tuple:
        """Soonest deadline first; findings without a deadline after, then by rule and subject."""
        return (
            self.due is None,
            self.due.timestamp() if self.due else 0.0,
            self.rule,
            self.subject,
            self.case or "",
            self.period or "",
            self.detail,
        )


def service_calendar(facts: ServiceFacts) -> WorkingCalendar:
    """The service's working calendar: its bank holidays, time zone and closure days."""
    service = facts.service
    return WorkingCalendar(
        region=service.holidays, timezone=service.timezone, closure_days=service.settings.closure_days
    )


@dataclass(frozen=True)
class Judgement:
    """The moment rules are judged at, with the calendar and the facts they are judged on."""

    facts: ServiceFacts
    as_of: datetime
    calendar: WorkingCalendar

    @classmethod
    def at(cls, facts: ServiceFacts, as_of: datetime) -> Judgement:
        calendar = service_calendar(facts)
        if as_of.tzinfo is None:
            as_of = as_of.replace(tzinfo=calendar.tz)
        return cls(facts=facts.known_on(calendar.local_date(as_of)), as_of=as_of, calendar=calendar)

    @property
    def settings(self):
        return self.facts.settings

    @cached_property
    def today(self) -> date:
        return self.calendar.local_date(self.as_of)

    @cached_property
    def compliance_start(self) -> date | None:
        """First day of the first month that monthly rules judge (None: no allocations yet)."""
        if self.settings.compliance_start:
            return month_first_day(*parse_month(self.settings.compliance_start))
        starts = [a.start for a in self.facts.allocations]
        return month_first_day(min(starts).year, min(starts).month) if starts else None

    @cached_property
    def closed_months(self) -> list[tuple[int, int]]:
        """Months from compliance_start that ended before the as-of moment."""
        if self.compliance_start is None:
            return []
        current = (self.today.year, self.today.month)
        return [m for m in months_between(self.compliance_start, self.today) if m < current]

    @property
    def current_month(self) -> tuple[int, int]:
        return (self.today.year, self.today.month)

    @property
    def current_month_judged(self) -> bool:
        return self.compliance_start is not None and self.compliance_start <= self.today

    @staticmethod
    def period(year: int, month: int) -> str:
        return month_key(date(year, month, 1))

    def names(self, staff_id: str | None) -> str:
        """A person as managers know them: "Asha Khan (S1)"."""
        if staff_id is None:
            return "nobody"
        person = self.facts.staff_by_id.get(staff_id)
        return f"{person.name} ({staff_id})" if person else staff_id


# The details are in English whatever the machine's locale (strftime's %a follows it), and the rules
# name some 8,000 days for every evaluation of a large service: a lookup is a tenth of strftime's cost.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def fmt_day(day: date) -> str:
    """Dates in details read as managers write them: "Tue 2026-01-27"."""
    return f"{_WEEKDAYS[day.weekday()]} {day.isoformat()}"


def long_day(day: date) -> str:
    """Dates as the pages, messages and documents write them (GOV.UK style): "Tue 27 January 2026"."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {day:%B %Y}"


def fmt_month(year: int, month: int) -> str:
    return date(year, month, 1).strftime("%B %Y")
