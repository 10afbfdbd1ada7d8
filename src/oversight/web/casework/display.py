"""How the casework pages word things: dates, deadlines, people and the steps of cover resolution."""

from __future__ import annotations

from datetime import date, datetime, time

from oversight.people.models import ORDER_CHOICES, RISK_CHOICES, ROLE_CHOICES
from oversight.policy import findings
from oversight.policy.facts import ServiceFacts

VIA_LABELS = {
    "reallocation": "temporary reallocation",
    "case_manager": "case manager",
    "leave_sheet": "cover named on the leave sheet",
    "paired_worker": "paired worker",
    "buddy": "buddy",
    "duty": "duty officer",
    "none": "nobody",
}
RISKS = dict(RISK_CHOICES)
ORDERS = dict(ORDER_CHOICES)
ROLES = dict(ROLE_CHOICES)
KINDS = {"annual_leave": "Annual leave", "sickness": "Sickness", "training": "Training", "other": "Other"}
SESSION_KINDS = {"formal": "Formal one-to-one", "group": "Group", "peer": "Peer", "informal": "Informal"}
EVENT_KINDS = {"management_decision": "Management decision", "marp": "MARP discussion", "audit": "Case audit"}
DEPTHS = {"check_in": "Check-in", "in_depth": "In depth"}
END_OF_DAY = time(23, 59, 59, 999000)


def long_day(day: date | datetime | None) -> str:
    """'Tue 27 January 2026' (a moment: its local date, as given)."""
    if day is None:
        return ""
    return findings.long_day(day.date() if isinstance(day, datetime) else day)


def clock(moment: datetime) -> str:
    if (moment.hour, moment.minute) == (12, 0):
        return "midday"
    return f"{moment.hour % 12 or 12}:{moment.minute:02d}{'am' if moment.hour < 12 else 'pm'}"


def moment_text(moment: datetime | None, tz=None) -> str:
    """'Tue 27 January 2026 at 2:30pm' in the service's time zone."""
    if moment is None:
        return ""
    local = moment.astimezone(tz) if tz is not None else moment
    return f"{long_day(local)} at {clock(local)}"


def deadline_text(due: datetime | None, tz=None) -> str:
    """A finding's deadline as a manager reads it: by the end of a day, before a day begins, or a time."""
    if due is None:
        return "No deadline"
    local = due.astimezone(tz) if tz is not None else due
    if local.timetz().replace(tzinfo=None) == END_OF_DAY:
        return f"By the end of {long_day(local)}"
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return f"Before {long_day(local)}"
    return f"By {long_day(local)} at {clock(local)}"


def relative_days(day: date, today: date) -> str:
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    return f"in {delta} days" if delta > 0 else f"{-delta} days ago"


def name_of(facts: ServiceFacts, staff_id: str | None) -> str:
    if staff_id is None:
        return "Nobody"
    person = facts.staff_by_id.get(staff_id)
    return person.name if person else staff_id


def span_text(first: date, last: date | None) -> str:
    if last is None:
        return f"From {long_day(first)}"
    if first == last:
        return long_day(first)
    return f"{long_day(first)} to {long_day(last)}"
