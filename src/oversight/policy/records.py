"""Records on the child's file (RULES.md, "Records on the child's file"): REC-DEADLINE and REC-AUTHOR.

A record is needed for every case discussion at a formal session (made by its supervisor) and for every
management decision, MARP discussion and case audit outcome (made by the manager involved). A record
written after the as-of moment is not yet on the file at that moment.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import NamedTuple

from oversight.policy.calendar import WorkingCalendar
from oversight.policy.facts import OversightEvent, ServiceFacts, Supervision
from oversight.policy.findings import Finding, Judgement, Status, fmt_day, service_calendar
from oversight.policy.settings import PolicySettings

LATE = "late: the record of {about} was due {by} but was made on {recorded}."
OVERDUE = (
    "overdue: the record of {about} was due {by} and is not on the child's file;"
    " {manager} should record it now."
)
DUE = "{manager} must record {about} on the child's file {by}."
EVENT_NAMES = {"management_decision": "management decision", "marp": "MARP discussion", "audit": "case audit"}


class NeededRecord(NamedTuple):
    case: str
    source: Supervision | OversightEvent  # the formal session or the event the record is of
    held: datetime
    significant: bool
    responsible: str  # the manager who must write the record
    recorded: datetime | None
    recorded_by: str | None

    @property
    def what(self) -> str:
        """How a manager finds it: "the discussion of case C1 at formal supervision V1"."""
        if isinstance(self.source, Supervision):
            return f"the discussion of case {self.case} at formal supervision {self.source.id}"
        kind = EVENT_NAMES.get(self.source.kind, self.source.kind)
        return f"the {kind} {self.source.id} on case {self.case}"


def needed_records(j: Judgement) -> Iterator[NeededRecord]:
    """Every discussion or decision held by the as-of moment that needs a record on the child's file."""
    session_held, session_records, event_held, event_records = _all_needed_records(j.facts)
    # Both lists are in the order held: those held by the as-of moment are a prefix of each.
    yield from session_records[: bisect_right(session_held, j.as_of)]
    yield from event_records[: bisect_right(event_held, j.as_of)]


def _all_needed_records(facts: ServiceFacts) -> tuple[list, list[NeededRecord], list, list[NeededRecord]]:
    """Every record the facts will ever need, sessions' then events', each in the order held (with
    the moments held, to bisect on): built once per facts object, as its indexes are, rather than
    sorting ten years of sessions on every request."""
    return facts.kept("needed_records", None, lambda: _needed_records_of(facts))


class _Judged(NamedTuple):
    """What REC-DEADLINE and REC-AUTHOR judge of every record whatever the as-of moment."""

    records: list[NeededRecord]  # the sessions' then the events', as _all_needed_records has them
    deadlines: list[datetime]  # each record's REC-DEADLINE deadline
    made: list[datetime]  # the moments records were made, in order
    made_by: list[int]  # the position in `records` of the record made at each of `made`
    noted: frozenset[int]  # the positions of the records that may give a finding once on the file too


def _judged(j: Judgement) -> _Judged:
    """Built once per facts object, as its indexes are (the calendar and settings are the facts'
    own), so that judging ten years of records as of a moment visits only those that can give a
    finding: a record made in time by the manager involved gives none once it is on the file.
    Those that can are the ones `noted` (never made, made late, or made by someone else) and those
    made after the moment. Which those are is found by bisection: the as-of moment is compared with
    the two nearest moments records were made, not with each record's, which is the same to a
    watched moment (policy/window.py) and many times cheaper."""

    def judge() -> _Judged:
        _, sessions, _, events = _all_needed_records(j.facts)
        records = sessions + events
        local_date = j.calendar.local_date
        # A significant record's deadline follows the moment held, any other's only the local day:
        # shared by a day's sessions, and by a session's discussions, which come one after another.
        by_key: dict[object, datetime] = {}
        deadlines, noted = [], set()
        last_held = last_deadline = None
        for position, r in enumerate(records):
            if r.significant or r.held is not last_held:
                key = r.held if r.significant else local_date(r.held)
                deadline = by_key.get(key)
                if deadline is None:
                    deadline = by_key[key] = record_deadline(j, r.held, r.significant)
                if not r.significant:
                    last_held, last_deadline = r.held, deadline
            else:
                deadline = last_deadline
            deadlines.append(deadline)
            late = r.recorded is None or r.recorded > deadline
            if late or (r.recorded_by and r.recorded_by != r.responsible):
                noted.add(position)
        made = [p for p, r in enumerate(records) if r.recorded is not None]
        made_by = sorted(made, key=lambda p: records[p].recorded)
        return _Judged(records, deadlines, [records[p].recorded for p in made_by], made_by, frozenset(noted))

    return j.facts.kept("records_judged", None, judge)


