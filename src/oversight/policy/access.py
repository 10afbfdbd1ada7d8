"""Who may see and act on a child's case, and on what lawful basis (the one permission policy).

Access follows role and relationship, on a given day:
- the case manager, a temporarily reallocated worker and the paired worker work on the case;
- a buddy of the case manager, or the cover named for the case on their leave sheet, works on it
  only on the days the case manager is absent (buddy policy: "only whilst their colleague is absent");
- the duty officer on the rota works on the cases that fall to duty that day;
- a line manager works on the cases of everyone below them in the reporting line;
- senior managers (operational service manager and above) read the whole service;
- the performance team and administrators never see a child's case narrative
  (`reads_case_narrative`: one answer for the pages, the exports and the API).
Closed cases are read-only, but for the records still owed on the child's file (REC-DEADLINE): those
who could act on the case while it was open may write and amend them (`writes_records`; decision 0004,
"Records owed on a closed case"). Every answer carries the basis that the audit trail records for a view
(Data Protection Act 2018 s62: consultation and disclosure are logged with their justification).

`case_audit_access` decides who reads a case's audit history (who looked at and changed it).

`case_access` decides one case; `visible_cases` answers for a whole caseload at once by another
route (set-wise). A property test proves that the two always agree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from oversight.policy.cover import Via, buddies_in_force, buddy_invalid_reason, resolve_day
from oversight.policy.facts import ServiceFacts, in_range

SENIOR_ROLES = frozenset({"operational_service_manager", "head_of_service", "assistant_director"})


@dataclass(frozen=True, slots=True)
class Viewer:
    """A signed-in person as the policy sees them: a member of staff, and any extra roles."""

    staff: str | None = None
    performance: bool = False
    administrator: bool = False


@dataclass(frozen=True, slots=True)
class CaseAccess:
    case: str
    allowed: bool
    can_act: bool = False
    basis: str = "no relationship to this case"
    # REC-DEADLINE: a discussion's record is owed on the child's file even once the case has closed,
    # so acting on the records outlives acting on the case: on an open case the two are the same.
    writes_records: bool = False

    @classmethod
    def denied(cls, case: str, reason: str = "no relationship to this case") -> CaseAccess:
        return cls(case, False, False, reason)


@dataclass(frozen=True, slots=True)
class LeaveSheetAccess:
    absence: str
    allowed: bool
    can_act: bool = False
    basis: str = "neither their absence nor someone below them in the line"

    @classmethod
    def denied(cls, absence: str, reason: str = "neither their absence nor someone below them in the line"):
        return cls(absence, False, False, reason)


def leave_sheet_access(facts: ServiceFacts, viewer: Viewer, absence_id: str, day: date) -> LeaveSheetAccess:
    """Who completes and who reads the leave sheet of an absence (COV-LEAVE-SHEET: "sent to managers").

    The absent person completes it; their line managers (anyone above them in the line that day)
    read it, and since it holds notes on their cases, that reading is audited with this basis."""
    absence = facts.absence_by_id.get(absence_id)
    me = viewer.staff
    if absence is None or me is None:
        return LeaveSheetAccess.denied(absence_id)
    if absence.staff == me:
        return LeaveSheetAccess(absence_id, True, True, "the absent person")
    if facts.is_above(me, absence.staff, day):
        return LeaveSheetAccess(absence_id, True, False, f"line manager of {absence.staff}")
    return LeaveSheetAccess.denied(absence_id)


def _last_case_manager(facts: ServiceFacts, case_id: str, day: date) -> str | None:
    current = facts.case_manager_on(case_id, day)
    if current is not None:
        return current
    past = [a for a in facts.allocations_by_case.get(case_id, ()) if a.start <= day]
    return past[-1].staff if past else None


def _covers(facts: ServiceFacts, viewer: str, manager: str, case_id: str, day: date, known_at) -> str | None:
    """The absence during which `viewer` covers the case for its absent case manager, if any."""
    absence = facts.absence_on(manager, day)
    if absence is None:
        return None
    sheet = facts.leave_sheet_by_absence.get(absence.id)
    if sheet and sheet.submitted and (known_at is None or sheet.submitted <= known_at):
        if any(line.case == case_id and line.cover == viewer for line in sheet.lines):
            return absence.id
    for nomination in buddies_in_force(facts, manager, day):
        if nomination.buddy == viewer and buddy_invalid_reason(facts, nomination, day) is None:
            return absence.id
    return None


def case_access(
    facts: ServiceFacts, viewer: Viewer, case_id: str, day: date, known_at: datetime | None = None
) -> CaseAccess:
    case = facts.case_by_id.get(case_id)
    me = viewer.staff
    person = facts.staff_by_id.get(me) if me else None
    if case is None or person is None or not person.employed_on(day):
        return CaseAccess.denied(case_id)
    is_open = case.open_on(day)
    manager = _last_case_manager(facts, case_id, day)

    def grant(basis: str, act: bool = True) -> CaseAccess:
        return CaseAccess(case_id, True, act and is_open, basis, writes_records=act)

    if manager == me and facts.case_manager_on(case_id, day) == me:
        return grant("case manager")
    if is_open:
        if any(in_range(day, r.start, r.end) and r.staff == me for r in facts.reallocations_by_case.get(case_id, ())):
            return grant("temporary reallocation")
        if case.paired_worker == me:
            return grant("paired worker")
        if manager is not None and (absence := _covers(facts, me, manager, case_id, day, known_at)):
            return grant(f"cover for {manager} during absence {absence}")
        if me in facts.duty_by_day.get(day, ()) and facts.is_present(me, day):
            answer = resolve_day(facts, day, [case_id], known_at=known_at)[0]
            if answer.via is Via.DUTY:
                return grant("duty")
    if manager is not None and facts.is_above(me, manager, day):
        return grant("line manager")
    if person.role in SENIOR_ROLES:
        return grant("senior read", act=False)
    if manager == me:
        return grant("former case manager", act=False)
    return CaseAccess.denied(case_id)


def visible_cases(
    facts: ServiceFacts, viewer: Viewer, day: date, known_at: datetime | None = None
) -> dict[str, CaseAccess]:
    """Every case the viewer may see on `day`, with its access; computed set-wise."""
    me = viewer.staff
    person = facts.staff_by_id.get(me) if me else None
    if person is None or not person.employed_on(day):
        return {}
    open_ids = {c.id for c in facts.cases_open_on(day)}
    managers = {c.id: _last_case_manager(facts, c.id, day) for c in facts.cases}
    granted: dict[str, CaseAccess] = {}

    def give(ids, basis, act=True):
        for case_id in sorted(ids):
            if case_id not in granted:
                granted[case_id] = CaseAccess(case_id, True, act and case_id in open_ids, basis, writes_records=act)

    current = {a.case for a in facts.allocations_by_staff.get(me, ()) if in_range(day, a.start, a.end)}
    give(current & set(managers), "case manager")
    give({c for c, rs in facts.reallocations_by_case.items() if any(
        r.staff == me and in_range(day, r.start, r.end) for r in rs)} & open_ids, "temporary reallocation")
    give({c.id for c in facts.cases if c.paired_worker == me} & open_ids, "paired worker")
    # Cover: colleagues absent today whose leave sheet names me, or who nominated me as a buddy.
    covered: dict[str, str] = {}
    for absence in facts.absences:
        if not absence.absent_on(day):
            continue
        sheet = facts.leave_sheet_by_absence.get(absence.id)
        known = sheet and sheet.submitted and (known_at is None or sheet.submitted <= known_at)
        named = {line.case for line in sheet.lines if line.cover == me} if known else set()
        is_buddy = any(
            n.buddy == me and buddy_invalid_reason(facts, n, day) is None
            for n in buddies_in_force(facts, absence.staff, day)
        )
        for case_id in open_ids:
            if managers[case_id] == absence.staff and (is_buddy or case_id in named):
                covered.setdefault(case_id, f"cover for {absence.staff} during absence {absence.id}")
    for case_id in sorted(covered):
        give({case_id}, covered[case_id])
    if me in facts.duty_by_day.get(day, ()) and facts.is_present(me, day):
        answers = resolve_day(facts, day, known_at=known_at)
        give({a.case for a in answers if a.via is Via.DUTY}, "duty")
    below = everyone_below(facts, me, day)
    give({c for c, m in managers.items() if m in below}, "line manager")
    if person.role in SENIOR_ROLES:
        give({c.id for c in facts.cases}, "senior read", act=False)
    give({c for c, m in managers.items() if m == me}, "former case manager", act=False)
    return granted


def may_write_records(facts: ServiceFacts, viewer: Viewer, access: CaseAccess) -> bool:
    """Whether the viewer writes records on the child's file of a case they have `access` to: managers
    ("the manager involved", REC-AUTHOR) who may act on it, or could while it was open (a closed case
    is read-only but for the records still owed on it). The record page decides the record itself."""
    person = facts.staff_by_id.get(viewer.staff) if viewer.staff else None
    return access.writes_records and person is not None and person.is_manager


def case_audit_access(facts: ServiceFacts, viewer: Viewer, case_id: str, day: date) -> CaseAccess:
    """Who may read a case's audit history: who viewed and changed it, when, on what basis.

    Access control issue: the case's line-management chain (the line manager of its case manager
    and everyone above them) and senior managers. Nobody else, also not those who work on the case
    (the case manager, cover, the paired worker, duty): the history is how managers check the use
    of a child's data, including theirs. Never an act: the audit trail is append-only.
    """
    case = facts.case_by_id.get(case_id)
    me = viewer.staff
    person = facts.staff_by_id.get(me) if me else None
    if case is None or person is None or not person.employed_on(day):
        return CaseAccess.denied(case_id)
    manager = _last_case_manager(facts, case_id, day)
    if manager == me:
        return CaseAccess.denied(case_id, "the case manager does not read the audit history of their case")
    if manager is not None and facts.is_above(me, manager, day):
        return CaseAccess(case_id, True, False, f"line manager of {manager} (audit history)")
    if person.role in SENIOR_ROLES:
        return CaseAccess(case_id, True, False, "senior manager (audit history)")
    return CaseAccess.denied(case_id)


@dataclass(frozen=True, slots=True)
class PastCover:
    """Days on which a person covered a colleague's case during an absence that has since ended."""

    case: str
    case_manager: str  # the absent colleague
    absence: str
    first: date
    last: date


