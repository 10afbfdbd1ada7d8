"""Reports and exports: findings as CSV and Excel, Stat Wednesday per team, printable PDFs of a leave
sheet, a supervision record and a child's oversight timeline, and each person's calendar feed.

Every download is written to the audit trail ("export"), and every view of a child's case in a
document goes through case_for (which audits it with its lawful basis, or answers 404).
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages as flash
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from oversight.accounts.permissions import case_for, cover_facts, local_now, page_policy, require_identity
from oversight.audit import services as audit
from oversight.cover.models import Absence
from oversight.policy.access import SENIOR_ROLES, reads_case_narrative
from oversight.policy.catalogue import BY_ID, RULE_IDS
from oversight.policy.engine import evaluate
from oversight.policy.findings import Finding, Judgement
from oversight.policy.ownership import Ownership
from oversight.policy.teams import NO_TEAM, may_see_team_report, team_of_finding
from oversight.reports import documents, ical
from oversight.reports.models import CalendarFeed, StatWednesdayLine, StatWednesdayReport
from oversight.reports.pdf import PDF_TYPE, render_pdf
from oversight.reports.services import calendar_feed_for, calendar_feed_issue, calendar_feed_revoke
from oversight.reports.tables import XLSX_TYPE, Column, to_xlsx
from oversight.store.read import service_facts
from oversight.supervision.models import Supervision
from oversight.web.forms import GovukForm
from oversight.web.reports.downloads import BadFilters, bad_filters, download, table_download

STATUSES = ("breach", "due", "warning")


def _footer(identity, now) -> str:
    return f"Produced by Oversight on {now:%a %d %B %Y at %H:%M} for {identity.username}"


# -- findings ------------------------------------------------------------------------------------------


class FindingsFilter(GovukForm):
    """The filters of the findings page (/findings/: rule, status, team, sort), so that the same query
    string gives the same findings, and a few more (person or case, month)."""

    rule = forms.MultipleChoiceField(label="Rules", required=False, choices=[(r, r) for r in RULE_IDS],
                                     widget=forms.CheckboxSelectMultiple)
    status = forms.ChoiceField(label="Status", required=False,
                               choices=[("", "Any status"), *[(s, s.capitalize()) for s in STATUSES]])
    team = forms.CharField(label="Team (its team manager's staff id)", required=False, max_length=64)
    sort = forms.ChoiceField(label="Sort by", required=False,
                             choices=[("due", "Deadline, soonest first"), ("-due", "Deadline, latest first")])
    subject = forms.CharField(label="Person or case", required=False, max_length=64)
    case = forms.CharField(label="Case", required=False, max_length=64)
    period = forms.RegexField(label="Month (YYYY-MM)", required=False, regex=r"^\d{4}-\d{2}$")

    def apply(self, findings: list[Finding], facts, today: date) -> list[Finding]:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("rule"):
            findings = [f for f in findings if f.rule in set(data["rule"])]
        if data.get("status"):
            findings = [f for f in findings if f.status == data["status"]]
        if data.get("team"):
            findings = [f for f in findings if (team_of_finding(facts, f, today) or NO_TEAM) == data["team"]]
        if data.get("subject"):
            findings = [f for f in findings if f.subject == data["subject"]]
        if data.get("case"):
            findings = [f for f in findings if f.case == data["case"]]
        if data.get("period"):
            findings = [f for f in findings if f.period == data["period"]]
        if data.get("sort") == "-due":
            findings = sorted(findings, key=lambda f: (f.due is not None, f.due.timestamp() if f.due else 0),
                              reverse=True)
        return findings


def _findings_table(request):
    identity = require_identity(request)
    now, _ = local_now(identity)
    facts = service_facts(identity.service)
    judgement = Judgement.at(facts, now)
    form = FindingsFilter(request.GET or None)
    if form.is_bound and not form.is_valid():
        # An export must not quietly drop a filter it cannot read (and so hold more rows than asked for).
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        raise BadFilters(f"The export's filters are not valid ({problems}). "
                          "Correct the address and try again.")
    findings = form.apply(evaluate(facts, now), judgement.facts, judgement.today)
    # As on the findings page: the detail sentence is for senior managers, not the performance team.
    show_detail = reads_case_narrative(judgement.facts, identity.viewer, judgement.today)
    ownership = Ownership(judgement)
    names = judgement.facts.staff_by_id

    def name(ref):
        return names[ref].name if ref in names else ""

    rows = [(f, sorted(ownership.actors(f))) for f in findings]
    columns = [
        Column("Due", lambda r: r[0].due, "datetime", 22),
        Column("Status", lambda r: str(r[0].status), width=10),
        Column("Rule", lambda r: r[0].rule, width=16),
        Column("Rule title", lambda r: BY_ID[r[0].rule].title if r[0].rule in BY_ID else "", width=36),
        Column("Subject", lambda r: r[0].subject, width=12),
        Column("Subject name", lambda r: name(r[0].subject), width=22),
        Column("Case", lambda r: r[0].case or "", width=10),
        Column("Period", lambda r: r[0].period or "", width=10),
        Column("Who acts", lambda r: ", ".join(f"{name(p)} ({p})" for p in r[1]), width=30),
        Column("Detail", lambda r: r[0].detail if show_detail else "", width=100),
    ]
    filters = {k: v for k, v in request.GET.lists()}
    return identity, now, columns, rows, filters


@require_GET
@page_policy("reports")
@bad_filters
def findings_csv(request):
    return _findings_download(request, "csv")


@require_GET
@page_policy("reports")
@bad_filters
def findings_xlsx(request):
    return _findings_download(request, "xlsx")


def _findings_download(request, fmt: str):
    identity, now, columns, rows, filters = _findings_table(request)
    return table_download(identity=identity, fmt=fmt, what="Findings", object_type="findings",
                          sheet="Findings", columns=columns, rows=rows, filters=filters,
                          filename=f"findings-{now:%Y-%m-%d}", tz=now.tzinfo)


# -- the reports page and Stat Wednesday -------------------------------------------------------------


@require_GET
@page_policy("reports")
def reports_index(request):
    identity = require_identity(request)
    reports = list(StatWednesdayReport.objects.filter(service=identity.service)[:12])
    return render(request, "web/reports/index.html", {
        "reports": reports, "filter_form": FindingsFilter(),
    })


def _team_summary(request, identity, report):
    _, today = local_now(identity)
    facts = cover_facts(request, identity)
    teams: dict[str, dict] = {}
    for team_ref, team_name, owner_ref in report.lines.values_list("team_ref", "team_name", "owner_ref"):
        entry = teams.setdefault(team_ref, {"ref": team_ref, "name": team_name, "lines": 0, "owners": set()})
        entry["lines"] += 1
        entry["owners"].add(owner_ref)
    visible = [t for t in teams.values() if may_see_team_report(facts, identity.viewer, t["ref"], today)]
    return sorted(visible, key=lambda t: t["name"]), may_see_team_report(facts, identity.viewer, "all", today)


def _report_or_404(identity, day: str) -> StatWednesdayReport:
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise Http404("No such report") from None
    return get_object_or_404(StatWednesdayReport, service=identity.service, day=when)


@require_GET
@page_policy("signed_in")
def stat_wednesday(request, day: str):
    identity = require_identity(request)
    report = _report_or_404(identity, day)
    teams, whole = _team_summary(request, identity, report)
    if not teams and not whole:
        raise Http404("No such report")
    return render(request, "web/reports/stat_wednesday.html", {
        "report": report, "teams": teams, "whole": whole, "total": report.lines.count(),
    })


LINE_COLUMNS = [
    Column("Case", lambda ln: ln.case_ref, width=10),
    Column("Rule", lambda ln: ln.rule, width=16),
    Column("What to fix", lambda ln: BY_ID[ln.rule].title if ln.rule in BY_ID else ln.rule, width=22),
    Column("Owner", lambda ln: ln.owner_name, width=24),
    Column("Owner id", lambda ln: ln.owner_ref, width=10),
    Column("Team", lambda ln: ln.team_name, width=24),
    Column("Due", lambda ln: ln.due, "datetime", 22),
    Column("Days overdue", lambda ln: None, "number", 14),
    Column("Detail", lambda ln: ln.detail, width=100),
]


@require_GET
@page_policy("signed_in")
def stat_wednesday_xlsx(request, day: str, team: str):
    """One team's lines (or "all" of them), for the team's manager, those above, senior managers and
    the performance team (policy.teams.may_see_team_report); anyone else gets 404."""
    identity = require_identity(request)
    report = _report_or_404(identity, day)
    _, today = local_now(identity)
    if not may_see_team_report(cover_facts(request, identity), identity.viewer, team, today):
        audit.record(service=identity.service, actor=identity.label, action="denied", object_type="page",
                     object_ref=request.path[:200], summary="Refused: Stat Wednesday team report")
        raise Http404("No such report")
    lines = report.lines.all() if team == "all" else report.lines.filter(team_ref=team)
    if team != "all" and not lines.exists() and not StatWednesdayLine.objects.filter(report__service=identity.service,
                                                                                    team_ref=team).exists():
        raise Http404("No such team")
    tz = local_now(identity)[0].tzinfo

    def overdue(ln):
        return max((report.judged_at - ln.due).days, 0) if ln.due else None

    # A team's lines are its manager's work: they and those above read the detail; the performance
    # team gets the figures and identifiers only.
    narrative = reads_case_narrative(cover_facts(request, identity), identity.viewer, today,
                                     line_of=None if team in ("all", NO_TEAM) else team)

    def column(c: Column) -> Column:
        if c.header == "Days overdue":
            return Column(c.header, overdue, "number", c.width)
        if c.header == "Detail" and not narrative:
            return Column(c.header, lambda ln: "", width=c.width)
        return c

    columns = [column(c) for c in LINE_COLUMNS]
    rows = list(lines)
    audit.record(service=identity.service, actor=identity.label, action="export", object_type="stat_wednesday_report",
                 object_ref=f"{report.day.isoformat()}/{team}",
                 summary=f"Stat Wednesday {report.day.isoformat()} exported for team {team} ({len(rows)} lines)")
    content = to_xlsx([(f"Stat Wednesday {report.day:%d %b %Y}", columns, rows)], tz)
    return download(content, XLSX_TYPE, f"stat-wednesday-{report.day.isoformat()}-{team}.xlsx")


# -- printable documents -----------------------------------------------------------------------------------


def _visible(request, purpose: str):
    def visible(case_ref: str) -> bool:
        try:
            case_for(request, case_ref, purpose=purpose)
        except Http404:
            return False
        return True

    return visible


def _may_see_person_document(request, identity, staff_refs: set[str]) -> bool:
    """A person's leave sheet or supervision record: theirs, their line managers', senior managers'."""
    _, today = local_now(identity)
    facts = cover_facts(request, identity)
    me = identity.viewer.staff
    person = facts.staff_by_id.get(me) if me else None
    if person is None:
        return False
    if me in staff_refs or person.role in SENIOR_ROLES:
        return True
    return any(facts.is_above(me, ref, today) for ref in staff_refs)