def _needed_records_of(facts: ServiceFacts) -> tuple[list, list[NeededRecord], list, list[NeededRecord]]:
    session_records = [
        NeededRecord(
            d.case, session, session.held, d.significant, session.supervisor, d.recorded, d.recorded_by
        )
        for session in facts.sessions_in_order
        if session.is_formal
        for d in session.discussions
    ]
    event_records = [
        NeededRecord(
            event.case, event, event.held, event.significant, event.by, event.recorded, event.recorded_by
        )
        for event in sorted(facts.oversight_events, key=lambda e: (e.held, e.id))
    ]
    session_held, event_held = [r.held for r in session_records], [r.held for r in event_records]
    return session_held, session_records, event_held, event_records


def record_deadline(j: Judgement, held: datetime, significant: bool) -> datetime:
    # REC-DEADLINE: 24 clock hours when significant or urgent, else the end of the 5th working day after.
    if significant:
        return j.calendar.hours_deadline(held, j.settings.urgent_record_hours)
    return j.calendar.working_day_deadline(held, j.settings.record_working_days)


def record_state(j: Judgement, r: NeededRecord, deadline: datetime) -> str:
    """REC-DEADLINE for one record as of the judgement: "recorded" (in time), "late", "overdue" or "due"."""
    return _state(j, r, deadline, on_file=r.recorded is not None and r.recorded <= j.as_of)


def _state(j: Judgement, r: NeededRecord, deadline: datetime, on_file: bool) -> str:
    if on_file:
        return "recorded" if r.recorded <= deadline else "late"
    return "overdue" if j.as_of > deadline else "due"


# -- Records surely made in time ---------------------------------------------------------------
# Ten years of records are mostly made in time, and REC-DEADLINE finds nothing in them once they are
# on the file. Judging the rule alone (findings --rule, the floor benchmark) can leave them out, the
# database telling them apart (store/read.py), so long as "surely in time" never takes in a record
# the rule would find: the bound below is never later than the deadline.


def weekday_reach(working_days: int) -> tuple[int, ...]:
    """For a day of each weekday (Monday first), how many days after it its `working_days`-th
    weekday falls. Bank holidays and closures only take working days away, so the end of that
    weekday is never later than REC-DEADLINE's deadline of the end of the `working_days`-th working
    day after the day a record's discussion was held."""
    reach = []
    for weekday in range(7):
        days, counted = 0, 0
        while counted < working_days:
            days += 1
            counted += (weekday + days) % 7 < 5
        reach.append(days)
    return tuple(reach)


def surely_in_time(calendar: WorkingCalendar, settings: PolicySettings, held: datetime, significant: bool,
                   recorded: datetime | None, by: datetime) -> bool:
    """A record on the file by `by` and made by a moment no later than its REC-DEADLINE deadline:
    as of `by` or later, REC-DEADLINE finds nothing in it."""
    if recorded is None or recorded > by:
        return False
    if significant:  # the deadline itself: clock hours
        return recorded <= calendar.hours_deadline(held, settings.urgent_record_hours)
    day: date = calendar.local_date(held)
    reach = weekday_reach(settings.record_working_days)[day.weekday()]
    return recorded <= calendar.end_of(day + timedelta(days=reach))


