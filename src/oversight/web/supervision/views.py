"""The supervision pages of a line manager: my supervisees, the preparation pack, and recording a gap
in supervision through leave. Recording a session is in session.py; records on the child's file
(management decisions, MARP outcomes, audits, amendments) in records.py."""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from oversight.accounts.permissions import page_policy
from oversight.audit import services as audit
from oversight.policy.calendar import parse_month
from oversight.policy.catalogue import BY_ID
from oversight.policy.facts import Supervision as SessionFact
from oversight.policy.preparation import cases_to_discuss, gap_offer, open_actions, preparation_pack
from oversight.policy.records import needed_records
from oversight.supervision import services
from oversight.supervision.models import GapRecord
from oversight.supervision.selectors import anonymised_cases
from oversight.web.supervision.common import Page, page_for, supervisee_or_404
from oversight.web.supervision.display import (
    ABSENCE_KINDS,
    DEPTHS,
    ORDERS,
    RISK_COLOURS,
    RISKS,
    deadline_text,
    long_day,
    moment_text,
    month_text,
    name_of,
    role_of,
)
from oversight.web.supervision.forms import GapRecordForm

SUPERVISION_RULES = ("SUP-MONTHLY", "SUP-GAP", "SUP-RETURN", "SUP-FREQUENCY", "SUP-CHAIN", "SUP-ACTION", "SUP-CASE")


# -- my supervisees -------------------------------------------------------------------------------
@page_policy("manager")
def supervision_home(request):
    page = page_for(request)
    reports = page.direct_reports()
    records = records_to_write(page)
    records_by_supervisee: dict[str, int] = defaultdict(int)
    for row in records:
        if row["supervisee"]:
            records_by_supervisee[row["supervisee"]] += 1
    context = {
        "cards": [_supervisee_card(page, ref, records_by_supervisee[ref]) for ref in reports],
        "records": records,
        "gaps": _gaps(page, set(reports)),
        "returns": _returns(page, set(reports)),
        "month": month_text(f"{page.today:%Y-%m}"),
    }
    return render(request, "web/supervision/home.html", context)


def _findings_about(page: Page, staff_ref: str):
    return [f for f in page.findings if f.subject == staff_ref and f.rule in SUPERVISION_RULES]


def _supervisee_card(page: Page, ref: str, records_to_write_count: int) -> dict:
    facts, tz = page.facts, page.tz
    held = [s for s in facts.formal_sessions_by_supervisee.get(ref, ()) if s.held <= page.now]
    last = held[-1] if held else None
    this_month = [s for s in held if s.held.astimezone(tz).date().replace(day=1) == page.today.replace(day=1)]
    period = f"{page.today:%Y-%m}"
    about = _findings_about(page, ref)
    due = next((f for f in about if f.rule == "SUP-MONTHLY" and f.period == period), None)
    if this_month:
        month_status = ("Done", "done", "")
    elif due is not None:
        month_status = ("Due", "due", f"None yet: due {deadline_text(due.due, tz)}")
    else:
        month_status = ("Not held yet", "not started", "")
    others = [f for f in about if f is not due]
    return {
        "ref": ref,
        "name": name_of(facts, ref),
        "role": role_of(facts, ref),
        "cases": len(cases_to_discuss(facts, ref, page.today)),
        "last": (
            f"{moment_text(last.held, tz)}, with {name_of(facts, last.supervisor)} ({last.id})" if last else "None recorded"
        ),
        "month_status": month_status,
        "records": records_to_write_count,
        "findings": [
            {"rule": f.rule, "title": BY_ID[f.rule].title, "status": str(f.status),
             "period": month_text(f.period) if f.period else ""}
            for f in others
        ],
        "prepare": reverse("web:supervision-prepare", args=[ref]),
        "record": reverse("web:supervision-record", args=[ref]),
    }


