"""Writing the line manager's cover decisions (buddy policy), for the pages and the API alike:
recording an unplanned absence and a return, confirming cover, approving a cross-grade buddy and
reallocating cases temporarily.

"should leave be longer than anticipated or in incidents of long term sick Managers will reallocate
cases on a temporary basis"; for an unplanned absence "the line manager must confirm cover"
(COV-LEAVE-SHEET); a cross-grade buddy acts "subject to management approval" (COV-GRADE).

Each function checks that the manager (`by`) is above the person concerned in the reporting line
on the day, validates, writes in one transaction and records the change in the audit trail with
what it was before and after. Errors are django.core.exceptions.ValidationError keyed by the field
to correct ("__all__" when no field is to blame); an edit of something the manager saw is refused
with store.versions.StaleEdit when someone else changed it meanwhile.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from oversight.audit import services as audit
from oversight.cover.models import Absence, BuddyNomination, CoverConfirmation, Reallocation
from oversight.cover.services import ABSENCE_PREFIX, long_day, next_ref, service_today
from oversight.people.models import Case, Service, Staff
from oversight.policy import facts as f
from oversight.policy.cover import grade_accepted
from oversight.policy.leave_planning import away_during
from oversight.store.read import service_facts
from oversight.store.versions import check_unchanged


def _facts(service: Service, today: date) -> f.ServiceFacts:
    return service_facts(service, with_casework=False).known_on(today)


def _employed(staff: Staff, first: date, last: date | None = None) -> bool:
    last = last or first
    return staff.start <= first and (staff.end is None or staff.end >= last)


def _require_above(facts: f.ServiceFacts, by: Staff, person: Staff, day: date, field: str = "__all__") -> None:
    """Refuse unless `by` is the person's line manager on `day`, or anyone above them."""
    if person.service_id != by.service_id or not facts.is_above(by.ref, person.ref, day):
        raise ValidationError({field: f"{person.name} is not in your line of management"})


def _absence_state(a: Absence) -> dict:
    return {"ref": a.ref, "staff": a.staff.ref, "kind": a.kind, "planned": a.planned, "first_day": a.first_day,
            "expected_last_day": a.expected_last_day, "actual_last_day": a.actual_last_day}


# -- absences ------------------------------------------------------------------------------------


@transaction.atomic
def absence_record_unplanned(
    *, staff: Staff | None, kind: str, first_day: date | None, expected_last_day: date | None, by: Staff,
    actor: str, on: date | None = None,
) -> Absence:
    """Record an unplanned absence (sickness, for instance) of someone in the manager's line.

    It then counts for cover from its first day until a return is recorded, and the line manager
    must confirm cover (COV-LEAVE-SHEET, unplanned absences)."""
    on = on or service_today(by.service)
    errors: dict[str, str] = {}
    if staff is None:
        errors["staff"] = "Select the person who is absent"
    if kind not in f.ABSENCE_KINDS:
        errors["kind"] = "Select the kind of absence"
    if first_day is None:
        errors["first_day"] = "Enter the first day of the absence"
    if expected_last_day is None:
        errors["expected_last_day"] = "Enter the day the absence is expected to end"
    if first_day and expected_last_day and expected_last_day < first_day:
        errors["expected_last_day"] = "The expected last day must be the same as or after the first day"
    if errors:
        raise ValidationError(errors)
    Staff.objects.select_for_update().filter(pk=staff.pk).first()  # one change to a person's absences at a time
    facts = _facts(by.service, on)
    _require_above(facts, by, staff, on, "staff")
    if not _employed(staff, first_day):
        raise ValidationError({"first_day": f"{staff.name} is not employed by the service on {long_day(first_day)}"})
    clashes = away_during(facts, staff.ref, first_day, expected_last_day)
    if clashes:
        clash = clashes[0]
        if clash.actual_last_day is None and clash.first_day <= on:
            message = (f"{staff.name} is already absent from {long_day(clash.first_day)} and no return is recorded: "
                       "record their return first")
        else:
            message = (f"{staff.name} is already absent from {long_day(clash.first_day)} to "
                       f"{long_day(clash.actual_last_day or clash.expected_last_day)}: choose days that do not overlap it")
        raise ValidationError({"first_day": message})
    try:
        with transaction.atomic():
            absence = Absence.objects.create(
                service=by.service, ref=next_ref(Absence.objects.filter(service=by.service), ABSENCE_PREFIX),
                staff=staff, kind=kind, planned=False, first_day=first_day, expected_last_day=expected_last_day,
            )
    except IntegrityError:  # someone took the same reference at the same moment
        raise ValidationError({"__all__": "The absence could not be saved just now: try again"}) from None
    audit.record(
        service=by.service, actor=actor, action="create", object_type="absence", object_ref=absence.ref,
        summary=f"{by.ref} recorded an unplanned absence ({kind.replace('_', ' ')}) of {staff.ref} from {first_day}",
        before=None, after=_absence_state(absence),
    )
    return absence