def past_cover(
    facts: ServiceFacts, viewer: Viewer, today: date, *, ended_in: tuple[date, date] | None = None
) -> list[PastCover]:
    """The cover a person gave as a buddy or leave-sheet cover, for absences that ended before
    `today` (a return recorded), newest first: the read-only history the buddy policy leaves them
    once their access has ended ("only whilst their colleague is absent … and then read-only
    history of what they did"). `ended_in` (first, last day): only the absences that ended then.

    A period is the run of days on which `case_access` gave them the case as that absence's cover
    (not as its paired worker, duty or line manager), so the history shows exactly the access they
    had, and nothing of the case itself. An absence with no return recorded has not ended: its
    cover is still current ("Cases I cover")."""
    periods: list[PastCover] = []
    for absence in _ended_absences_covered(facts, viewer, today):
        last_day = absence.actual_last_day
        if ended_in is not None and not ended_in[0] <= last_day <= ended_in[1]:
            continue
        basis = f"cover for {absence.staff} during absence {absence.id}"
        cases = sorted({a.case for a in facts.allocations_by_staff.get(absence.staff, ())
                        if a.start <= last_day and (a.end is None or a.end >= absence.first_day)})
        for case_id in cases:
            run: list[date] = []
            day = absence.first_day
            while day <= last_day:
                if case_access(facts, viewer, case_id, day).basis == basis:
                    run.append(day)
                elif run:
                    periods.append(PastCover(case_id, absence.staff, absence.id, run[0], run[-1]))
                    run = []
                day += timedelta(days=1)
            if run:
                periods.append(PastCover(case_id, absence.staff, absence.id, run[0], run[-1]))
    return sorted(periods, key=lambda p: (p.last, p.case, p.first), reverse=True)


