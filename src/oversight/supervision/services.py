"""Writing supervision and the records on the child's file, for the pages and the API alike.

- `session_record`: a formal one-to-one for a whole caseload, with a discussion (and its record)
  per case, the actions agreed, and the previous actions marked done or given a reason.
- `oversight_event_record`: a management decision, MARP discussion or case audit outcome.
- `record_write`: the record of a discussion or decision that has none yet.
- `record_amend`: a correction of a record that is on the file. Records are never edited in place:
  the original stays, and the amendment states what it now says and why.
- `gap_record_create`: a gap in supervision through leave, recorded (SUP-GAP).

Each function validates, writes in one transaction and records the change in the audit trail.
Errors are django.core.exceptions.ValidationError keyed by the field the person must correct. The
audit trail names records by their identifiers only: no case narrative (notes, action texts,
reasons) goes into it.

The REC-DEADLINE clock runs from the moment the discussion or decision was held; a record written
with it is on the file from the moment it is saved (`recorded`), by the person saving it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from oversight.audit import services as audit
from oversight.people.models import Case, Service, Staff
from oversight.policy.calendar import month_first_day, parse_month
from oversight.policy.facts import DEPTHS, MANAGER_ROLES, OVERSIGHT_EVENT_KINDS
from oversight.policy.findings import long_day
from oversight.policy.preparation import cases_to_discuss, reallocated_to
from oversight.store.read import service_facts
from oversight.store.versions import StaleEdit, check_unchanged, snapshot
from oversight.supervision.models import (
    Action,
    Discussion,
    GapRecord,
    OversightEvent,
    RecordAmendment,
    Supervision,
)
from oversight.supervision.selectors import anonymisation_of

SESSION_PREFIX = "SV"
ACTION_PREFIX = "AC"
EVENT_PREFIX = "M"
EVENT_NAMES = {"management_decision": "management decision", "marp": "MARP outcome", "audit": "case audit"}
# A session or decision "held" a little in the future (a clock a few minutes fast) is still accepted.
CLOCK_TOLERANCE = timedelta(minutes=5)
MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
OUTCOMES = ("done", "not_done", "open")
ACTION_FIELDS = ("done", "reason_not_done", "due", "text")  # what an action's snapshot covers


@dataclass(frozen=True)
class NewAction:
    text: str
    owner: Staff | None = None
    due: date | None = None


@dataclass(frozen=True)
class CaseDiscussion:
    case: Case
    depth: str
    notes: str = ""  # the record on the child's file; blank: to be written later (record_write)
    significant: bool = False
    actions: Sequence[NewAction] = field(default_factory=tuple)


@dataclass(frozen=True)
class ActionUpdate:
    action: Action
    outcome: str  # "done" (at the session), "not_done" (with the reason), "open" (carried forward)
    reason: str = ""
    seen: str | None = None  # store.versions.snapshot of the action when the form was shown


def local_day(service: Service, moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(service.timezone)).date()


def next_ref(model, service: Service, prefix: str, width: int) -> str:
    """The next free `ref` PREFIX + number among the service's rows of `model` ("SV01299")."""
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    refs = model.objects.filter(service=service, ref__startswith=prefix).values_list("ref", flat=True)
    numbers = [int(m.group(1)) for ref in refs if (m := pattern.match(ref))]
    return f"{prefix}{max(numbers, default=0) + 1:0{width}d}"


def _lock(service: Service) -> None:
    # One writer of a service's supervision at a time, so that two saves never take the same ref,
    # and no record is written while a load checks that it leaves the records written here alone.
    Service.objects.select_for_update().filter(pk=service.pk).first()


def _is_manager(person: Staff) -> bool:
    return person.role in MANAGER_ROLES


def _same_service(service: Service, *objects) -> None:
    for obj in objects:
        if obj is not None and obj.service_id != service.pk:
            raise ValidationError("That record belongs to another service.")