def records_to_write(page: Page) -> list[dict]:
    """The records on children's files I must write (REC-DEADLINE due or overdue), soonest first."""
    facts, j, tz = page.facts, page.judgement, page.tz
    by_case = defaultdict(list)
    for f in page.findings:
        if f.rule == "REC-DEADLINE":
            by_case[f.case].append(f)
    rows = []
    me = page.me
    for record in needed_records(j):  # ten years of records: the cheap tests first
        if record.responsible != me or record.case not in by_case:
            continue
        on_file = record.recorded is not None and record.recorded <= j.as_of
        if on_file:
            continue
        # The finding names its record ("the discussion of case C1 at formal supervision SV00001 on …").
        finding = next((f for f in by_case.get(record.case, ()) if f"{record.what} on " in f.detail), None)
        if finding is None:
            continue
        is_session = isinstance(record.source, SessionFact)
        held_day = j.calendar.local_date(record.held)
        supervisee = record.source.supervisees[0] if is_session else facts.case_manager_on(record.case, held_day)
        kind = "discussion" if is_session else "event"
        rows.append({
            "case": record.case,
            "case_name": facts.case_by_id[record.case].name if record.case in facts.case_by_id else "",
            "what": (f"Formal supervision {record.source.id} with {name_of(facts, supervisee)}" if is_session
                     else f"{_event_name(record.source.kind)} {record.source.id}"),
            "held": moment_text(record.held, tz),
            "significant": record.significant,
            "status": "overdue" if str(finding.status) == "breach" else "due",
            "deadline": deadline_text(finding.due, tz),
            "due": finding.due,
            "supervisee": supervisee if is_session else None,
            "href": reverse("web:record-amend", args=[record.case, kind, record.source.id]),
        })
    # Not on a file retention has anonymised: nothing more is written there (why_no_more_records);
    # REC-DEADLINE's finding stays, on the home page, linking to the file but not to the record.
    anonymised = anonymised_cases(page.service, {r["case"] for r in rows}) if rows else set()
    return sorted((r for r in rows if r["case"] not in anonymised), key=lambda r: (r["due"], r["case"]))


def _event_name(kind: str) -> str:
    return {"management_decision": "Management decision", "marp": "MARP outcome", "audit": "Case audit"}.get(kind, kind)


def _gaps(page: Page, reports: set[str]) -> list[dict]:
    rows = []
    for f in page.findings:
        if f.rule != "SUP-GAP" or f.subject not in reports or not f.period:
            continue
        offer = gap_offer(page.judgement, f.subject, *parse_month(f.period))
        rows.append({
            "ref": f.subject,
            "name": name_of(page.facts, f.subject),
            "month": month_text(f.period),
            "period": f.period,
            "why": _absence_words(offer),
            "priority": _priority_words(offer),
            "href": reverse("web:supervision-gap", args=[f.subject, f.period]),
        })
    return sorted(rows, key=lambda r: (r["period"], r["name"]))


def _returns(page: Page, reports: set[str]) -> list[dict]:
    rows = []
    for f in page.findings:
        if f.rule != "SUP-RETURN" or f.subject not in reports:
            continue
        back = page.judgement.calendar.local_date(f.due) if f.due else None
        rows.append({
            "ref": f.subject,
            "name": name_of(page.facts, f.subject),
            "status": str(f.status),
            "deadline": deadline_text(f.due, page.tz),
            "detail": f.detail,
            "href": reverse("web:supervision-record", args=[f.subject]),
            "sort": (f.due, f.subject) if back else (None, f.subject),
        })
    return sorted(rows, key=lambda r: r["sort"])


def _absence_words(offer) -> str:
    if not offer.absences:
        return "No absence recorded that month"
    parts = []
    for a in offer.absences:
        kind = ABSENCE_KINDS.get(a.kind, "absence")
        span = (f"from {long_day(a.first_day)} to {long_day(a.actual_last_day)}" if a.actual_last_day
                else f"from {long_day(a.first_day)}, no return recorded")
        parts.append(f"{kind.capitalize()} {a.id} {span}")
    return f"{'; '.join(parts)} ({offer.absent_working_days} working days absent that month)"


def _priority_words(offer) -> str:
    if offer.back is None:
        return "As soon as they return: no return is recorded yet"
    return f"From {long_day(offer.back)}, their first working day back, to the end of {long_day(offer.priority_by)}"


# -- the preparation pack -------------------------------------------------------------------------
@page_policy("manager")
def prepare(request, staff_ref: str):
    page = page_for(request)
    staff = supervisee_or_404(request, page, staff_ref)
    facts, tz = page.facts, page.tz
    pack = preparation_pack(facts, staff.ref, page.now, page.findings)
    audit.record(
        service=page.service, actor=page.identity.label, action="view", object_type="supervision_pack",
        object_ref=staff.ref, basis="line manager", summary=f"{page.identity.username} prepared the supervision of {staff.ref}",
        details={"cases": [p.case.id for p in pack]},
    )
    cards = [_case_card(page, p) for p in pack]
    actions = open_actions(facts, page.now, cases=[p.case.id for p in pack], supervisee=staff.ref)
    held = [s for s in facts.formal_sessions_by_supervisee.get(staff.ref, ()) if s.held <= page.now]
    context = {
        "staff": staff,
        "role": role_of(facts, staff.ref),
        "cards": cards,
        "in_depth": [c for c in cards if c["in_depth"]],
        "check_in": [c for c in cards if not c["in_depth"]],
        "actions": [_action_row(page, a) for a in actions],
        "last": (f"{moment_text(held[-1].held, tz)}, with {name_of(facts, held[-1].supervisor)}" if held
                 else "None recorded"),
        "findings": [
            {"title": BY_ID[f.rule].title, "rule": f.rule, "status": str(f.status), "detail": f.detail}
            for f in _findings_about(page, staff.ref)
        ],
        "record_href": reverse("web:supervision-record", args=[staff.ref]),
    }
    return render(request, "web/supervision/prepare.html", context)


