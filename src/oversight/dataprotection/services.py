"""Retention: which children's records are past their retention period, legal holds, and anonymising.

Anonymising a record replaces the child's name and date of birth with placeholders and clears the
free text written about them (leave sheet notes, record notes and amendments, action text, message
words and addresses), in the current rows and in every earlier version kept by the history tables.
It keeps identifiers, dates, order types, risk levels, allocations, contacts and milestones, so that
figures about the service still add up. It never touches the audit trail: the audit trail holds
identifiers and no narrative, and it is append-only (docs/data-protection.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from oversight.audit import services as audit
from oversight.cover.models import LeaveSheetLine
from oversight.dataprotection.models import Anonymisation, LegalHold, RetentionRule
from oversight.messages.models import ContactPreference, Message
from oversight.people.models import Case, Service
from oversight.policy.retention import Hold, RetentionDecision, decide
from oversight.supervision.models import Action, Discussion, OversightEvent

try:
    from oversight.supervision.models import RecordAmendment
except ImportError:  # pragma: no cover - older schema
    RecordAmendment = None

NAME_PLACEHOLDER = "[anonymised]"
TEXT_PLACEHOLDER = "[removed after the retention period]"


@dataclass(frozen=True)
class Candidate:
    case: Case
    decision: RetentionDecision


def retention_overrides(service: Service) -> dict[str, int]:
    return dict(RetentionRule.objects.filter(service=service).values_list("order_type", "years"))


def retention_candidates(*, service: Service, today: date) -> list[Candidate]:
    """Closed cases past their retention period on `today` that are not yet anonymised, with or
    without a legal hold (a held case is listed, and never anonymised)."""
    overrides = retention_overrides(service)
    holds = [Hold(c, s, u) for c, s, u in LegalHold.objects.filter(service=service).values_list("case__ref", "start", "until")]
    cases = (Case.objects.filter(service=service, closed__isnull=False, anonymisation__isnull=True)
             .order_by("closed", "ref"))
    out = []
    for case in cases:
        decision = decide(case=case.ref, order_type=case.order_type, closed=case.closed, today=today,
                          overrides=overrides, holds=[h for h in holds if h.case == case.ref])
        if decision.past_retention:
            out.append(Candidate(case, decision))
    return out


def _scrub_history(model, field_values: dict, **where) -> int:
    history = getattr(model, "history", None)
    return history.model.objects.filter(**where).update(**field_values) if history is not None else 0


@transaction.atomic
def case_anonymise(*, case: Case, today: date, actor: str) -> Anonymisation:
    """Anonymise one child's record; refused (ValidationError) when it is not past retention or on hold."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if Anonymisation.objects.filter(case=case).exists():
        raise ValidationError({"case": f"Case {case.ref} is already anonymised"})
    holds = [Hold(case.ref, s, u) for s, u in LegalHold.objects.filter(case=case).values_list("start", "until")]
    decision = decide(case=case.ref, order_type=case.order_type, closed=case.closed, today=today,
                      overrides=retention_overrides(case.service), holds=holds)
    if not decision.past_retention:
        raise ValidationError({"case": f"Case {case.ref} is not past its retention period"})
    if decision.held:
        raise ValidationError({"case": f"Case {case.ref} is on legal hold"})
    cleared: dict[str, int] = {}
    cleared["case"] = Case.objects.filter(pk=case.pk).update(name=NAME_PLACEHOLDER, date_of_birth=None)
    cleared["case_versions"] = _scrub_history(Case, {"name": NAME_PLACEHOLDER, "date_of_birth": None}, id=case.pk)
    cleared["leave_sheet_notes"] = LeaveSheetLine.objects.filter(case=case).exclude(notes=None).update(notes=None)
    _scrub_history(LeaveSheetLine, {"notes": None}, case_id=case.pk)
    discussions = list(Discussion.objects.filter(case=case).values_list("pk", flat=True))
    events = list(OversightEvent.objects.filter(case=case).values_list("pk", flat=True))
    if hasattr(Discussion, "notes"):
        cleared["record_notes"] = (Discussion.objects.filter(pk__in=discussions).exclude(notes="").update(notes="")
                                   + OversightEvent.objects.filter(pk__in=events).exclude(notes="").update(notes=""))
        _scrub_history(Discussion, {"notes": ""}, case_id=case.pk)
        _scrub_history(OversightEvent, {"notes": ""}, case_id=case.pk)
    if RecordAmendment is not None:
        cleared["amendments"] = (
            RecordAmendment.objects.filter(discussion_id__in=discussions).update(text=TEXT_PLACEHOLDER, reason=TEXT_PLACEHOLDER)
            + RecordAmendment.objects.filter(oversight_event_id__in=events).update(text=TEXT_PLACEHOLDER,
                                                                                   reason=TEXT_PLACEHOLDER)
        )
    cleared["actions"] = Action.objects.filter(discussion_id__in=discussions).update(
        text=TEXT_PLACEHOLDER, reason_not_done=None
    )
    _scrub_history(Action, {"text": TEXT_PLACEHOLDER, "reason_not_done": None}, discussion_id__in=discussions)
    cleared["messages"] = Message.objects.filter(service=case.service, case_ref=case.ref).update(
        subject="", body="", recipient=""
    )
    cleared["contact_details"] = ContactPreference.objects.filter(case=case).update(address="", active=False)
    _scrub_history(ContactPreference, {"address": ""}, case_id=case.pk)
    done = Anonymisation.objects.create(service=case.service, case=case, at=timezone.now(), by=actor,
                                        years=decision.years, closed=case.closed)
    audit.record(
        service=case.service, actor=actor, action="change", object_type="case", object_ref=case.ref,
        case_ref=case.ref, basis=f"retention period ended ({decision.years} years after closure)",
        summary=f"Case {case.ref} anonymised after its retention period",
        before={"anonymised": False}, after={"anonymised": True, "cleared": cleared},
        details={"order_type": case.order_type, "closed": case.closed.isoformat(), "years": decision.years},
    )
    return done


@transaction.atomic
def legal_hold_place(*, case: Case, reason: str, start: date, until: date | None, actor: str) -> LegalHold:
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the record must be kept"})
    if until is not None and until < start:
        raise ValidationError({"until": "The last day of the hold must be on or after its first day"})
    hold = LegalHold.objects.create(service=case.service, case=case, reason=reason.strip(), by=actor, start=start,
                                    until=until)
    audit.record(service=case.service, actor=actor, action="create", object_type="legal_hold",
                 object_ref=str(hold.pk), case_ref=case.ref, summary=f"Legal hold placed on case {case.ref}",
                 after={"start": start.isoformat(), "until": until.isoformat() if until else None})
    return hold


@transaction.atomic
def legal_hold_release(*, hold: LegalHold, last_day: date, actor: str) -> LegalHold:
    """End a hold on `last_day` (kept, never deleted)."""
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if last_day < hold.start:
        raise ValidationError({"until": "The hold cannot end before it began"})
    before = {"until": hold.until.isoformat() if hold.until else None}
    hold.until = last_day
    hold.save(update_fields=["until"])
    audit.record(service=hold.service, actor=actor, action="change", object_type="legal_hold",
                 object_ref=str(hold.pk), case_ref=hold.case.ref, summary=f"Legal hold on case {hold.case.ref} ended",
                 before=before, after={"until": last_day.isoformat()})
    return hold