def _held_check(held: datetime | None, now: datetime, what: str) -> None:
    if held is None:
        raise ValidationError({"held": f"Enter when the {what} took place"})
    if held > now + CLOCK_TOLERANCE:
        raise ValidationError({"held": f"The {what} must have taken place already: enter a date and time that has passed"})


# -- a formal session for a whole caseload --------------------------------------------------------
@transaction.atomic
def session_record(
    *,
    service: Service,
    supervisor: Staff,
    supervisee: Staff,
    held: datetime,
    minutes: int | None,
    discussions: Sequence[CaseDiscussion],
    action_updates: Sequence[ActionUpdate] = (),
    actor: str,
    now: datetime | None = None,
) -> Supervision:
    """Record a formal one-to-one: one discussion per case (every open case of the supervisee on the
    day it was held must be there: SUP-CASE), the record of each discussion whose notes are given
    (recorded now, by the supervisor), new actions, and the previous actions' outcomes."""
    now = now or timezone.now()
    _lock(service)
    _same_service(service, supervisor, supervisee, *(d.case for d in discussions), *(u.action for u in action_updates))
    if supervisor.pk == supervisee.pk:
        raise ValidationError("A formal one-to-one needs a supervisor and a different supervisee.")
    if not _is_manager(supervisor):
        raise ValidationError(f"{supervisor.name} is not a manager: formal supervision is given by a line manager.")
    _held_check(held, now, "session")
    day = local_day(service, held)
    if not (supervisee.start <= day and (supervisee.end is None or day <= supervisee.end)):
        raise ValidationError({"held": f"{supervisee.name} was not employed by the service on {long_day(day)}"})
    if minutes is not None and not (1 <= minutes <= 600):
        raise ValidationError({"minutes": "Enter how long the session took in minutes, from 1 to 600"})
    duplicate = Supervision.objects.filter(service=service, kind="formal", supervisee=supervisee, held=held).first()
    if duplicate is not None:
        raise ValidationError(
            f"A formal one-to-one with {supervisee.name} at that time is already recorded ({duplicate.ref})."
        )

    facts = service_facts(service, with_casework=False)
    required = cases_to_discuss(facts, supervisee.ref, day)
    allowed = set(required) | set(reallocated_to(facts, supervisee.ref, day))
    given = [d.case.ref for d in discussions]
    if len(set(given)) != len(given):
        raise ValidationError({"cases": "Each case can be discussed only once in a session"})
    missing = [ref for ref in required if ref not in given]
    if missing:
        names = {c.ref: c.name for c in Case.objects.filter(service=service, ref__in=missing)}
        listed = ", ".join(f"{ref} ({names.get(ref, ref)})" for ref in missing)
        raise ValidationError({"cases": (
            f"Every open case must be discussed at each monthly supervision. Not included: {listed}, "
            f"open and allocated to {supervisee.name} on {long_day(day)}."
        )})
    for d in discussions:
        if d.case.ref not in allowed:
            raise ValidationError({"cases": (
                f"Case {d.case.ref} was not open and held by {supervisee.name} on {long_day(day)}: "
                "discuss it at the supervision of the person who held it."
            )})
        if d.depth not in DEPTHS:
            raise ValidationError({"depth": f"Choose check-in or in depth for case {d.case.ref}"})
        for a in d.actions:
            if not a.text.strip():
                raise ValidationError({"actions": f"Enter what is to be done for the action on case {d.case.ref}"})
            _same_service(service, a.owner)
            if a.due is not None and a.due < day:
                raise ValidationError({"actions": (
                    f"The action on case {d.case.ref} cannot be due before the session ({long_day(day)})"
                )})
    for u in action_updates:
        if u.outcome not in OUTCOMES:
            raise ValidationError({"previous": f"Say whether action {u.action.ref} was done"})
        if u.outcome == "not_done" and not u.reason.strip():
            raise ValidationError({"previous": f"Give the reason action {u.action.ref} was not done"})

    session = Supervision.objects.create(
        service=service, ref=next_ref(Supervision, service, SESSION_PREFIX, 5), kind="formal",
        supervisor=supervisor, supervisee=supervisee, held=held, minutes=minutes,
    )
    audit.record(
        service=service, actor=actor, action="create", object_type="supervision", object_ref=session.ref,
        summary=f"Formal supervision {session.ref} of {supervisee.ref} by {supervisor.ref} recorded",
        after={"supervisee": supervisee.ref, "supervisor": supervisor.ref, "held": held, "minutes": minutes,
               "cases": sorted(given)},
    )
    action_number = None
    for d in discussions:
        notes = d.notes.strip()
        discussion = Discussion.objects.create(
            service=service, supervision=session, case=d.case, depth=d.depth, significant=d.significant,
            notes=notes, recorded=now if notes else None, recorded_by=supervisor if notes else None,
        )
        audit.record(
            service=service, actor=actor, action="create", object_type="discussion",
            object_ref=f"{session.ref}/{d.case.ref}", case_ref=d.case.ref,
            summary=f"Case {d.case.ref} discussed at formal supervision {session.ref}"
            + (" and recorded on the child's file" if notes else "; record to be written"),
            after=_discussion_state(discussion),
        )
        for a in d.actions:
            if action_number is None:
                action_number = int(next_ref(Action, service, ACTION_PREFIX, 6)[len(ACTION_PREFIX):])
            else:
                action_number += 1
            created = Action.objects.create(
                service=service, ref=f"{ACTION_PREFIX}{action_number:06d}", discussion=discussion,
                text=a.text.strip(), owner=a.owner, due=a.due,
            )
            audit.record(
                service=service, actor=actor, action="create", object_type="action", object_ref=created.ref,
                case_ref=d.case.ref, summary=f"Action {created.ref} agreed on case {d.case.ref} at {session.ref}",
                after=_action_state(created),
            )
    for u in action_updates:
        if u.outcome == "open":
            continue
        action = _locked_action(u)
        before = _action_state(action)
        if u.outcome == "done":
            action.done, action.reason_not_done = day, None
        else:
            action.reason_not_done = u.reason.strip()
        action.save(update_fields=["done", "reason_not_done"])
        audit.record(
            service=service, actor=actor, action="change", object_type="action", object_ref=action.ref,
            case_ref=action.discussion.case.ref,
            summary=f"Action {action.ref} marked {'done' if u.outcome == 'done' else 'not done, with the reason'} "
            f"at {session.ref}",
            before=before, after=_action_state(action),
        )
    return session