def past_cover_years(facts: ServiceFacts, viewer: Viewer, today: date) -> list[int]:
    """The years, newest first, in which absences ended that the person was buddy or leave-sheet
    cover for: where their earlier cover can be (`past_cover` with `ended_in` a year)."""
    return sorted({a.actual_last_day.year for a in _ended_absences_covered(facts, viewer, today)}, reverse=True)


def _ended_absences_covered(facts: ServiceFacts, viewer: Viewer, today: date):
    """Colleagues' absences ended before `today` for which the person was a buddy of the absent
    colleague or named on the leave sheet."""
    me = viewer.staff
    if me is None:
        return
    buddy_of = {n.staff for n in facts.buddies if n.buddy == me}
    for absence in facts.absences:
        last_day = absence.actual_last_day
        if last_day is None or last_day >= today or absence.staff == me:
            continue
        sheet = facts.leave_sheet_by_absence.get(absence.id)
        if absence.staff in buddy_of or (sheet and any(line.cover == me for line in sheet.lines)):
            yield absence


def reads_case_narrative(facts: ServiceFacts, viewer: Viewer, day: date, *, line_of: str | None = None) -> bool:
    """Whether a listing may show this person case narrative: a finding's detail sentence, a report
    line's detail. Figures and identifiers are for everyone who reaches the listing; narrative follows
    access to the cases it describes.

    Senior managers read every case of the service, so they read narrative service-wide. With
    `line_of` the listing is about one person's work and their line's (their own findings, a team's
    Stat Wednesday lines): that person and the managers above them read it, as they read those cases.
    The performance team and administrators read figures only, whatever the listing (issue "Access
    control": the API had given the performance team the detail the pages hide). A performance or
    administrator flag on an account that is also a senior manager's does not take away what the
    senior role reads (docs/interpretations.md).
    """
    return senior_or_above(facts, viewer, line_of, day)


def senior_or_above(facts: ServiceFacts, viewer: Viewer, person_of: str | None, day: date) -> bool:
    """Whether the viewer, employed on `day`, is a senior manager, or is `person_of` or one of their
    managers then (`person_of` None: senior managers only). What reads a person's own listings."""
    me = viewer.staff
    person = facts.staff_by_id.get(me) if me else None
    if person is None or not person.employed_on(day):
        return False
    if person.role in SENIOR_ROLES:
        return True
    return person_of is not None and (person_of == me or facts.is_above(me, person_of, day))


def everyone_below(facts: ServiceFacts, manager: str, day: date) -> set[str]:
    """Everyone below `manager` in the reporting lines in force on `day`, at any depth (cycles cut)."""
    reports: dict[str, set[str]] = defaultdict(set)
    for line in facts.reporting_lines:
        if in_range(day, line.start, line.end):
            reports[line.manager].add(line.staff)
    below: set[str] = set()
    frontier = [manager]
    while frontier:
        for person in reports.get(frontier.pop(), ()):
            if person not in below and person != manager:
                below.add(person)
                frontier.append(person)
    return below


_everyone_below = everyone_below  # the earlier private name
