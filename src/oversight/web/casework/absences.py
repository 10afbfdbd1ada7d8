"""My absences: booking planned leave and completing its leave sheet (buddy policy: "All case-holders
must complete a leave sheet prior to taking leave … sent to managers")."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from oversight.accounts.permissions import cover_facts, leave_sheet_for, local_now, page_policy, require_identity
from oversight.cover import services
from oversight.cover.models import Absence, LeaveSheet
from oversight.policy import leave
from oversight.policy.access import case_access
from oversight.policy.findings import Judgement
from oversight.policy.leave_planning import cover_candidates
from oversight.store.versions import StaleEdit
from oversight.web.casework.buddies import me_as_staff
from oversight.web.casework.display import KINDS, ORDERS, RISKS, long_day, moment_text, name_of, span_text
from oversight.web.casework.forms import (
    YES_NO_INITIAL,
    YES_NO_SHOWN,
    AbsenceRequestForm,
    LeaveSheetLineForm,
    show_service_errors,
)
from oversight.web.casework.home import url_or_none

STALE = ("The leave sheet changed while you were editing it ({what}: in another window, or by someone "
         "else), so your changes were not saved. The leave sheet below is as it is now: check it and make "
         "your changes again.")


def _sheet_state(absence, sheet, has_cases: bool, facts, tz) -> tuple[str, str, str]:
    """(tag text, tag colour, words) for an absence's leave sheet."""
    if not absence.planned:
        return "Not needed", "grey", "Your line manager confirms cover for an unplanned absence"
    if not has_cases:
        return "Not needed", "grey", "You had no open cases on the first day"
    if sheet is None:
        return "Not started", "yellow", "Name cover for each case and send it to your line manager"
    if sheet.submitted is None:
        return "Draft", "", "Not sent to your line manager yet"  # "": GOV.UK's default tag, blue
    to = name_of(facts, sheet.submitted_to.ref if sheet.submitted_to_id else None)
    return "Sent", "green", f"To {to} on {moment_text(sheet.submitted, tz)}"


@page_policy("signed_in")
def absences(request):
    identity = require_identity(request)
    now, today = local_now(identity)
    me = me_as_staff(identity)
    facts = cover_facts(request, identity)
    judgement = Judgement.at(facts, now)
    sheets = {s.absence_id: s for s in LeaveSheet.objects.filter(absence__staff=me).select_related("submitted_to")}
    rows = []
    for absence in Absence.objects.filter(service=identity.service, staff=me).order_by("-first_day", "-ref"):
        fa = facts.absence_by_id[absence.ref]
        has_cases = bool(facts.open_cases_of(me.ref, absence.first_day))
        tag, colour, words = _sheet_state(absence, sheets.get(absence.pk), has_cases, facts, judgement.calendar.tz)
        last = fa.actual_last_day
        if absence.first_day > today:
            when = "Booked"
        elif last is not None and last < today:
            when = "Back"
        else:
            when = "Away now"
        findings = [f for f in leave.absence_findings(judgement, fa) if f.rule in ("COV-LEAVE-SHEET", "COV-INFORMED")]
        rows.append({
            "ref": absence.ref,
            "dates": span_text(absence.first_day, last or absence.expected_last_day),
            "return_open": last is None and absence.first_day <= today,
            "kind": KINDS.get(absence.kind, absence.kind) + ("" if absence.planned else " (unplanned)"),
            "when": when,
            "sheet_tag": tag,
            "sheet_colour": colour,
            "sheet_words": words,
            "sheet_href": reverse("web:leave-sheet", args=[absence.ref]) if absence.planned and has_cases else None,
            "findings": [{"status": str(f.status), "detail": f.detail} for f in findings],
        })
    return render(request, "web/casework/absences.html", {"rows": rows})


