"""Writing buddies, absences and leave sheets (buddy policy), for the pages and the API alike.

Each function validates, writes in one transaction and records the change in the audit trail with
what it was before and after. Errors are django.core.exceptions.ValidationError keyed by the field
the person must correct. A person's own day is their service's local date (`service_today`).

Dated facts keep their history: a nomination that ends gets an end date, a change of buddy order
ends the old nominations and starts new ones from today, and nothing is deleted.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from oversight.audit import services as audit
from oversight.cover.models import Absence, BuddyNomination, LeaveSheet, LeaveSheetLine
from oversight.people.models import Case, Service, Staff
from oversight.policy.cover import CannotCover
from oversight.policy.facts import PRACTITIONER_ROLES, ServiceFacts
from oversight.policy.findings import long_day
from oversight.policy.leave_planning import leave_clashes, leave_sheet_cover_refused
from oversight.store.read import service_facts
from oversight.store.versions import StaleEdit, check_unchanged, snapshot, version_token

PLANNED_KINDS = ("annual_leave", "training", "other")
ABSENCE_PREFIX = "A"


def service_today(service: Service) -> date:
    return timezone.now().astimezone(ZoneInfo(service.timezone)).date()


def next_ref(queryset, prefix: str, width: int = 4) -> str:
    """The next free `ref` of the form PREFIX + number in a service's rows ("A0749")."""
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    numbers = [int(m.group(1)) for ref in queryset.filter(ref__startswith=prefix).values_list("ref", flat=True)
               if (m := pattern.match(ref))]
    return f"{prefix}{(max(numbers, default=0) + 1):0{width}d}"


def _facts(service: Service, today: date) -> ServiceFacts:
    return service_facts(service, with_casework=False).known_on(today)


# -- buddies -------------------------------------------------------------------------------------


