"""The words of each message, made from a planned reminder (policy.reminders.Reminder).

Staff messages name children by case identifier only, never by name: e-mail travels and is kept
outside Oversight. The message to a young person or family names the worker to contact.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings

from oversight.policy import findings
from oversight.policy.facts import ServiceFacts
from oversight.policy.reminders import Reminder


def long_day(value: str | date | datetime) -> str:
    """ "Tue 27 January 2026" (GOV.UK style, as the pages show dates)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    day = value.date() if isinstance(value, datetime) else value
    text = findings.long_day(day)
    if isinstance(value, datetime) and (value.hour, value.minute) != (23, 59):  # the end of a day is the day
        text += f" at {value:%H:%M}"
    return text


def _name(facts: ServiceFacts, staff_id: str | None) -> str:
    person = facts.staff_by_id.get(staff_id) if staff_id else None
    return person.name if person else (staff_id or "nobody")


def _footer(facts: ServiceFacts) -> str:
    link = f"\n\nOpen Oversight: {settings.OVERSIGHT_SITE_URL}" if settings.OVERSIGHT_SITE_URL else ""
    return f"{link}\n\nThis message was sent by Oversight for {facts.service.name}. Please do not reply to it."


def compose(facts: ServiceFacts, r: Reminder) -> tuple[str, str]:
    """(subject, body) of a planned message."""
    d = r.data
    if r.kind == "digest":
        lines = []
        for item in d["items"]:
            when = f" – {'due' if item['status'] == 'due' else 'overdue since'} {long_day(item['due'])}" if item["due"] else ""
            lines.append(f"- {item['rule']} {item['title']}{when}\n  {item['detail']}")
        more = d["total"] - len(d["items"])
        if more > 0:
            lines.append(f"- and {more} more: see Oversight")
        subject = f"Oversight: {d['due']} due, {d['overdue']} overdue for you ({long_day(d['day'])})"
        body = (f"Hello {_name(facts, r.staff)},\n\nWhat is due or overdue for you today, soonest deadline first:\n\n"
                + "\n".join(lines) + _footer(facts))
        return subject, body
    if r.kind == "record-due":
        urgency = " (significant or urgent: 24 hours)" if d["significant"] else ""
        subject = f"Record due by {long_day(d['deadline'])}: case {r.case}"
        body = (f"Hello {_name(facts, r.staff)},\n\nThe record of {d['what']} must be on the child's file by "
                f"{long_day(d['deadline'])}{urgency} (REC-DEADLINE).{_footer(facts)}")
        return subject, body
    if r.kind == "leave-sheet-due":
        cases = ", ".join(d["cases"])
        subject = f"Leave sheet needed before your leave on {long_day(d['first_day'])}"
        body = (f"Hello {_name(facts, r.staff)},\n\nYour leave {d['absence']} runs from {long_day(d['first_day'])} "
                f"to {long_day(d['last_day'])}. Please submit a leave sheet to {_name(facts, d['manager'])} before it "
                f"starts, naming cover for each of your cases ({cases}), and tell each young person who to contact "
                f"while you are away (COV-LEAVE-SHEET).{_footer(facts)}")
        return subject, body
    if r.kind == "supervision-due":
        month = date.fromisoformat(d["period"] + "-01").strftime("%B %Y")
        due = f" by {long_day(d['due'])}" if d["due"] else ""
        if r.staff == d["supervisee"]:
            what = f"You have not had your formal one-to-one supervision for {month} yet"
        else:
            what = f"{_name(facts, d['supervisee'])} has not had their formal one-to-one supervision for {month} yet"
        subject = f"Supervision for {month} not yet held"
        body = (f"Hello {_name(facts, r.staff)},\n\n{what}: it must take place{due} (SUP-MONTHLY)."
                f"{_footer(facts)}")
        return subject, body
    if r.kind == "cover-start":
        if d["via"] in ("duty", "none"):
            contact = f"the duty officer at {facts.service.name}"
        else:
            contact = _name(facts, d["contact"])
        subject = f"Who to contact while your worker is away – {facts.service.name}"
        body = (f"Hello. {_name(facts, d['case_manager'])} is away from {long_day(d['first_day'])}, expected back "
                f"after {long_day(d['expected_last_day'])}. While they are away, your contact at {facts.service.name} "
                f"is {contact}. Please contact the service in the usual way if you need help or are worried about "
                "anything.")
        return subject, body
    raise ValueError(f"no words for messages of kind {r.kind!r}")
