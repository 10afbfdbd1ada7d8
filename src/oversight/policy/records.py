"""Records on the child's file (RULES.md, "Records on the child's file"): REC-DEADLINE and REC-AUTHOR.

A record is needed for every case discussion at a formal session (made by its supervisor) and for every
management decision, MARP discussion and case audit outcome (made by the manager involved). A record
written after the as-of moment is not yet on the file at that moment.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from oversight.policy.findings import Finding, Judgement, Status, fmt_day

EVENT_NAMES = {"management_decision": "management decision", "marp": "MARP discussion", "audit": "case audit"}


@dataclass(frozen=True, slots=True)
class NeededRecord:
    case: str
    what: str  # how a manager finds it: "the discussion of case C1 at formal supervision V1"
    held: datetime
    significant: bool
    responsible: str  # the manager who must write the record
    recorded: datetime | None
    recorded_by: str | None


def needed_records(j: Judgement) -> Iterator[NeededRecord]:
    """Every discussion or decision held by the as-of moment that needs a record on the child's file."""
    for session in j.facts.supervisions:
        if session.is_formal and session.held <= j.as_of:
            for d in session.discussions:
                what = f"the discussion of case {d.case} at formal supervision {session.id}"
                yield NeededRecord(
                    d.case, what, session.held, d.significant, session.supervisor, d.recorded, d.recorded_by
                )
    for event in j.facts.oversight_events:
        if event.held <= j.as_of:
            what = f"the {EVENT_NAMES.get(event.kind, event.kind)} {event.id} on case {event.case}"
            yield NeededRecord(
                event.case, what, event.held, event.significant, event.by, event.recorded, event.recorded_by
            )


def record_deadline(j: Judgement, held: datetime, significant: bool) -> datetime:
    # REC-DEADLINE: 24 clock hours when significant or urgent, else the end of the 5th working day after.
    if significant:
        # Elapsed hours: counted in UTC, so that a clock change in between does not shift the deadline.
        deadline = j.calendar.hours_deadline(held.astimezone(UTC), j.settings.urgent_record_hours)
        return deadline.astimezone(j.calendar.tz)
    return j.calendar.working_day_deadline(held, j.settings.record_working_days)


def check(j: Judgement) -> Iterator[Finding]:
    records = sorted(needed_records(j), key=lambda r: (r.held, r.case, r.what))
    for r in records:
        deadline = record_deadline(j, r.held, r.significant)
        recorded = r.recorded if r.recorded is not None and r.recorded <= j.as_of else None
        about = f"{r.what} on {_moment(j, r.held)}"
        by = f"by {_deadline(j, deadline, r.significant)}"
        base = dict(rule="REC-DEADLINE", subject=r.case, case=r.case, due=deadline)  # REC-DEADLINE
        if recorded is None and j.as_of > deadline:
            yield Finding(
                **base,
                status=Status.BREACH,
                detail=f"overdue: the record of {about} was due {by} and is not on the child's file; "
                f"{j.names(r.responsible)} should record it now.",
            )
        elif recorded is None:
            yield Finding(
                **base,
                status=Status.DUE,
                detail=f"{j.names(r.responsible)} must record {about} on the child's file {by}.",
            )
        elif recorded > deadline:
            yield Finding(
                **base,
                status=Status.BREACH,
                detail=f"late: the record of {about} was due {by} but was made on {_moment(j, recorded)}.",
            )
        written_later = r.recorded is not None and r.recorded > j.as_of
        if r.recorded_by and r.recorded_by != r.responsible and not written_later:
            yield Finding(
                rule="REC-AUTHOR",  # REC-AUTHOR: the manager involved must make the recording
                status=Status.WARNING,
                subject=r.case,
                case=r.case,
                detail=f"The record of {about} was written by {j.names(r.recorded_by)}, not by "
                f"{j.names(r.responsible)}, the manager who held it; they should check and own the record.",
            )


def _moment(j: Judgement, moment: datetime) -> str:
    local = moment.astimezone(j.calendar.tz)
    return f"{fmt_day(local.date())} {local:%H:%M}"


def _deadline(j: Judgement, deadline: datetime, significant: bool) -> str:
    if significant:  # a clock-hours deadline: give the time
        return _moment(j, deadline)
    return f"the end of {fmt_day(j.calendar.local_date(deadline))}"