@transaction.atomic
def absence_record_return(
    *, absence: Absence, actual_last_day: date | None, seen: str, by: Staff, actor: str, on: date | None = None,
) -> Absence:
    """Record the last day of an absence that has begun: from the next day the person counts as
    present again. Refused (StaleEdit) if the absence changed since the manager opened it."""
    on = on or service_today(absence.service)
    current = check_unchanged(Absence, absence.pk, seen)
    staff = current.staff
    facts = _facts(current.service, on)
    _require_above(facts, by, staff, on)
    if current.actual_last_day is not None:
        raise ValidationError({"__all__": f"The return was already recorded: last day absent "
                                          f"{long_day(current.actual_last_day)}"})
    if current.first_day > on:
        raise ValidationError({"__all__": f"This absence begins on {long_day(current.first_day)}: "
                                          "a return can be recorded once it has begun"})
    if actual_last_day is None:
        raise ValidationError({"actual_last_day": "Enter the last day they were absent"})
    if actual_last_day < current.first_day:
        raise ValidationError({"actual_last_day": (
            f"The last day absent must be the same as or after the first day, {long_day(current.first_day)}")})
    if actual_last_day > on:
        raise ValidationError({"actual_last_day": (
            f"The last day absent must be today ({long_day(on)}) or earlier: record the return once they are back")})
    clashes = [a for a in away_during(facts, staff.ref, current.first_day, actual_last_day) if a.id != current.ref]
    if clashes:
        raise ValidationError({"actual_last_day": (
            f"{staff.name} has another absence from {long_day(clashes[0].first_day)}: the last day absent must "
            "be before it")})
    before = _absence_state(current)
    current.actual_last_day = actual_last_day
    current.save(update_fields=["actual_last_day"])
    audit.record(
        service=current.service, actor=actor, action="change", object_type="absence", object_ref=current.ref,
        summary=f"{by.ref} recorded the return of {staff.ref}: last day absent {actual_last_day}",
        before=before, after=_absence_state(current),
    )
    return current


@transaction.atomic
def cover_confirm(*, absence: Absence, by: Staff, actor: str, at: datetime | None = None) -> CoverConfirmation:
    """The line manager (or a manager above) confirms the cover of an unplanned absence: what
    COV-LEAVE-SHEET asks for by the end of the first working day after its first day."""
    at = at or timezone.now()
    current = Absence.objects.select_for_update().select_related("staff").get(pk=absence.pk)
    day = timezone.localdate(at, ZoneInfo(current.service.timezone))
    if current.planned:
        raise ValidationError({"__all__": "Planned leave is covered by the leave sheet, not by a confirmation"})
    facts = _facts(current.service, day)
    _require_above(facts, by, current.staff, day)
    earlier = (
        CoverConfirmation.objects.filter(absence=current).select_related("by").order_by("confirmed").first()
    )
    if earlier is not None:
        local = timezone.localtime(earlier.confirmed, ZoneInfo(current.service.timezone))
        raise ValidationError({"__all__": f"{earlier.by.name} already confirmed cover on {long_day(local.date())}"})
    confirmation = CoverConfirmation.objects.create(service=current.service, absence=current, confirmed=at, by=by)
    audit.record(
        service=current.service, actor=actor, action="create", object_type="cover_confirmation",
        object_ref=current.ref, summary=f"{by.ref} confirmed cover for the absence {current.ref} of {current.staff.ref}",
        before=None, after={"absence": current.ref, "confirmed": at, "by": by.ref},
    )
    return confirmation


# -- buddies -------------------------------------------------------------------------------------


def _nomination_state(n: BuddyNomination) -> dict:
    return {"staff": n.staff.ref, "buddy": n.buddy.ref, "rank": n.rank, "start": n.start, "end": n.end,
            "approved_by": n.approved_by.ref if n.approved_by_id else None}


def as_fact(n: BuddyNomination) -> f.BuddyNomination:
    return f.BuddyNomination(staff=n.staff.ref, buddy=n.buddy.ref, rank=n.rank, start=n.start, end=n.end,
                             approved_by=n.approved_by.ref if n.approved_by_id else None)


