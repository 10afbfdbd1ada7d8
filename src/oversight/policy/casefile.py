"""What the child's file and the caseload show about a case, answered from the facts.

- `cover_history`: each absence of the case's case managers while the case was theirs, who was the
  named contact day by day (cover resolution, working day by working day, in runs), and what the
  leave sheet named for the case.
- `record_findings`: the REC-DEADLINE and REC-AUTHOR findings of each discussion or decision, so
  that the file can tag a record as late, overdue or due (the rules decide; this only pairs them).
- `next_discussion_due`: by when the case must next be discussed at a formal one-to-one (SUP-CASE:
  "Every open case, without exception, must be discussed each monthly supervision").
- `last_face_to_face`: the last face-to-face contact on or before a day (what DQ-SEEN measures from).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from oversight.policy import records
from oversight.policy.calendar import WorkingCalendar
from oversight.policy.cover import Via, resolve_day
from oversight.policy.facts import Absence, LeaveSheet, OversightEvent, ServiceFacts
from oversight.policy.findings import Finding, Judgement


@dataclass(frozen=True, slots=True)
class CoverSpell:
    """Consecutive working days on which the case had the same named contact by the same step."""

    contact: str | None
    via: Via
    first: date
    last: date
    days: int


@dataclass(frozen=True, slots=True)
class CoverEpisode:
    absence: Absence
    case_manager: str
    first: date  # the first and last days of the absence while the case was theirs and open
    last: date
    sheet: LeaveSheet | None  # the leave sheet, if one was submitted by the moment judged
    sheet_cover: str | None  # the cover it named for this case
    sheet_notes: str | None
    young_person_informed: bool | None  # None: the sheet has no line for this case (a sent one is answered)
    spells: tuple[CoverSpell, ...]

    @property
    def return_recorded(self) -> bool:
        return self.absence.actual_last_day is not None


def cover_history(
    facts: ServiceFacts, case_id: str, calendar: WorkingCalendar, today: date, known_at: datetime | None = None
) -> list[CoverEpisode]:
    """Every absence of the case's case managers while it was theirs and open, newest first.

    Pass facts `known_on(today)`. An absence that has begun with no return recorded is shown up to
    today (or its expected last day, if later); leave booked ahead, up to its expected last day."""
    case = facts.case_by_id.get(case_id)
    if case is None:
        return []
    episodes = []
    for allocation in facts.allocations_by_case.get(case_id, ()):
        for absence in facts.absences_by_staff.get(allocation.staff, ()):
            end = absence.actual_last_day or max(today, absence.expected_last_day)
            first = max(absence.first_day, allocation.start, case.opened)
            last = min(d for d in (end, allocation.end, case.closed) if d is not None)
            if first > last:
                continue
            sheet = facts.leave_sheet_by_absence.get(absence.id)
            if sheet is not None and (sheet.submitted is None or (known_at is not None and sheet.submitted > known_at)):
                sheet = None
            line = next((ln for ln in sheet.lines if ln.case == case_id), None) if sheet else None
            episodes.append(
                CoverEpisode(
                    absence=absence,
                    case_manager=allocation.staff,
                    first=first,
                    last=last,
                    sheet=sheet,
                    sheet_cover=line.cover if line else None,
                    sheet_notes=line.notes if line else None,
                    young_person_informed=line.young_person_informed if line else None,
                    spells=tuple(_spells(facts, case_id, calendar, first, last, known_at)),
                )
            )
    return sorted(episodes, key=lambda e: (e.first, e.absence.id), reverse=True)


def _spells(facts, case_id, calendar, first, last, known_at) -> list[CoverSpell]:
    spells: list[CoverSpell] = []
    for day in calendar.working_days(first, last):
        answer = resolve_day(facts, day, [case_id], known_at=known_at)[0]
        previous = spells[-1] if spells else None
        if previous and (previous.contact, previous.via) == (answer.contact, answer.via):
            spells[-1] = CoverSpell(previous.contact, previous.via, previous.first, day, previous.days + 1)
        else:
            spells.append(CoverSpell(answer.contact, answer.via, day, day, 1))
    return spells


def record_findings(j: Judgement) -> dict[tuple[str, str, str], list[Finding]]:
    """REC-DEADLINE and REC-AUTHOR findings by the record they are about:
    ("supervision" or "event", the session's or event's id, the case)."""
    needed = defaultdict(list)
    for record in records.needed_records(j):
        kind = "event" if isinstance(record.source, OversightEvent) else "supervision"
        needed[record.case].append(((kind, record.source.id, record.case), record.what))
    found: dict[tuple[str, str, str], list[Finding]] = defaultdict(list)
    for finding in records.check(j):
        for key, what in needed.get(finding.case, ()):
            if f"{what} on " in finding.detail:
                found[key].append(finding)
    return dict(found)


def next_discussion_due(facts: ServiceFacts, case_id: str, calendar: WorkingCalendar, now: datetime) -> datetime:
    """SUP-CASE: the end of this month's last working day, or of next month's once the case has been
    discussed at a formal one-to-one this month (any formal session counts, as the rule says)."""
    today = calendar.local_date(now)
    this_month = (today.year, today.month)

    def in_this_month(moment: datetime) -> bool:
        held = calendar.local_date(moment)
        return (held.year, held.month) == this_month

    discussed = any(
        session.is_formal
        and session.held <= now
        and in_this_month(session.held)
        and any(d.case == case_id for d in session.discussions)
        for session in facts.supervisions
    )
    year, month = today.year, today.month
    if discussed:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return calendar.end_of(calendar.last_working_day_of_month(year, month))


def last_face_to_face(facts: ServiceFacts, case_id: str, day: date) -> date | None:
    """The last face-to-face contact on or before `day` (other kinds of contact are not "seen")."""
    for contact in reversed(facts.contacts_by_case.get(case_id, ())):
        if contact.kind == "face_to_face" and contact.day <= day:
            return contact.day
    return None