@page_policy("signed_in")
def absence_new(request):
    identity = require_identity(request)
    _, today = local_now(identity)
    me = me_as_staff(identity)
    form = AbsenceRequestForm(request.POST or None, example=today + timedelta(days=28))
    if request.method == "POST" and form.is_valid():
        try:
            absence = services.absence_request(
                staff=me, kind=form.cleaned_data["kind"], first_day=form.cleaned_data["first_day"],
                last_day=form.cleaned_data["last_day"], actor=identity.label, on=today,
            )
        except ValidationError as invalid:
            show_service_errors(form, invalid)
        else:
            facts = cover_facts(request, identity)
            if services.leave_sheet_cases(absence, facts):
                messages.success(request, f"Leave booked: {span_text(absence.first_day, absence.expected_last_day)}. "
                                          "Now complete the leave sheet and send it to your line manager.")
                return redirect("web:leave-sheet", absence.ref)
            messages.success(request, f"Leave booked: {span_text(absence.first_day, absence.expected_last_day)}. "
                                      "You have no open cases on its first day, so no leave sheet is needed.")
            return redirect("web:absences")
    return render(request, "web/casework/absence_new.html", {"form": form, "today": long_day(today)})


def _away(absence) -> str:
    if absence.actual_last_day is not None:
        return span_text(absence.first_day, absence.actual_last_day)
    return (f"From {long_day(absence.first_day)}, return not recorded "
            f"(expected back after {long_day(absence.expected_last_day)})")


def _candidate_label(facts, c) -> str:
    parts = [name_of(facts, c.staff)]
    if c.relation == "buddy":
        parts.append(f"your buddy {c.buddy_rank}")
    elif c.relation == "team":
        parts.append("your team")
    parts.append(f"{c.load} case{'s' if c.load != 1 else ''} on your first day")
    parts.extend(f"away: {_away(a)}" for a in c.clashes)
    return " – ".join(parts)


