"""How the supervision and senior pages word things: days, moments, deadlines, months and people."""

from __future__ import annotations

from datetime import date, datetime, time

from oversight.people.models import ORDER_CHOICES, RISK_CHOICES, ROLE_CHOICES
# One wording of days and moments across the pages; deadlines here read mid-sentence (lower case).
from oversight.web.casework.display import clock, long_day, moment_text  # noqa: F401
from oversight.policy.facts import ServiceFacts

END_OF_DAY = time(23, 59, 59, 999000)
RISKS = dict(RISK_CHOICES)
ORDERS = dict(ORDER_CHOICES)
ROLES = dict(ROLE_CHOICES)
DEPTHS = {"check_in": "Check-in", "in_depth": "In depth"}
EVENT_KINDS = {"management_decision": "Management decision", "marp": "MARP outcome", "audit": "Case audit"}
ABSENCE_KINDS = {"annual_leave": "annual leave", "sickness": "sickness", "training": "training", "other": "absence"}
RISK_COLOURS = {"low": "green", "medium": "yellow", "high": "orange", "very_high": "red"}


def deadline_text(due: datetime | None, tz) -> str:
    """A deadline as a manager reads it: 'by the end of Tue 27 January 2026', or a time."""
    if due is None:
        return ""
    local = due.astimezone(tz)
    if local.timetz().replace(tzinfo=None) == END_OF_DAY:
        return f"by the end of {long_day(local)}"
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return f"before {long_day(local)}"
    return f"by {long_day(local)} at {clock(local)}"


def month_text(key: str) -> str:
    """'2026-01' -> 'January 2026'."""
    year, month = key.split("-")
    return date(int(year), int(month), 1).strftime("%B %Y")


def short_month(key: str) -> str:
    """'2026-01' -> 'Jan 2026' (chart axes)."""
    year, month = key.split("-")
    return date(int(year), int(month), 1).strftime("%b %Y")


def name_of(facts: ServiceFacts, staff_id: str | None) -> str:
    if staff_id is None:
        return "nobody"
    person = facts.staff_by_id.get(staff_id)
    return person.name if person else staff_id


def role_of(facts: ServiceFacts, staff_id: str) -> str:
    person = facts.staff_by_id.get(staff_id)
    return ROLES.get(person.role, person.role) if person else ""
