"""The reminders and messages a day calls for (pure: no sending).

`plan_day` lists what the day's run sends (docs/operations-messages.md):
- a digest to each person of what is due, or overdue since `DIGEST_OVERDUE_DAYS`, for them to act on
  (working days; who acts is `policy.ownership`'s answer, as on the home page);
- a reminder to the manager who must record a discussion or decision whose record is due within 24 hours
  (REC-DEADLINE);
- a reminder to a case holder whose planned leave starts within `leave_sheet_notice_working_days` working
  days and who has not submitted a leave sheet (COV-LEAVE-SHEET);
- in the last week of the month, a reminder to a practitioner and their line manager when the month's
  formal one-to-one has not been held yet (SUP-MONTHLY);
- when cover starts (the first days of a case manager's absence), a message to the young person or family
  naming their contact (COV-INFORMED: "let young people know who to go to in their absence");
- on a Stat Wednesday, the data-quality report.
Every item carries a dedupe key: the same item planned twice (the run repeated, the worker restarted) is
sent once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from oversight.policy import records
from oversight.policy.calendar import month_key, month_last_day
from oversight.policy.catalogue import BY_ID
from oversight.policy.cover import Via, resolve_day
from oversight.policy.data_quality import next_stat_wednesday
from oversight.policy.engine import evaluate
from oversight.policy.findings import Finding, Judgement, Status
from oversight.policy.ownership import Ownership

DIGEST_OVERDUE_DAYS = 28  # breaches older than this are history for the compliance pages, not a to-do
DIGEST_MAX_ITEMS = 25
RECORD_REMINDER_HOURS = 24
LAST_WEEK_DAYS = 7  # "the last week of the month": its last seven days
COVER_START_LOOKBACK_DAYS = 5  # an absence recorded a few days late still gets its cover message

@dataclass(frozen=True, slots=True)
class Reminder:
    kind: str  # digest, record-due, leave-sheet-due, supervision-due, cover-start, stat-wednesday
    dedupe: str
    staff: str | None = None  # the member of staff it is for (None: a young person or family)
    case: str | None = None
    data: dict = field(default_factory=dict)  # plain values the message text is made from


def is_stat_wednesday(j: Judgement) -> bool:
    return next_stat_wednesday(j.settings.stat_wednesday_anchor, j.today) == j.today


def plan_day(
    j: Judgement, *, leave_sheet_notice_working_days: int = 3, findings: list[Finding] | None = None
) -> list[Reminder]:
    """Everything the day's run should send, in a stable order."""
    findings = evaluate(j.facts, j.as_of) if findings is None else findings
    planned: list[Reminder] = []
    if j.calendar.is_working_day(j.today):
        planned += _digests(j, findings)
    planned += _records_due(j)
    planned += _leave_sheets_due(j, leave_sheet_notice_working_days)
    planned += _supervision_due(j, findings)
    planned += _cover_start(j)
    if is_stat_wednesday(j):
        planned.append(Reminder("stat-wednesday", f"stat-wednesday:{j.today.isoformat()}",
                                data={"day": j.today.isoformat()}))
    return planned


def finding_item(j: Judgement, f: Finding) -> dict:
    """A finding as a digest line: plain values only."""
    rule = BY_ID.get(f.rule)
    return {
        "rule": f.rule, "title": rule.title if rule else f.rule, "status": str(f.status), "subject": f.subject,
        "case": f.case, "period": f.period, "detail": f.detail,
        "due": f.due.astimezone(j.calendar.tz).isoformat(timespec="minutes") if f.due else None,
    }


def _digests(j: Judgement, findings: list[Finding]) -> list[Reminder]:
    horizon = j.calendar.start_of(j.today - timedelta(days=DIGEST_OVERDUE_DAYS))
    ownership = Ownership(j)
    mine: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.status is Status.DUE or (f.status is Status.BREACH and f.due is not None and f.due >= horizon):
            for person in sorted(ownership.actors(f)):
                mine[person].append(f)
    out = []
    for person in sorted(mine):
        staff = j.facts.staff_by_id.get(person)
        if staff is None or not staff.employed_on(j.today):
            continue
        items = sorted(mine[person], key=Finding.sort_key)
        out.append(Reminder(
            "digest", f"digest:{person}:{j.today.isoformat()}", staff=person,
            data={"day": j.today.isoformat(), "total": len(items),
                  "due": sum(1 for f in items if f.status is Status.DUE),
                  "overdue": sum(1 for f in items if f.status is Status.BREACH),
                  "items": [finding_item(j, f) for f in items[:DIGEST_MAX_ITEMS]]},
        ))
    return out