def _refuse(identity, request, what: str):
    audit.record(service=identity.service, actor=identity.label, action="denied", object_type="document",
                 object_ref=request.path[:200], summary=f"Refused: {what}")
    raise Http404("Not found")


@require_GET
@page_policy("case")
def leave_sheet_pdf(request, ref: str):
    identity = require_identity(request)
    absence = Absence.objects.filter(service=identity.service, ref=ref).select_related("staff").first()
    if absence is None or not _may_see_person_document(request, identity, {absence.staff.ref}):
        _refuse(identity, request, "leave sheet PDF")
    now, _ = local_now(identity)
    doc = documents.leave_sheet_document(absence, _visible(request, "printed the leave sheet"))
    audit.record(service=identity.service, actor=identity.label, action="export", object_type="leave_sheet",
                 object_ref=absence.ref, summary=f"Leave sheet of absence {absence.ref} printed (PDF)")
    content = render_pdf("reports/pdf/leave_sheet.html", {
        "doc": doc, "tz_name": identity.service.timezone, "service_name": identity.service.name,
        "title": f"Leave sheet {absence.ref}", "footer": _footer(identity, now),
    })
    return download(content, PDF_TYPE, f"leave-sheet-{absence.ref}.pdf")


@require_GET
@page_policy("case")
def supervision_pdf(request, ref: str):
    identity = require_identity(request)
    session = (Supervision.objects.filter(service=identity.service, ref=ref)
               .select_related("supervisor", "supervisee").first())
    people = set()
    if session is not None:
        people = {session.supervisor.ref, *(p.ref for p in session.participants.all())}
        if session.supervisee is not None:
            people.add(session.supervisee.ref)
    if session is None or not _may_see_person_document(request, identity, people):
        _refuse(identity, request, "supervision record PDF")
    now, _ = local_now(identity)
    doc = documents.supervision_document(session, _visible(request, "printed the supervision record"))
    audit.record(service=identity.service, actor=identity.label, action="export", object_type="supervision",
                 object_ref=session.ref, summary=f"Supervision record {session.ref} printed (PDF)")
    content = render_pdf("reports/pdf/supervision_record.html", {
        "doc": doc, "tz_name": identity.service.timezone, "service_name": identity.service.name,
        "title": f"Supervision record {session.ref}", "footer": _footer(identity, now),
    })
    return download(content, PDF_TYPE, f"supervision-{session.ref}.pdf")