def without_records_made_in_time(facts: ServiceFacts, by: datetime) -> ServiceFacts:
    """The facts without the discussions and events whose records were surely made in time by `by`,
    and without the sessions left with no discussion: what REC-DEADLINE needs to be judged as of
    `by` or later (the store reads the same from the database: store.read.rule_facts)."""
    calendar, settings = service_calendar(facts), facts.settings
    if by.tzinfo is None:  # as Judgement.at reads a plain moment: the service's local time
        by = by.replace(tzinfo=calendar.tz)

    def outstanding(held: datetime, significant: bool, recorded: datetime | None) -> bool:
        return not surely_in_time(calendar, settings, held, significant, recorded, by)

    sessions = []
    for session in facts.supervisions:
        left = tuple(d for d in session.discussions if outstanding(session.held, d.significant, d.recorded))
        if left:
            sessions.append(replace(session, discussions=left) if len(left) < len(session.discussions) else session)
    events = tuple(e for e in facts.oversight_events if outstanding(e.held, e.significant, e.recorded))
    return replace(facts, supervisions=tuple(sessions), oversight_events=events, in_time_left_out_by=by)


_STATE_FINDINGS = {"late": (Status.BREACH, LATE), "overdue": (Status.BREACH, OVERDUE), "due": (Status.DUE, DUE)}


def check(j: Judgement) -> Iterator[Finding]:
    judged = _judged(j)
    session_held, sessions, event_held, _ = _all_needed_records(j.facts)
    # The records held by the as-of moment: a prefix of the sessions' and one of the events'.
    held_sessions, held_events = bisect_right(session_held, j.as_of), bisect_right(event_held, j.as_of)
    first_event = len(sessions)
    after = bisect_right(judged.made, j.as_of)
    made_after = judged.made[after] if after < len(judged.made) else None
    candidates = judged.noted.union(judged.made_by[after:])  # see _judged
    for position in sorted(candidates):  # in the order needed_records gives them
        if not (position < held_sessions or first_event <= position < first_event + held_events):
            continue
        r, deadline = judged.records[position], judged.deadlines[position]
        # On the file as of the moment: made no later than it, that is before the first record made after it.
        known = r.recorded is not None and (made_after is None or r.recorded < made_after)
        status, text = _STATE_FINDINGS.get(_state(j, r, deadline, on_file=known), (None, ""))
        if status is not None:
            yield Finding(
                rule="REC-DEADLINE",  # REC-DEADLINE: recorded within 5 working days, or 24 hours
                status=status,
                subject=r.case,
                case=r.case,
                due=deadline,
                detail=text.format(
                    about=f"{r.what} on {_moment(j, r.held)}",
                    by=f"by {_deadline(j, deadline, r.significant)}",
                    recorded=_moment(j, r.recorded) if known else "",
                    manager=j.names(r.responsible),
                ),
            )
        written_later = r.recorded is not None and not known
        if r.recorded_by and r.recorded_by != r.responsible and not written_later:
            yield Finding(
                rule="REC-AUTHOR",  # REC-AUTHOR: the manager involved must make the recording
                status=Status.WARNING,
                subject=r.case,
                case=r.case,
                detail=f"The record of {r.what} on {_moment(j, r.held)} was written by "
                f"{j.names(r.recorded_by)}, not by {j.names(r.responsible)}, the manager who held it; "
                "they should check and own it.",
            )


def _moment(j: Judgement, moment: datetime) -> str:
    local = moment.astimezone(j.calendar.tz)
    return f"{fmt_day(local.date())} {local:%H:%M}"


def _deadline(j: Judgement, deadline: datetime, significant: bool) -> str:
    if significant:  # a clock-hours deadline: give the time
        return _moment(j, deadline)
    return f"the end of {fmt_day(j.calendar.local_date(deadline))}"