def _locked_action(update: ActionUpdate) -> Action:
    if update.seen is None:
        update = ActionUpdate(update.action, update.outcome, update.reason, seen=_unchecked(update.action))
    try:
        action = check_unchanged(Action, update.action.pk, update.seen, fields=ACTION_FIELDS)
    except StaleEdit as stale:
        changed = f" ({', '.join(sorted(stale.changed))})" if stale.changed else ""
        raise ValidationError({"previous": (
            f"Someone else changed action {update.action.ref}{changed} while you were recording this session. "
            "Check it below and save again."
        )}) from None
    action = Action.objects.select_related("discussion__case").get(pk=action.pk)
    if action.done is not None or (action.reason_not_done or "").strip():
        raise ValidationError({"previous": f"Action {action.ref} is already marked done or has a reason noted"})
    return action


def _unchecked(action: Action) -> str:
    return snapshot(Action.objects.get(pk=action.pk), fields=ACTION_FIELDS)


def _discussion_state(d: Discussion) -> dict:
    return {"session": d.supervision.ref, "case": d.case.ref, "depth": d.depth, "significant": d.significant,
            "recorded": d.recorded, "recorded_by": d.recorded_by.ref if d.recorded_by_id else None}


def _action_state(a: Action) -> dict:
    return {"ref": a.ref, "owner": a.owner.ref if a.owner_id else None, "due": a.due, "done": a.done,
            "reason_noted": bool(a.reason_not_done and a.reason_not_done.strip())}