@transaction.atomic
def buddy_approve(
    *, nomination: BuddyNomination, by: Staff, seen: str, actor: str, on: date | None = None
) -> BuddyNomination:
    """Approve a cross-grade buddy (COV-GRADE: "subject to management approval"); from then on the
    buddy acts in cover. Refused (StaleEdit) if the nomination changed since the manager saw it."""
    on = on or service_today(by.service)
    current = check_unchanged(BuddyNomination, nomination.pk, seen)
    staff, buddy = current.staff, current.buddy
    facts = _facts(by.service, on)
    _require_above(facts, by, staff, on)
    if current.approved_by_id is not None:
        raise ValidationError({"__all__": f"{current.approved_by.name} already approved this pairing"})
    if current.end is not None and current.end < on:
        raise ValidationError({"__all__": f"This nomination ended on {long_day(current.end)}"})
    if grade_accepted(facts, as_fact(current)):
        raise ValidationError({"__all__": f"{staff.name} and {buddy.name} are of the same grade: "
                                          "the pairing needs no approval"})
    if buddy.role not in f.PRACTITIONER_ROLES or not _employed(buddy, max(on, current.start)):
        raise ValidationError({"__all__": f"{buddy.name} cannot act as a buddy: a buddy must be an employed youth "
                                          "justice officer, support officer or specialist"})
    before = _nomination_state(current)
    current.approved_by = by
    current.save(update_fields=["approved_by"])
    audit.record(
        service=by.service, actor=actor, action="change", object_type="buddy_nomination",
        object_ref=f"{staff.ref}:{buddy.ref}", summary=f"{by.ref} approved {buddy.ref} as a cross-grade buddy of {staff.ref}",
        before=before, after=_nomination_state(current),
    )
    return current


# -- temporary reallocation ----------------------------------------------------------------------


def _reallocation_state(r: Reallocation) -> dict:
    return {"case": r.case.ref, "staff": r.staff.ref, "start": r.start, "end": r.end,
            "by": r.by.ref if r.by_id else None}


@transaction.atomic
def reallocation_create(
    *, cases: list[Case], staff: Staff | None, start: date | None, end: date | None, by: Staff, actor: str,
    on: date | None = None,
) -> list[Reallocation]:
    """Reallocate open cases of the manager's line to `staff` from `start` to `end` (both included).

    During those days the worker is each case's named contact (cover resolution, first step), while
    present; the case manager stays the case manager."""
    on = on or service_today(by.service)
    errors: dict[str, str] = {}
    if not cases:
        errors["cases"] = "Select at least one case to reallocate"
    if staff is None:
        errors["staff"] = "Select who will hold the cases"
    if start is None:
        errors["start"] = "Enter the first day of the reallocation"
    elif start < on:
        errors["start"] = f"The first day must be today ({long_day(on)}) or later"
    if end is None:
        errors["end"] = "Enter the last day of the reallocation"
    elif start is not None and end < start:
        errors["end"] = "The last day must be the same as or after the first day"
    if errors:
        raise ValidationError(errors)
    if staff.service_id != by.service_id or not _employed(staff, start, end):
        raise ValidationError({"staff": (f"{staff.name} is not employed by the service throughout "
                                         f"{long_day(start)} to {long_day(end)}: select someone who is")})
    locked = list(Case.objects.select_for_update().filter(pk__in=[c.pk for c in cases]).order_by("ref"))
    facts = _facts(by.service, on)
    problems: list[str] = []
    for case in locked:
        fact = facts.case_by_id.get(case.ref)
        manager = facts.case_manager_on(case.ref, start) if fact else None
        if case.service_id != by.service_id or fact is None or manager is None or \
                not facts.is_above(by.ref, manager, on):
            problems.append(f"Case {case.ref} is not held by someone in your line of management")
        elif not fact.open_on(start):
            problems.append(f"Case {case.ref} is not open on {long_day(start)}")
        elif manager == staff.ref:
            problems.append(f"{staff.name} is already the case manager of case {case.ref}")
        else:
            clash = next((r for r in facts.reallocations_by_case.get(case.ref, ())
                          if f.overlaps(r.start, r.end, start, end)), None)
            if clash is not None:
                until = f" to {long_day(clash.end)}" if clash.end else ""
                problems.append(f"Case {case.ref} is already reallocated to {facts.staff_by_id[clash.staff].name} "
                                f"from {long_day(clash.start)}{until}")
    if problems:
        raise ValidationError({"cases": "; ".join(problems)})
    created = []
    for case in locked:
        reallocation = Reallocation.objects.create(
            service=by.service, case=case, staff=staff, start=start, end=end, by=by
        )
        created.append(reallocation)
        audit.record(
            service=by.service, actor=actor, action="create", object_type="reallocation",
            object_ref=f"{case.ref}:{start}", case_ref=case.ref,
            summary=f"{by.ref} reallocated case {case.ref} to {staff.ref} from {start} to {end}",
            before=None, after=_reallocation_state(reallocation),
        )
    return created