def _case_card(page: Page, p) -> dict:
    tz = page.tz
    case = p.case
    milestones = []
    for m in p.milestones:
        if not m.known:
            text, status = "None recorded", None
        elif m.completed:
            text, status = f"Completed {long_day(m.completed)} (due {long_day(m.due)})", None
        elif m.overdue:
            text, status = f"Overdue: was due {long_day(m.due)}", "overdue"
        else:
            text, status = f"Due {long_day(m.due)}", None
        milestones.append({"kind": m.kind.capitalize(), "text": text, "status": status})
    last = p.last_discussion
    return {
        "ref": case.id,
        "name": case.name,
        "risk": RISKS.get(case.risk, case.risk),
        "risk_colour": RISK_COLOURS.get(case.risk, ""),
        "order": ORDERS.get(case.order_type, case.order_type),
        "reallocated": p.reallocated,
        "last_seen": long_day(p.last_seen) if p.last_seen else "Not seen face to face",
        "seen_overdue": p.seen_overdue,
        "milestones": milestones,
        "last_discussion": (
            f"{long_day(last.held.astimezone(tz))}: {DEPTHS[last.depth].lower()}"
            f"{', significant or urgent' if last.significant else ''} ({last.session})" if last else "Not discussed yet"
        ),
        "last_in_depth": long_day(p.last_in_depth) if p.last_in_depth else "Never",
        "actions": [_action_row(page, a) for a in p.open_actions],
        "in_depth": p.suggestion.in_depth,
        "reasons": p.suggestion.reasons,
        "findings": [{"rule": f.rule, "status": str(f.status), "detail": f.detail} for f in p.findings],
    }


def _action_row(page: Page, a) -> dict:
    return {
        "ref": a.id,
        "text": a.text,
        "case": a.case,
        "session": a.session,
        "owner": name_of(page.facts, a.owner) if a.owner else "The case manager",
        "due": long_day(a.due) if a.due else "No due date",
        "overdue": a.overdue,
    }


# -- a gap in supervision -------------------------------------------------------------------------
@page_policy("manager")
def gap(request, staff_ref: str, month: str):
    page = page_for(request)
    staff = supervisee_or_404(request, page, staff_ref)
    if not services.MONTH.match(month):
        raise Http404("No such month")
    year, number = parse_month(month)
    if (year, number) > (page.today.year, page.today.month):
        raise Http404("A month to come")
    existing = GapRecord.objects.filter(service=page.service, staff=staff, month=month).select_related("by").first()
    offer = gap_offer(page.judgement, staff.ref, year, number)
    finding = next((f for f in page.findings if f.rule == "SUP-GAP" and f.subject == staff.ref and f.period == month), None)
    form = GapRecordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            services.gap_record_create(
                service=page.service, staff=staff, month=month, by=page.my_staff, actor=page.identity.label,
            )
        except ValidationError as invalid:
            for message in invalid.messages:
                form.add_error(None, message)
        else:
            text = f"The gap in supervision of {staff.name} in {month_text(month)} is recorded."
            text += f" Priority session on return: {_priority_words(offer)[0].lower()}{_priority_words(offer)[1:]}."
            messages.success(request, text)
            return redirect("web:supervision")
    record_href = reverse("web:supervision-record", args=[staff.ref])
    if offer.back and offer.back <= page.today:
        record_href += "?" + urlencode({"held": offer.back.isoformat()})
    context = {
        "form": form,
        "staff": staff,
        "month": month_text(month),
        "period": month,
        "existing": existing and {
            "when": moment_text(existing.recorded, page.tz), "by": existing.by.name,
        },
        "finding": finding,
        "why": _absence_words(offer),
        "priority": _priority_words(offer),
        "back_known": offer.back is not None,
        "record_href": record_href,
    }
    return render(request, "web/supervision/gap.html", context)
