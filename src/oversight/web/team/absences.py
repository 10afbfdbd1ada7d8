"""Absences of the manager's line: recording an unplanned absence (/team/absences/new/) and one
absence (/team/absences/<ref>/), where the manager records the return, confirms cover and reads the
leave sheet. An absence of someone outside the manager's line is a 404."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from oversight.accounts.permissions import page_policy
from oversight.cover.models import Absence, CoverConfirmation, LeaveSheet
from oversight.cover.services_team import absence_record_return, absence_record_unplanned, cover_confirm
from oversight.people.models import Staff
from oversight.policy.board import cover_board
from oversight.policy.cover import Via
from oversight.store.versions import StaleEdit, snapshot
from oversight.web.casework.display import KINDS, VIA_LABELS, long_day, moment_text, name_of
from oversight.web.casework.forms import show_service_errors
from oversight.web.team.common import Manager, case_url, finding_row, gap_tags, manager_for, passed_over_text
from oversight.web.team.forms import ReturnForm, UnplannedAbsenceForm

# How the fields of an absence are named when someone else changed them.
FIELD_NAMES = {
    "actual_last_day": "the last day absent",
    "expected_last_day": "the expected last day",
    "first_day": "the first day",
    "kind": "the kind of absence",
    "planned": "whether it was planned",
    "staff_id": "the person",
    "ref": "the reference",
}


@page_policy("manager")
def absence_new(request):
    m = manager_for(request)
    people = [(ref, m.label(ref)) for ref in m.people if m.facts.staff_by_id[ref].employed_on(m.today)]
    form = UnplannedAbsenceForm(
        request.POST or None, people=people, initial={"kind": "sickness", "first_day": m.today}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            absence = absence_record_unplanned(
                staff=Staff.objects.get(service=m.identity.service, ref=data["staff"]), kind=data["kind"],
                first_day=data["first_day"], expected_last_day=data["expected_last_day"], by=m.staff,
                actor=m.identity.label, on=m.today,
            )
        except ValidationError as invalid:
            show_service_errors(form, invalid)
        else:
            messages.success(request, f"Absence recorded: {absence.staff.name}, from {long_day(absence.first_day)}. "
                                      "Check who covers their cases and confirm cover.")
            return redirect("web:team-absence", ref=absence.ref)
    return render(request, "web/team/absence_new.html", {"form": form, "has_people": bool(people)})


def _stale_message(stale: StaleEdit) -> str:
    changes = []
    for name, (_, now) in sorted(stale.changed.items()):
        label = FIELD_NAMES.get(name, name.replace("_", " "))
        changes.append(f"{label} is now {_shown(now)}")
    what = f" ({'; '.join(changes)})" if changes else ""
    return (f"Someone else changed this absence while you were looking at it{what}. "
            "Check the absence as it is now and try again.")


def _shown(value) -> str:
    if value is None:
        return "not recorded"
    try:
        return long_day(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _cover_day(m: Manager, record: Absence) -> date:
    """The day whose cover the page shows: today while the absence runs, else its first or last day."""
    last = record.actual_last_day or (record.expected_last_day if record.first_day > m.today else None)
    if m.today < record.first_day:
        return record.first_day
    if last is not None and m.today > last:
        return last
    return m.today


@page_policy("manager")
def absence(request, ref: str):
    m = manager_for(request)
    record = Absence.objects.filter(service=m.identity.service, ref=ref).select_related("staff").first()
    if record is None or record.staff.ref not in m.people:
        raise m.refuse("absence", ref)
    return_form = ReturnForm(initial={"seen": snapshot(record)})
    page_errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "return":
            return_form = ReturnForm(request.POST)
            if return_form.is_valid():
                try:
                    absence_record_return(
                        absence=record, actual_last_day=return_form.cleaned_data["actual_last_day"],
                        seen=return_form.cleaned_data["seen"], by=m.staff, actor=m.identity.label, on=m.today,
                    )
                except StaleEdit as stale:
                    # Show the absence as it is now, with a fresh snapshot, and say what changed.
                    record.refresh_from_db()
                    return_form = ReturnForm(initial={"seen": snapshot(record)})
                    page_errors = [_stale_message(stale)]
                except ValidationError as invalid:
                    show_service_errors(return_form, invalid)
                else:
                    record.refresh_from_db()
                    messages.success(request, f"Return recorded: {record.staff.name}’s last day absent was "
                                              f"{long_day(record.actual_last_day)}.")
                    return redirect("web:team-absence", ref=record.ref)
        elif action == "confirm":
            try:
                cover_confirm(absence=record, by=m.staff, actor=m.identity.label, at=m.now)
            except ValidationError as invalid:
                page_errors = invalid.messages
            else:
                messages.success(request, f"Cover confirmed for {record.staff.name}’s absence.")
                return redirect("web:team-absence", ref=record.ref)
    return render(request, "web/team/absence.html", _context(m, record, return_form, page_errors))


def _context(m: Manager, record: Absence, return_form: ReturnForm, page_errors: list[str]) -> dict:
    tz = ZoneInfo(m.identity.service.timezone)
    day = _cover_day(m, record)
    result = cover_board(m.facts, m.now, [record.staff.ref], [day])
    cell = result.cell(record.staff.ref, day)
    rows = [{
        "case": c.case, "href": case_url(c.case), "child": m.facts.case_by_id[c.case].name,
        "contact": name_of(m.facts, c.answer.contact), "via": VIA_LABELS[str(c.answer.via)],
        "none": c.answer.via is Via.NONE, "reasons": [passed_over_text(m, p) for p in c.answer.passed_over],
    } for c in cell.cases]
    sheet = LeaveSheet.objects.filter(absence=record).select_related("submitted_to").first()
    lines = (
        [{"case": ln.case.ref, "href": case_url(ln.case.ref), "cover": ln.cover.name if ln.cover_id else "Nobody named",
          "informed": ln.young_person_informed, "notes": ln.notes}
         for ln in sheet.lines.select_related("case", "cover").order_by("case__ref")] if sheet else []
    )
    confirmations = [
        {"by": c.by.name, "when": moment_text(c.confirmed, tz)}
        for c in CoverConfirmation.objects.filter(absence=record).select_related("by").order_by("confirmed")
    ]
    errors = [{"field_id": "", "message": e} for e in page_errors]
    if return_form.errors:
        errors += return_form.error_summary()
    return {
        "record": record,
        "name": record.staff.name,
        "kind": KINDS.get(record.kind, record.kind),
        "first_day": long_day(record.first_day),
        "expected_last_day": long_day(record.expected_last_day),
        "actual_last_day": long_day(record.actual_last_day) if record.actual_last_day else "",
        "begun": record.first_day <= m.today,
        "cover_day": long_day(day),
        "cover_day_href": reverse("web:cover-day", args=[day.isoformat()]),
        "rows": rows,
        "gaps": gap_tags(m, cell) if cell.absence else [],
        "findings": [finding_row(m, f) for f in result.findings_by_absence.get(record.ref, ())],
        "sheet": sheet,
        "sheet_submitted": moment_text(sheet.submitted, tz) if sheet and sheet.submitted else "",
        "lines": lines,
        "confirmations": confirmations,
        "can_return": record.actual_last_day is None and record.first_day <= m.today,
        "can_confirm": not record.planned and not confirmations,
        "return_form": return_form,
        "form": {"errors": errors},  # base.html prefixes the title with "Error: " when there are errors
        "errors": errors,
        "board_url": reverse("web:cover-board"),
    }