def _records_due(j: Judgement) -> list[Reminder]:
    # REC-DEADLINE: a record not yet written whose deadline falls within the next 24 hours.
    soon = j.as_of + timedelta(hours=RECORD_REMINDER_HOURS)
    out = []
    for r in records.needed_records(j):
        deadline = records.record_deadline(j, r.held, r.significant)
        written = r.recorded is not None and r.recorded <= j.as_of
        if written or not (j.as_of < deadline <= soon):
            continue
        out.append(Reminder(
            "record-due", f"record-due:{r.source.id}:{r.case}", staff=r.responsible, case=r.case,
            data={"what": r.what, "deadline": deadline.isoformat(timespec="minutes"), "significant": r.significant},
        ))
    return out


def _working_days_before(j: Judgement, day: date, count: int) -> date:
    current = day
    while count > 0:
        current -= timedelta(days=1)
        if j.calendar.is_working_day(current):
            count -= 1
    return current


def _leave_sheets_due(j: Judgement, notice: int) -> list[Reminder]:
    # COV-LEAVE-SHEET: "complete a leave sheet prior to taking leave": remind from `notice` working
    # days before planned leave until it starts, once per absence.
    out = []
    for absence in sorted(j.facts.absences, key=lambda a: (a.first_day, a.id)):
        if not absence.planned or absence.first_day <= j.today:
            continue
        if _working_days_before(j, absence.first_day, max(notice, 1)) > j.today:
            continue
        cases = j.facts.open_cases_of(absence.staff, absence.first_day) or j.facts.open_cases_of(absence.staff, j.today)
        if not cases:
            continue
        sheet = j.facts.leave_sheet_by_absence.get(absence.id)
        if sheet is not None and sheet.submitted is not None and sheet.submitted <= j.as_of:
            continue
        out.append(Reminder(
            "leave-sheet-due", f"leave-sheet-due:{absence.id}", staff=absence.staff,
            data={"absence": absence.id, "first_day": absence.first_day.isoformat(),
                  "last_day": absence.expected_last_day.isoformat(), "cases": sorted(cases),
                  "manager": j.facts.line_manager_on(absence.staff, j.today)},
        ))
    return out


def _supervision_due(j: Judgement, findings: list[Finding]) -> list[Reminder]:
    # SUP-MONTHLY in the last week of the month: the formal one-to-one has not been held yet.
    last = month_last_day(j.today.year, j.today.month)
    if (last - j.today).days >= LAST_WEEK_DAYS:
        return []
    period = month_key(j.today)
    out = []
    for f in findings:
        if f.rule != "SUP-MONTHLY" or f.status is not Status.DUE or f.period != period:
            continue
        manager = j.facts.line_manager_on(f.subject, j.today)
        for person in (f.subject, manager):
            if person is None:
                continue
            out.append(Reminder(
                "supervision-due", f"supervision-due:{f.subject}:{period}:{person}", staff=person,
                data={"supervisee": f.subject, "manager": manager, "period": period,
                      "due": f.due.isoformat(timespec="minutes") if f.due else None},
            ))
    return out


def _cover_start(j: Judgement) -> list[Reminder]:
    # COV-INFORMED: when a case manager's absence begins, tell the young person who to go to.
    starting = [
        a for a in j.facts.absences
        if a.absent_on(j.today) and j.today - timedelta(days=COVER_START_LOOKBACK_DAYS) <= a.first_day <= j.today
    ]
    if not starting:
        return []
    cases = {case: a for a in sorted(starting, key=lambda a: a.id) for case in j.facts.open_cases_of(a.staff, j.today)}
    # Only cases whose case manager is away can fall to duty, so resolving these alone shares duty as
    # resolving the whole service would.
    answers = resolve_day(j.facts, j.today, sorted(cases), known_at=j.as_of)
    out = []
    for answer in answers:
        absence = cases[answer.case]
        if answer.via is Via.CASE_MANAGER:
            continue
        out.append(Reminder(
            "cover-start", f"cover-start:{absence.id}:{answer.case}", case=answer.case,
            data={"absence": absence.id, "case_manager": absence.staff, "contact": answer.contact,
                  "via": str(answer.via), "first_day": absence.first_day.isoformat(),
                  "expected_last_day": absence.expected_last_day.isoformat()},
        ))
    return out