# -- management decisions, MARP outcomes and case audits ------------------------------------------
@transaction.atomic
def oversight_event_record(
    *,
    service: Service,
    case: Case,
    kind: str,
    held: datetime,
    significant: bool,
    notes: str,
    by: Staff,
    actor: str,
    now: datetime | None = None,
) -> OversightEvent:
    """A management decision outside supervision ("Management Supervision of Case"), a MARP
    discussion or a case audit outcome, made by `by`. With notes, its record is on the file now;
    without, it is to be written (REC-DEADLINE runs from `held`)."""
    now = now or timezone.now()
    _lock(service)
    _same_service(service, case, by)
    if kind not in OVERSIGHT_EVENT_KINDS:
        raise ValidationError({"kind": "Choose a management decision, a MARP outcome or a case audit"})
    if not _is_manager(by):
        raise ValidationError(f"{by.name} is not a manager: management oversight is recorded by a manager.")
    _held_check(held, now, EVENT_NAMES[kind])
    notes = notes.strip()
    event = OversightEvent.objects.create(
        service=service, ref=next_ref(OversightEvent, service, EVENT_PREFIX, 4), case=case, kind=kind, held=held,
        by=by, significant=significant, notes=notes, recorded=now if notes else None,
        recorded_by=by if notes else None,
    )
    audit.record(
        service=service, actor=actor, action="create", object_type="oversight_event", object_ref=event.ref,
        case_ref=case.ref, summary=f"{EVENT_NAMES[kind].capitalize()} {event.ref} on case {case.ref} recorded",
        after=_event_state(event),
    )
    return event


def _event_state(e: OversightEvent) -> dict:
    return {"ref": e.ref, "case": e.case.ref, "kind": e.kind, "held": e.held, "by": e.by.ref,
            "significant": e.significant, "recorded": e.recorded,
            "recorded_by": e.recorded_by.ref if e.recorded_by_id else None}


# -- the record on the child's file ---------------------------------------------------------------
def _the_record(service: Service, discussion: Discussion | None, oversight_event: OversightEvent | None):
    if (discussion is None) == (oversight_event is None):
        raise ValueError("give exactly one of discussion and oversight_event")
    record = discussion or oversight_event
    _same_service(service, record)
    _not_anonymised(record)
    return record


def _not_anonymised(record) -> None:
    refusal = why_no_more_records(record.service, record.case.ref)
    if refusal is not None:
        raise ValidationError(refusal)


def why_no_more_records(service: Service, case_ref: str) -> str | None:
    """Why no record is written or amended on the case's file any more (None: they may be): retention
    has anonymised it, and what it said was disposed of."""
    anonymised = anonymisation_of(service, case_ref)
    if anonymised is None:
        return None
    return (f"The file of case {case_ref} was anonymised on {long_day(local_day(service, anonymised.at))} "
            "at the end of its retention period: nothing more is written on it.")


@transaction.atomic
def record_write(
    *,
    service: Service,
    text: str,
    by: Staff,
    actor: str,
    discussion: Discussion | None = None,
    oversight_event: OversightEvent | None = None,
    seen: str | None = None,
    now: datetime | None = None,
):
    """Write the record of a discussion or decision that has none on the file yet."""
    now = now or timezone.now()
    record = _the_record(service, discussion, oversight_event)
    _same_service(service, by)
    if not _is_manager(by):
        raise ValidationError(f"{by.name} is not a manager: the manager involved writes the record.")
    _lock(service)
    model = type(record)
    fields = ("notes", "recorded", "recorded_by_id")
    try:
        current = (
            check_unchanged(model, record.pk, seen, fields=fields) if seen is not None
            else model.objects.select_for_update().get(pk=record.pk)
        )
    except StaleEdit:
        raise ValidationError("Someone else wrote this record while you were writing it. Read theirs below; "
                              "to correct it, amend it.") from None
    if current.recorded is not None:
        raise ValidationError("This record is already on the child's file: to correct it, amend it.")
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Enter the record"})
    before = _record_state(current)
    current.notes, current.recorded, current.recorded_by = text, now, by
    current.save(update_fields=["notes", "recorded", "recorded_by"])
    case_ref = current.case.ref
    audit.record(
        service=service, actor=actor, action="change", object_type=_record_type(current),
        object_ref=_record_ref(current), case_ref=case_ref,
        summary=f"Record of {_record_ref(current)} written on the file of case {case_ref}",
        before=before, after=_record_state(current),
    )
    return current


