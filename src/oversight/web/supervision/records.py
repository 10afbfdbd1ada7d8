"""Records on the child's file outside a supervision session: a management decision, a MARP outcome
or a case audit in a few fields, and writing or amending the record of a discussion or decision.

Both pages are about one child's case: `case_for` decides access with the one access policy (and
audits it), and only managers write these records ("It is the responsibility of the manager
involved to make this recording"). A record on the file is never edited: an amendment keeps the
original and states the reason.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from oversight.accounts.permissions import case_for, page_policy
from oversight.audit import services as audit
from oversight.policy.facts import Supervision as SessionFact
from oversight.policy.records import needed_records
from oversight.store.versions import snapshot
from oversight.supervision import services
from oversight.supervision.models import Discussion
from oversight.supervision.selectors import RECORD_KINDS, record_for, view_of
from oversight.web.supervision.common import Page, page_for
from oversight.web.supervision.display import DEPTHS, EVENT_KINDS, deadline_text, moment_text
from oversight.web.supervision.forms import (
    OversightEventForm,
    RecordAmendForm,
    RecordWriteForm,
    show_service_errors,
)

RECORD_FIELDS = ("notes", "recorded", "recorded_by_id")
TITLES = {
    "management_decision": "Record a management decision",
    "marp": "Record a MARP outcome",
    "audit": "Record a case audit",
}


def _manager_or_404(page: Page, case_ref: str, purpose: str) -> None:
    if not page.is_manager():
        audit.record(
            service=page.service, actor=page.identity.label, action="denied", object_type="case",
            object_ref=case_ref[:200], case_ref=case_ref[:64], summary=f"Refused: {purpose} (not a manager)",
        )
        raise Http404("No case found")


def case_file_url(case_ref: str) -> str:
    """The child's file (another area's page); the supervision page until it exists."""
    try:
        return reverse("web:case", args=[case_ref])
    except NoReverseMatch:
        return reverse("web:supervision")


# -- a management decision, MARP outcome or case audit --------------------------------------------
@page_policy("case")
def oversight_new(request, case_ref: str):
    page = page_for(request)
    kind = request.GET.get("kind") or request.POST.get("kind") or ""
    if request.method == "POST":
        case, access = case_for(request, case_ref, act=True, purpose="recorded management oversight")
    else:
        case, access = case_for(request, case_ref, purpose="opened the management oversight form")
        if not access.can_act:
            raise Http404("No case found")
    _manager_or_404(page, case_ref, "recording management oversight")
    form = OversightEventForm(
        request.POST if request.method == "POST" else None,
        initial={"kind": kind if kind in TITLES else None, "held_date": page.today},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        held = datetime.combine(data["held_date"], data["held_time"], tzinfo=page.tz)
        try:
            event = services.oversight_event_record(
                service=page.service, case=case, kind=data["kind"], held=held, significant=data["significant"],
                notes=data["notes"], by=page.my_staff, actor=page.identity.label,
            )
        except ValidationError as invalid:
            show_service_errors(form, invalid, {"held": "held_date"})
        else:
            name = EVENT_KINDS[event.kind]
            if event.recorded:
                messages.success(request, f"{name} {event.ref} is recorded on the file of case {case.ref}.")
            else:
                messages.success(
                    request, f"{name} {event.ref} on case {case.ref} is saved; its record on the child's file "
                    "is still to write: see Records to write on the supervision page.",
                )
            return redirect(case_file_url(case.ref))
    context = {
        "form": form,
        "case": case,
        "title": TITLES.get(kind, "Record management oversight"),
        "back": case_file_url(case.ref),
    }
    return render(request, "web/supervision/oversight_new.html", context)


# -- write or amend a record ----------------------------------------------------------------------
@page_policy("case")
def record_amend(request, case_ref: str, kind: str, ident: str):
    page = page_for(request)
    if kind not in RECORD_KINDS:
        raise Http404("No such record")
    if request.method == "POST":
        case, access = case_for(request, case_ref, records=True, purpose="wrote or amended a record on the child's file")
    else:
        case, access = case_for(request, case_ref, purpose="opened a record on the child's file to amend it")
        if not access.writes_records:
            raise Http404("No case found")
    _manager_or_404(page, case_ref, "amending a record on the child's file")
    record = record_for(page.service, case, kind, ident)
    if record is None:
        raise Http404("No such record")
    on_file = record.recorded is not None
    form_class = RecordAmendForm if on_file else RecordWriteForm
    if on_file:
        current = view_of(record).current_text
        initial = {"text": current}
    else:
        initial = {"seen": snapshot(record, fields=RECORD_FIELDS)}
    form = form_class(request.POST if request.method == "POST" else None, initial=initial)
    target = {"discussion": record} if isinstance(record, Discussion) else {"oversight_event": record}
    if request.method == "POST" and on_file and "seen" in request.POST:
        # Written from a page opened before someone else wrote the record: record_write refuses it
        # (it was stale); the amend form comes back with the words typed, asking why they amend it.
        form = RecordAmendForm({"text": request.POST.get("text", ""), "reason": ""})
        form.is_valid()
        try:
            services.record_write(service=page.service, text=request.POST.get("text", ""), by=page.my_staff,
                                  actor=page.identity.label, seen=request.POST["seen"], **target)
        except ValidationError as invalid:
            show_service_errors(form, invalid)
    elif request.method == "POST" and form.is_valid():
        try:
            if on_file:
                services.record_amend(
                    service=page.service, text=form.cleaned_data["text"], reason=form.cleaned_data["reason"],
                    by=page.my_staff, actor=page.identity.label, **target,
                )
                done = "The record is amended; the original is kept on the file with it."
            else:
                services.record_write(
                    service=page.service, text=form.cleaned_data["text"], by=page.my_staff,
                    actor=page.identity.label, seen=form.cleaned_data["seen"], **target,
                )
                done = "The record is written on the child's file."
        except ValidationError as invalid:
            show_service_errors(form, invalid)
        else:
            messages.success(request, done)
            return redirect(request.path)
    view = view_of(record)
    deadline = _deadline(page, case.ref, kind, ident)
    refused = services.why_no_more_records(page.service, case.ref)
    context = {
        "refused": refused,
        "form": form,
        "case": case,
        "record": view,
        "on_file": on_file,
        "title": "The record" if refused else "Amend the record" if on_file else "Write the record",
        "held": moment_text(view.held, page.tz),
        "recorded": moment_text(view.recorded, page.tz) if view.recorded else "",
        "depth": DEPTHS.get(view.depth, "") if view.depth else "",
        "amendments": [
            {"text": a.text, "reason": a.reason, "by": a.by, "at": moment_text(a.at, page.tz)} for a in view.amendments
        ],
        "back": case_file_url(case.ref),
        "deadline": deadline,
    }
    return render(request, "web/supervision/record_amend.html", context)


def _deadline(page: Page, case_ref: str, kind: str, ident: str) -> dict | None:
    """REC-DEADLINE's finding about this record, if any: {status, text} ("due", "overdue" or "late")."""
    for needed in needed_records(page.judgement):
        is_session = isinstance(needed.source, SessionFact)
        if needed.case != case_ref or needed.source.id != ident or is_session != (kind == "discussion"):
            continue
        for finding in page.findings:
            # The finding names its record ("the discussion of case C1 at formal supervision V1 on …").
            if finding.rule == "REC-DEADLINE" and finding.case == case_ref and f"{needed.what} on " in finding.detail:
                word = "due" if str(finding.status) == "due" else finding.detail.split(":", 1)[0]
                return {"status": word, "colour": str(finding.status), "text": deadline_text(finding.due, page.tz)}
    return None
