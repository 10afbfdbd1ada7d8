"""A person's calendar as iCalendar (RFC 5545) for Outlook and other calendar apps to subscribe to.

What is in it comes from policy.personal_calendar: their leave, the days they cover colleagues (cases
by identifier only, never a child's name), their duty days and supervision sessions.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from oversight.people.models import Service
from oversight.policy.calendar import WorkingCalendar
from oversight.policy.personal_calendar import personal_events
from oversight.store.read import service_facts


def personal_feed(service: Service, staff_ref: str, staff_name: str) -> bytes:
    calendar = WorkingCalendar(service.holidays, service.timezone)
    now = timezone.now()
    today = calendar.local_date(now)
    facts = service_facts(service)
    cal = Calendar()
    cal.add("prodid", "-//Oversight//Youth Justice cover and supervision//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Oversight: {staff_name}")
    cal.add("x-wr-timezone", service.timezone)
    # Outlook and others poll a subscribed calendar; ask for twice a day at most.
    cal.add("refresh-interval", timedelta(hours=12), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT12H")
    for item in personal_events(facts, staff_ref, today, known_at=now):
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now.astimezone(UTC))
        event.add("summary", item.summary)
        if item.first_day is not None:
            event.add("dtstart", item.first_day)
            event.add("dtend", item.last_day + timedelta(days=1))  # DTEND of an all-day event is exclusive
            event.add("transp", "TRANSPARENT" if item.kind in ("cover", "duty") else "OPAQUE")
        else:
            event.add("dtstart", item.start.astimezone(UTC))
            event.add("dtend", item.end.astimezone(UTC))
        if item.description:
            event.add("description", item.description)
        event.add("categories", [item.kind.capitalize()])
        cal.add_component(event)
    return cal.to_ical()