def nominations_in_force(staff: Staff, on: date) -> list[BuddyNomination]:
    """The person's nominations in force on a day, in their order (rank, then start, then buddy)."""
    return sorted(
        BuddyNomination.objects.filter(staff=staff, start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .select_related("buddy", "approved_by"),
        key=lambda n: (n.rank, n.start, n.buddy.ref),
    )


def nominations_token(staff: Staff, on: date) -> str:
    """What the person saw of their buddies (for optimistic concurrency on the buddies page)."""
    seen = [
        (n.pk, n.buddy_id, n.rank, str(n.start), str(n.end), n.approved_by_id) for n in nominations_in_force(staff, on)
    ]
    return hashlib.sha256(json.dumps(seen).encode()).hexdigest()[:32]


def _check_nominations(staff: Staff, on: date, seen: str | None) -> None:
    if seen is not None and seen != nominations_token(staff, on):
        raise StaleEdit({"buddies": (None, None)})


def _nomination_state(n: BuddyNomination) -> dict:
    return {"staff": n.staff.ref, "buddy": n.buddy.ref, "rank": n.rank, "start": n.start, "end": n.end,
            "approved_by": n.approved_by.ref if n.approved_by_id else None}


@transaction.atomic
def buddy_nominate(
    *, staff: Staff, buddy: Staff | None, actor: str, on: date | None = None, seen: str | None = None
) -> BuddyNomination:
    """Nominate `buddy` as the person's next buddy (last in their order), from today.

    COV-BUDDY: a buddy must be an employed practitioner (youth justice officer, support officer or
    specialist). A cross-grade buddy is accepted; it acts once a manager approves it (COV-GRADE)."""
    on = on or service_today(staff.service)
    Staff.objects.select_for_update().filter(pk=staff.pk).first()  # one change to a person's buddies at a time
    _check_nominations(staff, on, seen)
    if buddy is None:
        raise ValidationError({"buddy": "Select the colleague you want as your buddy"})
    if buddy.service_id != staff.service_id:
        raise ValidationError({"buddy": "Select a colleague in your service"})
    if buddy.pk == staff.pk:
        raise ValidationError({"buddy": "You cannot be your own buddy: select a colleague"})
    if buddy.role not in PRACTITIONER_ROLES:
        raise ValidationError({"buddy": f"{buddy.name} is a {buddy.get_role_display().lower()}: a buddy must be "
                                        "a youth justice officer, support officer or specialist"})
    if buddy.start > on or (buddy.end is not None and buddy.end < on):
        raise ValidationError({"buddy": f"{buddy.name} is not employed by the service on {long_day(on)}"})
    current = nominations_in_force(staff, on)
    if any(n.buddy_id == buddy.pk for n in current):
        raise ValidationError({"buddy": f"{buddy.name} is already your buddy"})
    rank = max((n.rank for n in current), default=0) + 1
    # A nomination ended earlier today (it stays in force today) is taken up again, not doubled.
    nomination = BuddyNomination.objects.filter(staff=staff, buddy=buddy, start=on).first()
    before = _nomination_state(nomination) if nomination else None
    if nomination is not None:
        nomination.end, nomination.rank = None, rank
        nomination.save(update_fields=["end", "rank"])
    else:
        nomination = BuddyNomination.objects.create(
            service=staff.service, staff=staff, buddy=buddy, rank=rank, start=on
        )
    audit.record(
        service=staff.service, actor=actor, action="create" if before is None else "change",
        object_type="buddy_nomination", object_ref=f"{staff.ref}:{buddy.ref}",
        summary=f"{staff.ref} nominated {buddy.ref} as buddy {len(current) + 1}",
        before=before, after=_nomination_state(nomination),
    )
    return nomination


@transaction.atomic
def buddy_reorder(*, staff: Staff, order: list[str], actor: str, seen: str | None = None,
                  on: date | None = None) -> list[BuddyNomination]:
    """Put the person's buddies in force in a new order (buddy refs, first first), from today.

    A nomination whose place changes ends yesterday and a new one with the new place starts today
    (one that started today just changes place), so that cover on earlier days is answered as it was."""
    on = on or service_today(staff.service)
    Staff.objects.select_for_update().filter(pk=staff.pk).first()
    _check_nominations(staff, on, seen)
    current = nominations_in_force(staff, on)
    refs = [n.buddy.ref for n in current]
    if sorted(order) != sorted(refs) or len(set(order)) != len(order):
        raise ValidationError({"order": "The new order must list each of your buddies once"})
    before = [_nomination_state(n) for n in current]
    by_ref = {n.buddy.ref: n for n in current}
    result = []
    for rank, ref in enumerate(order, start=1):
        nomination = by_ref[ref]
        if nomination.rank != rank:
            if nomination.start < on:
                nomination.end = on - timedelta(days=1)
                nomination.save(update_fields=["end"])
                nomination = BuddyNomination.objects.create(
                    service=staff.service, staff=staff, buddy=nomination.buddy, rank=rank, start=on,
                    approved_by=nomination.approved_by,
                )
            else:
                nomination.rank = rank
                nomination.save(update_fields=["rank"])
        result.append(nomination)
    audit.record(
        service=staff.service, actor=actor, action="change", object_type="buddy_nomination",
        object_ref=staff.ref, summary=f"{staff.ref} changed the order of their buddies",
        before=before, after=[_nomination_state(n) for n in result],
    )
    return result


@transaction.atomic
def buddy_end(*, staff: Staff, buddy: Staff, actor: str, seen: str | None = None,
              on: date | None = None) -> BuddyNomination:
    """End the person's nomination of `buddy`: from today it no longer stands (a nomination made
    today stays in force to the end of today, its only day)."""
    on = on or service_today(staff.service)
    Staff.objects.select_for_update().filter(pk=staff.pk).first()
    _check_nominations(staff, on, seen)
    nomination = next((n for n in nominations_in_force(staff, on) if n.buddy_id == buddy.pk), None)
    if nomination is None:
        raise ValidationError({"buddy": f"{buddy.name} is not your buddy"})
    before = _nomination_state(nomination)
    nomination.end = max(on - timedelta(days=1), nomination.start)
    nomination.save(update_fields=["end"])
    audit.record(
        service=staff.service, actor=actor, action="change", object_type="buddy_nomination",
        object_ref=f"{staff.ref}:{buddy.ref}", summary=f"{staff.ref} ended the nomination of {buddy.ref} as buddy",
        before=before, after=_nomination_state(nomination),
    )
    return nomination


# -- absences ------------------------------------------------------------------------------------


def _absence_state(a: Absence) -> dict:
    return {"ref": a.ref, "staff": a.staff.ref, "kind": a.kind, "planned": a.planned, "first_day": a.first_day,
            "expected_last_day": a.expected_last_day, "actual_last_day": a.actual_last_day}


@transaction.atomic
def absence_request(
    *, staff: Staff, kind: str, first_day: date | None, last_day: date | None, actor: str, on: date | None = None
) -> Absence:
    """Book planned leave from `first_day` to `last_day` (both included)."""
    on = on or service_today(staff.service)
    errors: dict[str, str] = {}
    if kind not in PLANNED_KINDS:
        errors["kind"] = "Select the kind of leave"
    if first_day is None:
        errors["first_day"] = "Enter the first day of your leave"
    if last_day is None:
        errors["last_day"] = "Enter the last day of your leave"
    if first_day and first_day < on:
        errors["first_day"] = f"The first day of your leave must be today ({long_day(on)}) or later"
    if first_day and last_day and last_day < first_day:
        errors["last_day"] = "The last day of your leave must be the same as or after the first day"
    if errors:
        raise ValidationError(errors)
    Staff.objects.select_for_update().filter(pk=staff.pk).first()  # one booking for a person at a time
    if not (staff.start <= first_day and (staff.end is None or last_day <= staff.end)):
        raise ValidationError({"first_day": "Your leave must fall while you are employed by the service"})
    clashes = leave_clashes(_facts(staff.service, on), staff.ref, first_day, last_day)
    if clashes:
        clash = clashes[0]
        until = clash.actual_last_day or clash.expected_last_day
        raise ValidationError({"first_day": (
            f"You are already away from {long_day(clash.first_day)} to {long_day(until)}: "
            "choose days that do not overlap it"
        )})
    try:
        with transaction.atomic():
            absence = Absence.objects.create(
                service=staff.service, ref=next_ref(Absence.objects.filter(service=staff.service), ABSENCE_PREFIX),
                staff=staff, kind=kind, planned=True, first_day=first_day, expected_last_day=last_day,
            )
    except IntegrityError:  # someone took the same reference at the same moment
        raise ValidationError({"first_day": "Your leave could not be saved just now: try again"}) from None
    audit.record(
        service=staff.service, actor=actor, action="create", object_type="absence", object_ref=absence.ref,
        summary=f"{staff.ref} booked {kind.replace('_', ' ')} {first_day} to {last_day}",
        before=None, after=_absence_state(absence),
    )
    return absence


# -- leave sheets --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineEntry:
    """One case on a leave sheet as the person filled it in (young_person_informed None: not answered)."""

    case: str
    cover: str | None
    young_person_informed: bool | None
    notes: str = ""


LINE_FIELDS = ("case_id", "cover_id", "young_person_informed", "notes")
SHEET_FIELDS = ("submitted", "submitted_to_id")


def leave_sheet_snapshot(absence: Absence) -> str:
    """What the person saw of the leave sheet: the sheet and each of its lines (empty: no sheet yet)."""
    sheet = LeaveSheet.objects.filter(absence=absence).first()
    if sheet is None:
        return json.dumps({"sheet": None})
    lines = {line.case.ref: version_token(line, LINE_FIELDS) for line in sheet.lines.select_related("case")}
    return json.dumps({"sheet": snapshot(sheet, SHEET_FIELDS), "lines": lines})


def _check_sheet_unchanged(absence: Absence, seen: str) -> LeaveSheet | None:
    """Lock the sheet and return it if it is as the person saw it; else StaleEdit naming what changed."""
    try:
        saw = json.loads(seen)
    except (TypeError, ValueError):
        raise StaleEdit({}) from None
    sheet = LeaveSheet.objects.select_for_update().filter(absence=absence).first()
    if sheet is None:
        if saw.get("sheet") is not None:
            raise StaleEdit({"the leave sheet": ("saved", None)})
        return None
    if saw.get("sheet") is None:
        raise StaleEdit({"the leave sheet": (None, "saved")})
    check_unchanged(LeaveSheet, sheet.pk, saw["sheet"], SHEET_FIELDS)
    now = {line.case.ref: version_token(line, LINE_FIELDS) for line in sheet.lines.select_related("case")}
    seen_lines = saw.get("lines") or {}
    changed = sorted(ref for ref in set(now) | set(seen_lines) if now.get(ref) != seen_lines.get(ref))
    if changed:
        raise StaleEdit({f"case {ref}": (None, None) for ref in changed})
    return sheet


def _sheet_state(sheet: LeaveSheet | None) -> dict | None:
    if sheet is None:
        return None
    return {
        "submitted": sheet.submitted, "submitted_to": sheet.submitted_to.ref if sheet.submitted_to_id else None,
        # Identifiers and answers only: notes are case narrative and stay out of the audit trail.
        "lines": [
            {"case": ln.case.ref, "cover": ln.cover.ref if ln.cover_id else None,
             "young_person_informed": ln.young_person_informed, "notes": bool(ln.notes)}
            for ln in sheet.lines.select_related("case", "cover").order_by("case__ref")
        ],
    }


def leave_sheet_cases(absence: Absence, facts: ServiceFacts | None = None) -> list[str]:
    """The cases a leave sheet must list: every case open on the first day and the person's that day."""
    facts = facts or _facts(absence.service, service_today(absence.service))
    return sorted(facts.open_cases_of(absence.staff.ref, absence.first_day))


def _editable(absence: Absence, sheet: LeaveSheet | None) -> None:
    if not absence.planned:
        raise ValidationError({"__all__": "An unplanned absence has no leave sheet: the line manager confirms cover"})
    if sheet is not None and sheet.submitted is not None:
        sent = timezone.localdate(sheet.submitted, ZoneInfo(absence.service.timezone))
        raise ValidationError({"__all__": (
            f"This leave sheet was sent to your line manager on {long_day(sent)} "
            "and can no longer be changed: ask your line manager to change the cover"
        )})


def _cover_refused_message(why: CannotCover, cover: Staff | None, case: str) -> str:
    if why is CannotCover.ONESELF:
        return f"Select a colleague to cover case {case}: you will be away"
    if why is CannotCover.NOT_EMPLOYED:
        return (f"{cover.name} is not employed on the first day of your leave: "
                f"select someone else for case {case}")
    if why is CannotCover.NOT_PRACTITIONER:
        return (f"{cover.name} cannot cover case {case}: cover is given by a youth justice officer, "
                "support officer or specialist")
    return f"Select a colleague to cover case {case}"


@transaction.atomic
def leave_sheet_save(*, absence: Absence, lines: list[LineEntry], seen: str, actor: str) -> LeaveSheet:
    """Save the leave sheet as a draft: the cover, notes and answer for each case given.

    Every case must be one the sheet lists; cover must be someone who can cover on the leave's first
    day (`leave_planning.leave_sheet_cover_refused`: a practitioner employed then, not the absent
    person). Refused (StaleEdit) if the sheet changed since the person opened it."""
    service = absence.service
    sheet = _check_sheet_unchanged(absence, seen)
    _editable(absence, sheet)
    facts = _facts(service, service_today(service))
    listed = set(leave_sheet_cases(absence, facts)) | (
        {ln.case.ref for ln in sheet.lines.select_related("case")} if sheet else set()
    )
    cases = {c.ref: c for c in Case.objects.filter(service=service, ref__in=[e.case for e in lines])}
    covers = {s.ref: s for s in Staff.objects.filter(service=service, ref__in=[e.cover for e in lines if e.cover])}
    fact = facts.absence_by_id[absence.ref]
    errors: dict[str, str] = {}
    for entry in lines:
        if entry.case not in listed or entry.case not in cases:
            errors[f"lines.{entry.case}.case"] = f"Case {entry.case} is not one of the cases on this leave sheet"
            continue
        cover = covers.get(entry.cover) if entry.cover else None
        refused = leave_sheet_cover_refused(facts, fact, cover.ref) if cover else None
        if entry.cover and cover is None:
            refused = CannotCover.UNKNOWN
        if refused is not None:
            errors[f"lines.{entry.case}.cover"] = _cover_refused_message(refused, cover, entry.case)
    if errors:
        raise ValidationError(errors)
    before = _sheet_state(sheet)
    if sheet is None:
        try:
            with transaction.atomic():
                sheet = LeaveSheet.objects.create(service=service, absence=absence)
        except IntegrityError:  # someone else saved the first version of this sheet at the same moment
            raise StaleEdit({"the leave sheet": (None, "saved")}) from None
    existing = {ln.case_id: ln for ln in sheet.lines.all()}
    for entry in lines:
        case = cases[entry.case]
        values = {
            "cover": covers.get(entry.cover) if entry.cover else None,
            # Kept as given: None stays "not answered yet", so that the sheet cannot be sent until
            # the person answers it (COV-INFORMED), rather than reading as a "No" they never gave.
            "young_person_informed": entry.young_person_informed,
            "notes": entry.notes.strip() or None,
        }
        line = existing.get(case.pk)
        if line is None:
            LeaveSheetLine.objects.create(service=service, leave_sheet=sheet, case=case, **values)
        elif any(getattr(line, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(line, k, v)
            line.save()
    audit.record(
        service=service, actor=actor, action="create" if before is None else "change", object_type="leave_sheet",
        object_ref=absence.ref, summary=f"{absence.staff.ref} saved the leave sheet for {absence.ref}",
        before=before, after=_sheet_state(sheet),
    )
    return sheet


@transaction.atomic
def leave_sheet_submit(
    *, absence: Absence, lines: list[LineEntry], seen: str, actor: str, at: datetime | None = None
) -> LeaveSheet:
    """Save the leave sheet and send it to the person's line manager on the day.

    It must name cover for every case it lists and say, for each, whether the young person was told
    who to contact; then it is submitted to the line manager in force that day (COV-LEAVE-SHEET)."""
    at = at or timezone.now()
    service = absence.service
    answered = {e.case: e for e in lines}
    missing: dict[str, str] = {}
    for ref in leave_sheet_cases(absence):
        entry = answered.get(ref)
        if entry is None or not entry.cover:
            missing[f"lines.{ref}.cover"] = f"Select who will cover case {ref}"
        if entry is None or entry.young_person_informed is None:
            missing[f"lines.{ref}.young_person_informed"] = (
                f"Select yes if the young person on case {ref} has been told who to contact"
            )
    try:
        sheet = leave_sheet_save(absence=absence, lines=lines, seen=seen, actor=actor)
    except ValidationError as invalid:
        if missing and hasattr(invalid, "error_dict"):  # every problem at once
            raise ValidationError({**{k: [v] for k, v in missing.items()}, **invalid.message_dict}) from None
        raise
    if missing:
        raise ValidationError(missing)  # nothing is kept: the whole submission is undone
    day = timezone.localdate(at, ZoneInfo(service.timezone))
    facts = _facts(service, day)
    manager_ref = facts.line_manager_on(absence.staff.ref, day)
    if manager_ref is None:
        raise ValidationError({"__all__": "You have no line manager recorded for today: ask an administrator to "
                                          "record your line manager, then send the leave sheet"})
    before = _sheet_state(sheet)
    sheet.submitted = at
    sheet.submitted_to = Staff.objects.get(service=service, ref=manager_ref)
    sheet.save(update_fields=["submitted", "submitted_to"])
    audit.record(
        service=service, actor=actor, action="change", object_type="leave_sheet", object_ref=absence.ref,
        summary=f"{absence.staff.ref} sent the leave sheet for {absence.ref} to {manager_ref}",
        before=before, after=_sheet_state(sheet),
    )
    return sheet
