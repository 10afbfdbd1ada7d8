"""Preparation and data quality, "Stat Wednesday" (RULES.md): DQ-SEEN, DQ-ASSESSMENT, DQ-PLAN, DQ-REVIEW.

Judged for the cases open on the as-of day. Contacts and completions dated after that day are not yet
known, so that a past as-of moment gives the answer it would have given then.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from oversight.policy.findings import Finding, Judgement, Status, fmt_day

STAT_FORTNIGHT = timedelta(days=14)
MILESTONE_RULES = {"assessment": "DQ-ASSESSMENT", "plan": "DQ-PLAN", "review": "DQ-REVIEW"}


def check(j: Judgement) -> Iterator[Finding]:
    today = j.today
    open_cases = j.facts.cases_open_on(today)
    for case in open_cases:
        # DQ-SEEN: no face-to-face contact for longer than the case's contact interval.
        seen = _last_seen(j, case.id)
        since = max(seen, case.opened) if seen else case.opened
        interval = j.settings.contact_interval_days[case.risk]
        if (today - since).days > interval:
            due_day = since + timedelta(days=interval)
            last = (
                f"was last seen face to face on {fmt_day(since)}"
                if seen and seen >= case.opened
                else f"has not been seen face to face since it opened on {fmt_day(since)}"
            )
            yield Finding(
                rule="DQ-SEEN",
                status=Status.BREACH,
                subject=case.id,
                case=case.id,
                due=j.calendar.end_of(due_day),
                detail=f"Case {case.id} ({case.risk.replace('_', ' ')} risk, to be seen every {interval} "
                f"days) {last}; a visit was due by the end of {fmt_day(due_day)}.",
            )
    open_ids = {c.id for c in open_cases}
    milestones = sorted(j.facts.milestones, key=lambda m: (m.case, m.due, m.kind))
    for m in milestones:
        # DQ-ASSESSMENT, DQ-PLAN, DQ-REVIEW: a milestone past its due date and not completed.
        completed = m.completed is not None and m.completed <= today
        if m.case not in open_ids or m.kind not in MILESTONE_RULES or m.due >= today or completed:
            continue
        yield Finding(
            rule=MILESTONE_RULES[m.kind],
            status=Status.BREACH,
            subject=m.case,
            case=m.case,
            due=j.calendar.end_of(m.due),
            detail=f"The {m.kind} for case {m.case} was due on {fmt_day(m.due)} and is not completed; "
            "complete it or record why not.",
        )


def _last_seen(j: Judgement, case_id: str) -> date | None:
    """The last face-to-face contact on or before the as-of day (other kinds of contact do not count)."""
    for contact in reversed(j.facts.contacts_by_case.get(case_id, ())):
        if contact.kind == "face_to_face" and contact.day <= j.today:
            return contact.day
    return None


def stat_wednesdays(anchor: date, first: date, last: date) -> list[date]:
    """The Stat Wednesdays (every 14 days from `anchor`, the anchor included) from `first` to `last`."""
    day = next_stat_wednesday(anchor, first)
    days = []
    while day <= last:
        days.append(day)
        day += STAT_FORTNIGHT
    return days


def next_stat_wednesday(anchor: date, day: date) -> date:
    """The first Stat Wednesday on or after `day` (never before `anchor`)."""
    if day <= anchor:
        return anchor
    behind = (day - anchor).days % STAT_FORTNIGHT.days
    return day if behind == 0 else day + timedelta(days=STAT_FORTNIGHT.days - behind)
