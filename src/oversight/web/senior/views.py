"""Pages for senior managers and the performance team (page policy "reports"): the chain of
supervision for a month, the compliance overview by team and month, and the service's findings.

The performance team reads figures and identifiers, never case narrative: the findings' detail
sentences are shown to senior managers only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from oversight.accounts.permissions import local_now, page_policy, require_identity
from oversight.accounts.selectors import Identity
from oversight.policy.access import reads_case_narrative
from oversight.policy.calendar import months_between
from oversight.policy.catalogue import BY_ID, RULE_IDS
from oversight.policy.compliance import ALL_TEAMS, compliance_overview, service_totals
from oversight.policy.facts import ServiceFacts
from oversight.policy.findings import Finding
from oversight.policy.supervision import supervision_chain
from oversight.policy.teams import NO_TEAM, TEAM_MANAGER, team_of_finding
from oversight.store.cache import findings_at
from oversight.store.read import service_facts
from oversight.web.forms import GovukForm
from oversight.web.senior.chain import (
    BROKEN,
    NOT_COVERED,
    NOT_SUPERVISED,
    SUPERVISED,
    TOP,
    broken_links,
    chain_tree,
)
from oversight.web.senior.charts import Series, bar_chart, line_chart
from oversight.web.supervision.display import deadline_text, month_text, name_of, role_of, short_month

MONTH = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")
PAGE_SIZE = 50
MAX_MONTHS = 24


@dataclass
class Reports:
    identity: Identity
    now: datetime
    today: date

    @property
    def service(self):
        return self.identity.service

    @cached_property
    def tz(self):
        return ZoneInfo(self.service.timezone)

    @cached_property
    def facts(self) -> ServiceFacts:
        return service_facts(self.service).known_on(self.today)

    @cached_property
    def findings(self) -> list[Finding]:
        return findings_at(self.service, self.now)  # kept per data revision (store/cache.py)

    @property
    def reads_narrative(self) -> bool:
        """Senior managers read the findings' detail (case narrative); the performance team does not."""
        return reads_case_narrative(self.facts, self.identity.viewer, self.today)

    @property
    def current_month(self) -> tuple[int, int]:
        return (self.today.year, self.today.month)

    @cached_property
    def months(self) -> list[tuple[int, int]]:
        """Months with data: from the earliest allocation (or this month) to this month, newest first."""
        starts = [a.start for a in self.facts.allocations]
        first = min(starts) if starts else self.today
        return list(reversed(list(months_between(first, self.today))))


def reports_for(request) -> Reports:
    identity = require_identity(request)
    now, today = local_now(identity)
    return Reports(identity=identity, now=now, today=today)


def month_key(month: tuple[int, int]) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


