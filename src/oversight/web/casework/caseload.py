"""My caseload (the cases I manage) and the cases I cover for absent colleagues today."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.shortcuts import render
from django.urls import reverse

from oversight.accounts.permissions import caseload_for, cover_facts, local_now, page_policy, require_identity
from oversight.audit.history import entries_by
from oversight.policy.access import past_cover, past_cover_years
from oversight.policy.calendar import WorkingCalendar
from oversight.policy.casefile import last_face_to_face, next_discussion_due
from oversight.policy.cover import resolve_day
from oversight.policy.facts import RISKS as RISK_ORDER
from oversight.web.casework.display import (
    ORDERS,
    RISKS,
    VIA_LABELS,
    long_day,
    moment_text,
    name_of,
    relative_days,
    span_text,
)
from oversight.web.casework.selectors import with_casework_of

# "Cases you covered before" shows the absences that ended in the last three months, and any year
# on request: ten years of a buddy's cover are thousands of periods, too many for one page.
RECENT_COVER_DAYS = 92

# The lawful bases (oversight.policy.access) on which a colleague's case is mine today only because
# I cover it: a buddy or the leave sheet's cover while the case manager is absent, a temporary
# reallocation, or the duty rota.
COVER_BASES = ("cover for ", "temporary reallocation", "duty")


def _calendar(service) -> WorkingCalendar:
    return WorkingCalendar(service.holidays, service.timezone)


@page_policy("signed_in")
def caseload(request):
    identity = require_identity(request)
    now, today = local_now(identity)
    facts = cover_facts(request, identity)
    access = caseload_for(request, identity)
    mine = sorted(
        ref for ref, a in access.items()
        if a.basis == "case manager" and facts.case_by_id[ref].open_on(today)
    )
    paired = sorted(
        ref for ref, a in access.items() if a.basis == "paired worker" and facts.case_by_id[ref].open_on(today)
    )
    calendar = _calendar(identity.service)
    month_start = datetime.combine(today.replace(day=1), time(0), tzinfo=calendar.tz)
    work = with_casework_of(facts, identity.service, mine, held_since=month_start)
    answers = {a.case: a for a in resolve_day(facts, today, mine + paired, known_at=now)} if mine or paired else {}
    rows = []
    for ref in mine:
        case = facts.case_by_id[ref]
        answer = answers[ref]
        seen = last_face_to_face(work, ref, today)
        due = next_discussion_due(work, ref, calendar, now)
        rows.append([
            {"text": f"{ref}: {case.name}", "href": reverse("web:case", args=[ref]), "sort_value": ref},
            {"text": RISKS.get(case.risk, case.risk), "sort_value": RISK_ORDER.index(case.risk)},
            ORDERS.get(case.order_type, case.order_type),
            {"text": f"{name_of(facts, answer.contact)} ({VIA_LABELS[str(answer.via)]})"},
            {"text": f"{long_day(seen)} ({relative_days(seen, today)})" if seen else "Not seen face to face",
             "sort_value": seen.isoformat() if seen else ""},
            {"text": f"By {long_day(due)}", "sort_value": due.date().isoformat()},
        ])
    paired_rows = [
        [
            {"text": f"{ref}: {facts.case_by_id[ref].name}", "href": reverse("web:case", args=[ref])},
            RISKS.get(facts.case_by_id[ref].risk, facts.case_by_id[ref].risk),
            ORDERS.get(facts.case_by_id[ref].order_type, facts.case_by_id[ref].order_type),
            name_of(facts, facts.case_manager_on(ref, today)),
            f"{name_of(facts, answers[ref].contact)} ({VIA_LABELS[str(answers[ref].via)]})",
        ]
        for ref in paired
    ]
    return render(request, "web/casework/caseload.html", {
        "rows": rows,
        "paired_rows": paired_rows,
        "paired_head": [{"text": "Case"}, {"text": "Risk of serious harm"}, {"text": "Order"},
                        {"text": "Case manager"}, {"text": "Named contact today"}],
        "today": long_day(today),
        "head": [
            {"text": "Case", "sort": "ascending"},
            {"text": "Risk of serious harm", "sort": "none"},
            {"text": "Order", "sort": "none"},
            {"text": "Named contact today", "sort": "none"},
            {"text": "Last seen face to face", "sort": "none"},
            {"text": "Next discussed at supervision", "sort": "none"},
        ],
    })


@page_policy("signed_in")
def covering(request):
    identity = require_identity(request)
    now, today = local_now(identity)
    facts = cover_facts(request, identity)
    access = caseload_for(request, identity)
    covered = sorted(
        ref for ref, a in access.items() if a.basis.startswith(COVER_BASES) and facts.case_by_id[ref].open_on(today)
    )
    answers = {a.case: a for a in resolve_day(facts, today, covered, known_at=now)} if covered else {}
    rows = []
    for ref in covered:
        case = facts.case_by_id[ref]
        manager = facts.case_manager_on(ref, today)
        absence = facts.absence_on(manager, today) if manager else None
        away = _away(absence, today) if absence is not None else "At work"
        answer = answers.get(ref)
        rows.append([
            {"text": f"{ref}: {case.name}", "href": reverse("web:case", args=[ref])},
            RISKS.get(case.risk, case.risk),
            name_of(facts, manager) if manager else "No case manager",
            away,
            _why(access[ref].basis, facts),
            f"{name_of(facts, answer.contact)} ({VIA_LABELS[str(answer.via)]})" if answer else "",
        ])
    years = past_cover_years(facts, identity.viewer, today)
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and int(year) in years else None
    ended_in = ((date(year, 1, 1), date(year, 12, 31)) if year is not None
                else (today - timedelta(days=RECENT_COVER_DAYS), today))
    return render(request, "web/casework/covering.html", {
        "rows": rows,
        "covered_before": _covered_before(identity, facts, today, ended_in),
        "covered_year": year,
        "covered_years": [{"year": y, "href": f"{reverse('web:covering')}?year={y}#covered-before"} for y in years],
        "recent_href": f"{reverse('web:covering')}#covered-before",
        "history_head": [{"text": "When"}, {"text": "What"}, {"text": "Summary"}],
        "today": long_day(today),
        "head": [
            {"text": "Case"},
            {"text": "Risk of serious harm"},
            {"text": "Case manager"},
            {"text": "Case manager’s absence"},
            {"text": "Why you see it"},
            {"text": "Named contact today"},
        ],
    })


def _covered_before(identity, facts, today, ended_in) -> list[dict]:
    """Cover I gave during absences that ended in `ended_in`, with what I did on each case while
    covering, from my own audit entries: read-only, and without the child's file
    (policy.access.past_cover)."""
    periods = past_cover(facts, identity.viewer, today, ended_in=ended_in)
    if not periods:
        return []
    tz = ZoneInfo(identity.service.timezone)
    mine = list(entries_by(service=identity.service, actor=identity.label, case_refs={p.case for p in periods}))
    return [
        {
            "caption": (f"Case {p.case}: you covered for {name_of(facts, p.case_manager)} "
                        f"(absence {p.absence}), {span_text(p.first, p.last)}"),
            "rows": [
                [moment_text(e.at, tz), e.get_action_display(), e.summary]
                for e in mine
                if e.case_ref == p.case and p.first <= e.at.astimezone(tz).date() <= p.last
            ],
        }
        for p in periods
    ]


def _away(absence, today) -> str:
    if absence.actual_last_day is not None:
        return f"Away to {long_day(absence.actual_last_day)}"
    if absence.expected_last_day >= today:
        return f"Away, last day expected {long_day(absence.expected_last_day)}"
    return (f"Away since {long_day(absence.first_day)}: return not recorded "
            f"(expected after {long_day(absence.expected_last_day)})")


def _why(basis: str, facts) -> str:
    if basis.startswith("cover for "):
        # "cover for Y1 during absence L1": the buddy or the leave sheet's cover.
        who, _, absence = basis.removeprefix("cover for ").partition(" during absence ")
        return f"You cover for {name_of(facts, who)} during absence {absence}"
    if basis == "temporary reallocation":
        return "Temporarily reallocated to you"
    if basis == "duty":
        return "You are the duty officer today"
    return basis
