"""The compliance overview and the chain of supervision as CSV and Excel, for whoever may read the
pages (page policy "reports": senior managers and the performance team).

Each export takes the page's own query (`?from=YYYY-MM&to=YYYY-MM`, `?month=YYYY-MM`) and gives the
figures the page shows for it, with the same defaults. Where the page corrects what it was asked for
and says so, an export cannot say so: a month it cannot read, a chain month not started yet, or more
than MAX_MONTHS months answer 400 with the reason instead of a file holding other rows than asked for.
Written through reports.tables and audited like the findings export (web/reports/downloads.py).
"""

from __future__ import annotations

from django.views.decorators.http import require_GET

from oversight.accounts.permissions import page_policy
from oversight.policy.compliance import TeamMonth
from oversight.policy.supervision import supervision_chain
from oversight.reports.tables import Column
from oversight.web.reports.downloads import BadFilters, bad_filters, table_download
from oversight.web.senior.chain import chain_tree, walk
from oversight.web.senior.views import (
    MAX_MONTHS,
    STATUS_TAGS,
    Reports,
    chain_month,
    compliance_range,
    compliance_table,
    month_key,
    parse_month,
    reports_for,
    team_name,
)
from oversight.web.supervision.display import month_text, name_of, role_of


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


QUERY_MONTHS = {"from": "start month", "to": "end month", "month": "month"}


def _asked_month(request, name: str) -> str | None:
    text = request.GET.get(name) or None
    if text is not None and parse_month(text) is None:
        raise BadFilters(f"The {QUERY_MONTHS[name]} “{text[:20]}” cannot be read: write it as YYYY-MM, "
                         "for example 2026-01.")
    return text


# -- the compliance overview ----------------------------------------------------------------------
def _compliance_columns(r: Reports) -> list[Column]:
    def team(row: TeamMonth) -> str:
        return team_name(r.facts, row.team)

    return [
        Column("Team", team, width=28),
        Column("Team id", lambda row: row.team, width=10),
        Column("Month", lambda row: row.month, width=10),
        Column("Month over", lambda row: _yes(row.closed), width=11),
        Column("Case holders", lambda row: row.holders, "number", 13),
        Column("Case holders supervised", lambda row: row.supervised, "number", 14),
        Column("Supervised monthly (%)", lambda row: row.supervised_pct, "percent", 14),
        Column("Cases open", lambda row: row.cases, "number", 11),
        Column("Cases discussed", lambda row: row.discussed, "number", 14),  # blank until the month is judged
        Column("Cases discussed (%)", lambda row: row.discussed_pct, "percent", 14),
        Column("Records due", lambda row: row.records, "number", 12),
        Column("Records on time", lambda row: row.on_time, "number", 14),
        Column("Records on time (%)", lambda row: row.on_time_pct, "percent", 14),
        Column("Cover gap days", lambda row: row.cover_gap_days, "number", 14),
    ]


def _compliance_download(request, fmt: str):
    r = reports_for(request)
    shown = compliance_range(r, _asked_month(request, "from"), _asked_month(request, "to"))
    if shown.cut:
        raise BadFilters(f"At most {MAX_MONTHS} months at once: ask for fewer months.")
    months, order, by = compliance_table(r, shown.start, shown.end)
    rows = [by[(team, month)] for team in order for month in months]  # as the page's tables: team by team
    first, last = month_key(shown.start), month_key(shown.end)
    return table_download(
        identity=r.identity, fmt=fmt, what=f"Compliance overview {month_text(first)} to {month_text(last)}",
        object_type="compliance", sheet="Compliance", columns=_compliance_columns(r), rows=rows,
        filters={"from": first, "to": last}, filename=f"compliance-{first}-to-{last}", tz=r.tz,
    )


@require_GET
@page_policy("reports")
@bad_filters
def compliance_csv(request):
    return _compliance_download(request, "csv")


@require_GET
@page_policy("reports")
@bad_filters
def compliance_xlsx(request):
    return _compliance_download(request, "xlsx")


# -- the chain of supervision ---------------------------------------------------------------------
def _chain_download(request, fmt: str):
    r = reports_for(request)
    month, problem = chain_month(r, _asked_month(request, "month"))
    if problem:
        asked = month_text(request.GET["month"])
        raise BadFilters(f"{asked} has not started: there is no chain of supervision to export for it yet.")
    key = month_key(month)
    columns = [
        Column("Month", lambda _: key, width=10),
        Column("Level", lambda n: n[2], "number", 8),  # 1: the top of the chain
        Column("Staff id", lambda n: n[0].staff, width=10),
        Column("Name", lambda n: name_of(r.facts, n[0].staff), width=24),
        Column("Role", lambda n: role_of(r.facts, n[0].staff), width=28),
        Column("Line manager id", lambda n: n[1] or "", width=16),
        Column("Case manager", lambda n: _yes(n[0].holds_cases), width=13),
        Column("Status", lambda n: STATUS_TAGS[n[0].status][0], width=18),
        Column("Case managers below", lambda n: n[0].case_managers_below, "number", 20),
    ]
    rows = walk(chain_tree(supervision_chain(r.facts, *month)))
    return table_download(
        identity=r.identity, fmt=fmt, what=f"Chain of supervision {month_text(key)}",
        object_type="supervision_chain", sheet="Chain of supervision", columns=columns, rows=rows,
        filters={"month": key}, filename=f"chain-of-supervision-{key}", tz=r.tz,
    )


@require_GET
@page_policy("reports")
@bad_filters
def chain_csv(request):
    return _chain_download(request, "csv")


@require_GET
@page_policy("reports")
@bad_filters
def chain_xlsx(request):
    return _chain_download(request, "xlsx")