@transaction.atomic
def record_amend(
    *,
    service: Service,
    text: str,
    reason: str,
    by: Staff,
    actor: str,
    discussion: Discussion | None = None,
    oversight_event: OversightEvent | None = None,
    now: datetime | None = None,
) -> RecordAmendment:
    """Amend a record on the file: the original stays as written; the amendment says what the record
    now says and why."""
    now = now or timezone.now()
    record = _the_record(service, discussion, oversight_event)
    _same_service(service, by)
    if not _is_manager(by):
        raise ValidationError(f"{by.name} is not a manager: records on the child's file are amended by a manager.")
    _lock(service)
    record = type(record).objects.select_for_update().get(pk=record.pk)
    if record.recorded is None:
        raise ValidationError("There is no record on the file to amend yet: write it first.")
    errors = {}
    if not text.strip():
        errors["text"] = "Enter what the record should now say"
    if not reason.strip():
        errors["reason"] = "Enter why the record is amended"
    if errors:
        raise ValidationError(errors)
    of_discussion = isinstance(record, Discussion)
    amendment = RecordAmendment.objects.create(
        service=service, discussion=record if of_discussion else None,
        oversight_event=None if of_discussion else record, text=text.strip(), reason=reason.strip(), by=by, at=now,
    )
    audit.record(
        service=service, actor=actor, action="amend", object_type=_record_type(record),
        object_ref=_record_ref(record), case_ref=record.case.ref,
        summary=f"Record of {_record_ref(record)} amended on the file of case {record.case.ref}; the original is kept",
        after={"amendment": amendment.pk, "by": by.ref, "at": now, "reason_given": True},
    )
    return amendment


def _record_type(record) -> str:
    return "discussion" if isinstance(record, Discussion) else "oversight_event"


def _record_ref(record) -> str:
    return f"{record.supervision.ref}/{record.case.ref}" if isinstance(record, Discussion) else record.ref


def _record_state(record) -> dict:
    return {"recorded": record.recorded, "recorded_by": record.recorded_by.ref if record.recorded_by_id else None,
            "has_text": bool(record.notes)}


# -- a gap in supervision through leave -----------------------------------------------------------
@transaction.atomic
def gap_record_create(
    *, service: Service, staff: Staff, month: str, by: Staff, actor: str, now: datetime | None = None
) -> GapRecord:
    """Record that the person had no formal supervision in `month` (YYYY-MM) because of leave (SUP-GAP)."""
    now = now or timezone.now()
    _lock(service)
    _same_service(service, staff, by)
    if not _is_manager(by):
        raise ValidationError(f"{by.name} is not a manager: a gap in supervision is recorded by a line manager.")
    if not MONTH.match(month or ""):
        raise ValidationError({"month": "Enter the month as a year and month, for example 2026-02"})
    today = local_day(service, now)
    first = month_first_day(*parse_month(month))
    if first > today:
        raise ValidationError({"month": "A gap can be recorded only for this month or a month that has passed"})
    existing = GapRecord.objects.filter(service=service, staff=staff, month=month).select_related("by").first()
    if existing is not None:
        raise ValidationError({"month": (
            f"The gap for {staff.name} in {first:%B %Y} was already recorded on "
            f"{long_day(local_day(service, existing.recorded))} by {existing.by.name}"
        )})
    record = GapRecord.objects.create(service=service, staff=staff, month=month, recorded=now, by=by)
    audit.record(
        service=service, actor=actor, action="create", object_type="gap_record", object_ref=f"{staff.ref}/{month}",
        summary=f"Gap in supervision of {staff.ref} in {month} recorded",
        after={"staff": staff.ref, "month": month, "recorded": now, "by": by.ref},
    )
    return record
