"""A person's own calendar: their leave, the days they cover colleagues, duty days and supervision
sessions, for the subscribed calendar feed (reports.ical). Children appear only by case identifier.

Cover days come from cover resolution itself (who is each case's named contact that day), so the
calendar never disagrees with the cover pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from oversight.policy.cover import COVERING_STEPS, resolve_day
from oversight.policy.facts import ServiceFacts, in_range

LEAVE_BACK_DAYS, LEAVE_AHEAD_DAYS = 90, 365
COVER_BACK_DAYS, COVER_AHEAD_DAYS = 30, 90
SESSION_BACK_DAYS, SESSION_AHEAD_DAYS = 180, 365
DEFAULT_SESSION_MINUTES = 60

# Sickness is health information: the feed says only that the person is away.
ABSENCE_LABELS = {"annual_leave": "Annual leave", "training": "Training", "sickness": "Away", "other": "Away"}


@dataclass(frozen=True, slots=True)
class Event:
    uid: str
    kind: str  # leave, cover, duty, supervision
    summary: str
    first_day: date | None = None  # all-day events: first and last day, inclusive
    last_day: date | None = None
    start: datetime | None = None  # timed events
    end: datetime | None = None
    description: str = ""


def personal_events(facts: ServiceFacts, staff_id: str, today: date, known_at: datetime | None = None) -> list[Event]:
    facts = facts.known_on(today)
    service = facts.service.id
    names = {s.id: s.name for s in facts.staff}
    events: list[Event] = []

    for a in facts.absences_by_staff.get(staff_id, ()):
        last = a.actual_last_day or a.expected_last_day
        if last < today - timedelta(days=LEAVE_BACK_DAYS) or a.first_day > today + timedelta(days=LEAVE_AHEAD_DAYS):
            continue
        label = ABSENCE_LABELS.get(a.kind, "Away")
        note = "" if a.actual_last_day else " (return not yet recorded)" if a.first_day <= today else ""
        events.append(Event(f"absence-{a.id}@{service}", "leave", label, a.first_day, last,
                            description=f"Absence {a.id}{note}"))

    for shift in facts.duty_rota:
        if shift.staff == staff_id and today - timedelta(days=COVER_BACK_DAYS) <= shift.day <= today + timedelta(
            days=COVER_AHEAD_DAYS
        ):
            events.append(Event(f"duty-{shift.day.isoformat()}-{staff_id}@{service}", "duty", "Duty officer",
                                shift.day, shift.day))

    events += _cover_runs(facts, staff_id, today, known_at, names)

    for s in facts.supervisions:
        if staff_id != s.supervisor and staff_id not in s.supervisees:
            continue
        day = s.held.date()
        if not (today - timedelta(days=SESSION_BACK_DAYS) <= day <= today + timedelta(days=SESSION_AHEAD_DAYS)):
            continue
        others = [names.get(p, p) for p in (s.supervisor, *s.supervisees) if p != staff_id]
        kind = "Formal supervision" if s.is_formal else f"{s.kind.capitalize()} supervision"
        events.append(Event(
            f"supervision-{s.id}@{service}", "supervision", f"{kind} with {', '.join(others) or 'the group'}",
            start=s.held, end=s.held + timedelta(minutes=s.minutes or DEFAULT_SESSION_MINUTES),
            description=f"Session {s.id}",
        ))
    return sorted(events, key=lambda e: (e.first_day or e.start.date(), e.uid))


def _cover_runs(facts: ServiceFacts, me: str, today: date, known_at, names) -> list[Event]:
    """Consecutive days on which `me` is the named contact for a colleague's cases, one event per run."""
    daily: dict[date, dict[str, set[str]]] = {}
    first, last = today - timedelta(days=COVER_BACK_DAYS), today + timedelta(days=COVER_AHEAD_DAYS)
    day = first
    while day <= last:
        away = {a.staff for a in facts.absences if a.absent_on(day) and a.staff != me}
        cases = {c for person in away for c in facts.open_cases_of(person, day)}
        cases |= {c for c, rs in facts.reallocations_by_case.items()
                  if any(r.staff == me and in_range(day, r.start, r.end) for r in rs) and facts.case_by_id[c].open_on(day)}
        if cases:
            for answer in resolve_day(facts, day, sorted(cases), known_at=known_at):
                if answer.contact == me and answer.via in COVERING_STEPS and answer.case_manager != me:
                    colleague = answer.case_manager or "unallocated"
                    daily.setdefault(day, {}).setdefault(colleague, set()).add(answer.case)
        day += timedelta(days=1)
    events: list[Event] = []
    open_runs: dict[tuple[str, frozenset], list[date]] = {}
    for day in sorted(daily):
        for colleague, cases in sorted(daily[day].items()):
            key = (colleague, frozenset(cases))
            run = open_runs.get(key)
            if run and (day - run[-1]).days == 1:
                run.append(day)
            else:
                if run:
                    events.append(_cover_event(facts, me, key, run, names))
                open_runs[key] = [day]
    for key, run in open_runs.items():
        events.append(_cover_event(facts, me, key, run, names))
    return events


def _cover_event(facts: ServiceFacts, me: str, key, run: list[date], names) -> Event:
    colleague, cases = key
    refs = ", ".join(sorted(cases))
    who = names.get(colleague, colleague)
    return Event(
        f"cover-{colleague}-{run[0].isoformat()}-{me}@{facts.service.id}", "cover",
        f"Covering for {who}: {refs}", run[0], run[-1],
        description=f"You are the named contact for {refs} while {who} is away.",
    )