@page_policy("signed_in")
def leave_sheet(request, ref: str):
    identity = require_identity(request)
    now, today = local_now(identity)
    # The absent person completes it; their line managers (anyone above them today) read it. The
    # decision, and the audit of a refusal or of a manager's reading, are leave_sheet_for's.
    # An unplanned absence has no leave sheet: its line manager confirms cover instead.
    changing = request.method == "POST"
    absence, access = leave_sheet_for(request, ref, act=changing, planned_only=True,
                                      purpose="change the leave sheet" if changing else "read the leave sheet")
    facts = cover_facts(request, identity)
    owner = access.can_act
    fa = facts.absence_by_id[absence.ref]
    cases = services.leave_sheet_cases(absence, facts)
    sheet = LeaveSheet.objects.filter(absence=absence).select_related("submitted_to").first()
    saved = {ln.case.ref: ln for ln in sheet.lines.select_related("case", "cover")} if sheet else {}
    editable = owner and (sheet is None or sheet.submitted is None)
    candidates = cover_candidates(facts, fa, known_at=now)
    choices = [(c.staff, _candidate_label(facts, c)) for c in candidates]
    tz = Judgement.at(facts, now).calendar.tz
    problems: list[dict] = []

    def line_forms(data=None):
        forms = []
        for case_ref in cases:
            line = saved.get(case_ref)
            initial = {}
            if line is not None:
                initial = {"cover": line.cover.ref if line.cover_id else "", "notes": line.notes or "",
                           "young_person_informed": YES_NO_INITIAL[line.young_person_informed]}
            forms.append(LeaveSheetLineForm(data, initial=initial, candidates=choices, case_ref=case_ref))
        return forms

    forms = line_forms()
    if request.method == "POST":
        if not editable:
            raise Http404("The leave sheet cannot be changed")
        forms = line_forms(request.POST)
        action = request.POST.get("action")
        if all(f.is_valid() for f in forms):
            entries = [
                services.LineEntry(case=f.case_ref, cover=f.cleaned_data["cover"] or None,
                                   young_person_informed=f.informed, notes=f.cleaned_data["notes"])
                for f in forms
            ]
            call = services.leave_sheet_submit if action == "submit" else services.leave_sheet_save
            try:
                call(absence=absence, lines=entries, seen=request.POST.get("seen", ""), actor=identity.label)
            except StaleEdit as stale:
                what = ", ".join(sorted(stale.changed)) or "the leave sheet"
                problems.append({"field_id": "", "message": STALE.format(what=what)})
                sheet = LeaveSheet.objects.filter(absence=absence).select_related("submitted_to").first()
                saved = {ln.case.ref: ln for ln in sheet.lines.select_related("case", "cover")} if sheet else {}
                editable = sheet is None or sheet.submitted is None
                forms = line_forms()
            except ValidationError as invalid:
                by_case = {f.case_ref: f for f in forms}
                for key, messages_ in invalid.message_dict.items():
                    parts = key.split(".")
                    if len(parts) == 3 and parts[0] == "lines" and parts[1] in by_case:
                        field = parts[2] if parts[2] in by_case[parts[1]].fields else None
                        for message in messages_:
                            by_case[parts[1]].add_error(field, message)
                    else:
                        problems.extend({"field_id": "", "message": m} for m in messages_)
            else:
                if action == "submit":
                    sheet = LeaveSheet.objects.select_related("submitted_to").get(absence=absence)
                    messages.success(request, f"Leave sheet sent to {sheet.submitted_to.name}.")
                    return redirect("web:absences")
                messages.success(request, "Leave sheet saved as a draft. It is not sent to your line manager yet.")
                return redirect("web:leave-sheet", absence.ref)
        for f in forms:
            problems.extend(f.error_summary())

    case_rows = []
    for f in forms:
        case = facts.case_by_id.get(f.case_ref)
        line = saved.get(f.case_ref)
        case_rows.append({
            "ref": f.case_ref,
            "name": case.name if case else f.case_ref,
            "risk": RISKS.get(case.risk, case.risk) if case else "",
            "order": ORDERS.get(case.order_type, case.order_type) if case else "",
            # A sheet outlives its cases' allocations: a case since moved to a colleague or closed
            # out of reach is named, without a link to a file the reader may no longer open.
            "href": reverse("web:case", args=[f.case_ref])
            if case_access(facts, identity.viewer, f.case_ref, today, known_at=now).allowed else None,
            "form": f,
            "cover": name_of(facts, line.cover.ref) if line and line.cover_id else "Nobody named",
            "informed": YES_NO_SHOWN[line.young_person_informed if line else None],
            "notes": (line.notes if line else "") or "None",
        })
    shown = [c for c in candidates if c.relation in ("buddy", "team")]
    return render(request, "web/casework/leave_sheet.html", {
        "absence": absence,
        "owner": owner,
        "editable": editable,
        "sheet": sheet,
        "dates": span_text(absence.first_day, absence.actual_last_day or absence.expected_last_day),
        "first_day": long_day(absence.first_day),
        "kind": KINDS.get(absence.kind, absence.kind),
        "person": name_of(facts, absence.staff.ref),
        "line_manager": name_of(facts, facts.line_manager_on(absence.staff.ref, today)),
        "submitted": moment_text(sheet.submitted, tz) if sheet and sheet.submitted else None,
        "submitted_to": name_of(facts, sheet.submitted_to.ref) if sheet and sheet.submitted_to_id else None,
        "case_rows": case_rows,
        "problems": problems,
        "seen": services.leave_sheet_snapshot(absence),
        "pdf_url": url_or_none("web:leave-sheet-pdf", absence.ref),
        "candidates": [
            {
                "name": name_of(facts, c.staff),
                "relation": f"Buddy {c.buddy_rank}" if c.relation == "buddy" else "Your team",
                "own": c.own_cases,
                "covering": c.covering,
                "load": c.load,
                "room": c.room,
                "limit": c.limit,
                "away": [_away(a) for a in c.clashes],
            }
            for c in shown
        ],
    })