@require_GET
@page_policy("case")
def timeline_pdf(request, ref: str):
    from oversight.messages.services import case_messages

    identity = require_identity(request)
    case, _ = case_for(request, ref, purpose="printed the oversight timeline")
    now, today = local_now(identity)
    record = documents.case_record(case)
    sent = [{"created": m.created_at, "to": m.recipient_label or "the young person or family",
             "status": m.get_status_display().lower(), "about": m.subject or m.kind}
            for m in case_messages(identity.service, case.ref)]
    entries = documents.timeline(record, now.tzinfo, sent)
    manager = next((a["case_manager"] for a in reversed(record["allocations"])
                    if a["from"] <= today and (a["to"] is None or a["to"] >= today)), None)
    audit.record(service=identity.service, actor=identity.label, action="export", object_type="case",
                 object_ref=case.ref, case_ref=case.ref, summary=f"Oversight timeline of case {case.ref} printed (PDF)")
    content = render_pdf("reports/pdf/timeline.html", {
        "record": record, "entries": entries, "case_manager": manager, "tz_name": identity.service.timezone,
        "service_name": identity.service.name, "title": f"Oversight timeline: case {case.ref}",
        "footer": _footer(identity, now),
    })
    return download(content, PDF_TYPE, f"timeline-{case.ref}.pdf")


# -- the calendar feed -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@page_policy("signed_in")
def calendar_settings(request):
    identity = require_identity(request)
    if identity.viewer.staff is None:
        raise Http404("Calendar feeds are for members of staff")
    new_address = None
    if request.method == "POST":
        if request.POST.get("action") == "off":
            if calendar_feed_revoke(user=request.user, service=identity.service, actor=identity.label):
                flash.success(request, "Your calendar address no longer works. Remove the calendar from Outlook.")
            return redirect("web:calendar")
        token = calendar_feed_issue(user=request.user, service=identity.service, actor=identity.label)
        new_address = request.build_absolute_uri(reverse("web:calendar-feed", args=[token]))
    feed = CalendarFeed.objects.filter(user=request.user, revoked_at__isnull=True).first()
    return render(request, "web/reports/calendar.html", {"feed": feed, "new_address": new_address})


@require_GET
@page_policy("public")
def calendar_feed(request, token: str):
    """The .ics feed Outlook subscribes to: the secret address is the credential (no session)."""
    feed = calendar_feed_for(token)
    if feed is None:
        raise Http404("No such calendar")
    account = feed.user.account
    content = ical.personal_feed(account.service, account.staff.ref, account.staff.name)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="oversight.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