def _month_before(month: tuple[int, int], n: int = 1) -> tuple[int, int]:
    index = month[0] * 12 + month[1] - 1 - n
    return (index // 12, index % 12 + 1)


def parse_month(text: str | None) -> tuple[int, int] | None:
    match = MONTH.match(text or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def team_name(facts: ServiceFacts, team: str) -> str:
    if team == ALL_TEAMS:
        return "Whole service"
    if team == NO_TEAM:
        return "No team manager above"
    return f"Team of {name_of(facts, team)}"


# -- the chain of supervision ---------------------------------------------------------------------
class MonthForm(GovukForm):
    month = forms.ChoiceField(label="Month")


def chain_month(r: Reports, asked: str | None) -> tuple[tuple[int, int], str]:
    """The month the chain is shown for (last month when none is asked for) and, when the month asked
    for cannot be shown, why."""
    last_month = _month_before(r.current_month)
    month = parse_month(asked) if asked else last_month
    if month is None:
        return last_month, f"“{asked}” is not a month: showing {month_text(month_key(last_month))}."
    if month > r.current_month:
        return last_month, f"{month_text(month_key(month))} has not started: showing {month_text(month_key(last_month))}."
    return month, ""


@page_policy("reports")
def chain(request):
    r = reports_for(request)
    month, problem = chain_month(r, request.GET.get("month"))
    key = month_key(month)
    form = MonthForm(initial={"month": key})
    form.fields["month"].choices = [(month_key(m), month_text(month_key(m))) for m in r.months] or [(key, month_text(key))]
    if key not in dict(form.fields["month"].choices):
        form.fields["month"].choices.append((key, month_text(key)))
    rows = supervision_chain(r.facts, *month)
    roots = chain_tree(rows)
    context = {
        "form": form,
        "problem": problem,
        "month": month_text(key),
        "closed": month < r.current_month,
        "tree": [_node(r.facts, node, None, month) for node in roots],
        "case_managers": len(rows),
        "unbroken": sum(1 for row in rows if row.supervised and row.broken_at is None),
        "broken": [
            {"ref": n.staff, "name": name_of(r.facts, n.staff), "below": n.case_managers_below}
            for n in broken_links(roots)
        ],
        "previous": f"?{urlencode({'month': month_key(_month_before(month))})}",
        "next": f"?{urlencode({'month': month_key(_month_before(month, -1))})}" if month < r.current_month else "",
        "downloads": _downloads("chain", {"month": key}),
    }
    return render(request, "web/senior/chain.html", context)


STATUS_TAGS = {
    SUPERVISED: ("Supervised", "green"),
    BROKEN: ("Broken here", "red"),
    TOP: ("Top of the chain", "grey"),
    NOT_SUPERVISED: ("Not supervised", "red"),
    NOT_COVERED: ("Not a manager", "grey"),
}


def _node(facts: ServiceFacts, node, parent: str | None, month: tuple[int, int]) -> dict:
    label, colour = STATUS_TAGS[node.status]
    below = node.case_managers_below
    if node.status == BROKEN:
        text = (f"No formal one-to-one from {name_of(facts, parent)} in {month_text(month_key(month))}: the chain of "
                f"supervision breaks here for {below} case manager{'s' if below != 1 else ''} below.")
    elif node.status == NOT_SUPERVISED:
        text = f"No formal one-to-one in {month_text(month_key(month))}."
    elif node.status == TOP:
        text = "The top of the chain: supervised by nobody in the service."
    else:
        text = ""
    return {
        "ref": node.staff,
        "name": name_of(facts, node.staff),
        "role": role_of(facts, node.staff),
        "holds_cases": node.holds_cases,
        "label": label,
        "colour": colour,
        "text": text,
        "children": [_node(facts, child, node.staff, month) for child in node.children],
    }


# -- the compliance overview ----------------------------------------------------------------------
class RangeForm(GovukForm):
    """The months shown: ?from=YYYY-MM&to=YYYY-MM ("from" is a Python keyword, so fields are added here)."""

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.ChoiceField(label="From", choices=choices)
        self.fields["to"] = forms.ChoiceField(label="To", choices=choices)


MEASURES = (
    ("supervised", "Case holders supervised monthly", "supervised_pct", "supervised", "holders",
     "Of the people who held cases in the month, the share who had a formal one-to-one in it."),
    ("discussed", "Cases discussed at supervision", "discussed_pct", "discussed", "cases",
     ("Of the cases open in the month, the share discussed at a formal one-to-one as the policy requires "
      "(judged once the month is over).")),
    ("on_time", "Records on the child’s file on time", "on_time_pct", "on_time", "records",
     ("Of the records due for discussions and decisions held in the month, the share made within 5 working "
      "days (24 hours when significant or urgent). Records whose deadline is still ahead are not counted.")),
)


@dataclass(frozen=True)
class MonthRange:
    start: tuple[int, int]
    end: tuple[int, int]
    problems: list[str]
    cut: bool  # more months were asked for than are shown at once (MAX_MONTHS)


def compliance_range(r: Reports, asked_from: str | None, asked_to: str | None) -> MonthRange:
    """The months the overview shows: from ... to, by default the six months to last month."""
    end = parse_month(asked_to) or _month_before(r.current_month)
    start = parse_month(asked_from) or _month_before(end, 5)
    problems, cut = [], False
    if end > r.current_month:
        problems.append("The end month has not started: showing up to this month.")
        end = r.current_month
    if start > end:
        problems.append("The start month was after the end month: they are swapped.")
        start, end = end, start
    span = list(months_between(date(*start, 1), date(*end, 1)))
    if len(span) > MAX_MONTHS:
        problems.append(f"At most {MAX_MONTHS} months at once: showing the last {MAX_MONTHS}.")
        start, cut = span[-MAX_MONTHS], True
    return MonthRange(start, end, problems, cut)


def compliance_table(r: Reports, start: tuple[int, int], end: tuple[int, int]):
    """The months shown (YYYY-MM), the teams in the order shown (the whole service first, then by team
    manager's name, "no team manager above" last) and each (team, month)'s figures."""
    rows = compliance_overview(r.facts, r.now, start, end, r.findings)
    totals = service_totals(rows)
    months = [t.month for t in totals]
    teams = sorted({row.team for row in rows}, key=lambda t: (t == NO_TEAM, name_of(r.facts, t) if t != NO_TEAM else ""))
    by = {(row.team, row.month): row for row in rows} | {(t.team, t.month): t for t in totals}
    return months, [ALL_TEAMS, *teams], by


@page_policy("reports")
def compliance(request):
    r = reports_for(request)
    shown = compliance_range(r, request.GET.get("from"), request.GET.get("to"))
    start, end, problems = shown.start, shown.end, shown.problems
    choices = [(month_key(m), month_text(month_key(m))) for m in r.months]
    for value in (start, end):
        if month_key(value) not in dict(choices):
            choices.append((month_key(value), month_text(month_key(value))))
    form = RangeForm(initial={"from": month_key(start), "to": month_key(end)}, choices=choices)

    months, order, by = compliance_table(r, start, end)
    labels = [short_month(m) for m in months]
    sections = []
    for key, title, pct, part, whole, explain in MEASURES:
        series = [Series(team_name(r.facts, t), [getattr(by[(t, m)], pct) for m in months]) for t in order]
        table = [
            {"team": team_name(r.facts, t), "cells": [_pct_cell(by[(t, m)], pct, part, whole) for m in months]}
            for t in order
        ]
        sections.append({
            "id": key, "title": title, "explain": explain, "table": table,
            "chart": line_chart(
                title=f"{title}, by month", labels=labels, series=series,
                desc=f"{title} for the whole service and each team, {month_text(months[0])} to "
                f"{month_text(months[-1])}, as a percentage. The table that follows gives the same figures.",
            ) if months else "",
        })
    gap_table = [
        {"team": team_name(r.facts, t), "cells": [str(by[(t, m)].cover_gap_days) for m in months]} for t in order
    ]
    context = {
        "form": form,
        "problems": problems,
        "months": [month_text(m) for m in months],
        "short_months": labels,
        "range": f"{month_text(month_key(start))} to {month_text(month_key(end))}",
        "sections": sections,
        "gap_table": gap_table,
        "gap_chart": bar_chart(
            title="Cover gap days, by month", labels=labels,
            values=[by[(ALL_TEAMS, m)].cover_gap_days for m in months],
            desc="For the whole service, the number of days on which a child had no named contact (counted per "
            "child and working day), by month. The table that follows gives the figures by team.",
        ) if months else "",
        "includes_current": end == r.current_month,
        "downloads": _downloads("compliance", {"from": month_key(start), "to": month_key(end)}),
    }
    return render(request, "web/senior/compliance.html", context)


def _pct_cell(row, pct: str, part: str, whole: str) -> dict:
    value = getattr(row, pct)
    if value is None:
        if pct == "discussed_pct" and not row.closed:
            return {"value": "Month not over", "detail": ""}
        return {"value": "No figure", "detail": ""}
    return {"value": f"{value:g}%", "detail": f"{getattr(row, part)} of {getattr(row, whole)}"}


# -- the findings ---------------------------------------------------------------------------------
class FindingsFilter(GovukForm):
    rule = forms.ChoiceField(label="Rule", required=False)
    status = forms.ChoiceField(
        label="Status", required=False,
        choices=[("", "Any status"), ("breach", "Breach"), ("due", "Due"), ("warning", "Warning")],
    )
    team = forms.ChoiceField(label="Team", required=False)
    sort = forms.ChoiceField(
        label="Sort by", required=False,
        choices=[("due", "Deadline, soonest first"), ("-due", "Deadline, latest first")],
    )


@page_policy("reports")
def findings(request):
    r = reports_for(request)
    facts, today = r.facts, r.today
    team_managers = sorted(
        (s for s in facts.staff if s.role == TEAM_MANAGER and s.employed_on(today)), key=lambda s: (s.name, s.id)
    )
    form = FindingsFilter(request.GET or None)
    form.fields["rule"].choices = [("", "Any rule"), *((rule, f"{rule}: {BY_ID[rule].title}") for rule in RULE_IDS)]
    form.fields["team"].choices = [("", "Any team"), *((s.id, f"Team of {s.name}") for s in team_managers),
                                   (NO_TEAM, "No team manager above")]
    chosen = form.cleaned_data if form.is_valid() else {}
    rule, status, team = chosen.get("rule") or "", chosen.get("status") or "", chosen.get("team") or ""
    found = [
        f for f in r.findings
        if (not rule or f.rule == rule) and (not status or str(f.status) == status)
        and (not team or (team_of_finding(facts, f, today) or NO_TEAM) == team)
    ]
    if chosen.get("sort") == "-due":
        found = sorted(found, key=lambda f: (f.due is not None, f.due.timestamp() if f.due else 0), reverse=True)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    show_detail = r.reads_narrative
    counts = {s: sum(1 for f in found if str(f.status) == s) for s in ("breach", "due", "warning")}
    selected = []
    for name, value, label in (("rule", rule, rule), ("status", status, status.capitalize()),
                               ("team", team, dict(form.fields["team"].choices).get(team, team))):
        if value:
            query = request.GET.copy()
            query.pop(name, None)
            query.pop("page", None)
            selected.append({"heading": form.fields[name].label, "text": label, "href": f"?{query.urlencode()}"})
    rows = [
        {
            "deadline": _upper_first(deadline_text(f.due, r.tz)) if f.due else "No deadline",
            "due_iso": f.due.isoformat() if f.due else "",
            "status": str(f.status),
            "rule": f.rule,
            "title": BY_ID[f.rule].title if f.rule in BY_ID else f.rule,
            "subject": f.subject,
            "case": f.case or "",
            "period": f.period or "",
            "detail": f.detail if show_detail else "",
        }
        for f in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    downloads = [(text, f"{url}?{query.urlencode()}" if query else url)
                 for text, url in (("CSV", _url("web:findings-csv")), ("Excel", _url("web:findings-xlsx"))) if url]
    context = {
        "form": form,
        "downloads": downloads,
        "rows": rows,
        "page_obj": page,
        "total": len(found),
        "counts": counts,
        "show_detail": show_detail,
        "selected": selected,
    }
    return render(request, "web/senior/findings.html", context)


def _downloads(page: str, query: dict[str, str]) -> list[tuple[str, str]]:
    """The page's figures as CSV and as Excel, for exactly the months shown."""
    return [(f"Download as {label}", f"{reverse(f'web:{page}-{fmt}')}?{urlencode(query)}")
            for fmt, label in (("csv", "CSV"), ("xlsx", "Excel"))]


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:  # another area's page, not there (yet)
        return None


def _upper_first(words: str) -> str:
    return words[:1].upper() + words[1:]
