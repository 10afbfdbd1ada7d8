"""The team cover board (/team/cover/) and its day detail (/team/cover/<day>/): four weeks of the
manager's people, who covers their cases on the days they are away, and the gaps, before they happen.

Everything shown comes from oversight.policy.board.cover_board (cover resolution and the buddy
policy's findings); this module only words and lays it out.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import groupby
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from oversight.accounts.permissions import page_policy
from oversight.policy.board import Gap, board_days, cover_board, week_start
from oversight.policy.cover import Via
from oversight.policy.findings import Status
from oversight.web.casework.display import KINDS, VIA_LABELS, long_day, name_of, span_text
from oversight.web.team.common import (
    GAP_COLOUR,
    GAP_MEANING,
    GAP_TEXT,
    VIA_SHORT,
    Manager,
    case_url,
    finding_row,
    gap_tags,
    manager_for,
    passed_over_text,
    short_day,
)

# How far from this week the board may be moved (the rules are judged over the days shown).
REACH = timedelta(weeks=52)


def _parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _within_reach(m: Manager, day: date) -> bool:
    return m.today - REACH <= day <= m.today + REACH


def _board_url(start: date | None = None) -> str:
    url = reverse("web:cover-board")
    return f"{url}?{urlencode({'start': start.isoformat()})}" if start else url


def _day_url(day: date) -> str:
    return reverse("web:cover-day", args=[day.isoformat()])


def _absence_url(ref: str) -> str:
    return reverse("web:team-absence", args=[ref])


def _gap_runs(m: Manager, result) -> list[dict]:
    """Days with gaps, consecutive working days with the same gaps for the same people as one run."""
    runs: list[dict] = []
    position = {day: i for i, day in enumerate(result.days)}
    for day, cells in result.gap_days():
        people = [{"name": name_of(m.facts, c.staff), "tags": gap_tags(m, c)} for c in cells]
        last = runs[-1] if runs else None
        if last and last["people"] == people and position[last["last"]] + 1 == position[day]:
            last["last"] = day
            last["days"] += 1
            continue
        runs.append({"first": day, "last": day, "days": 1, "people": people, "href": _day_url(day)})
    for run in runs:
        run["span"] = (long_day(run["first"]) if run["days"] == 1
                       else f"{long_day(run['first'])} to {long_day(run['last'])} ({run['days']} working days)")
        run["today"] = run["first"] <= m.today <= run["last"]
    return runs


def _cell_view(m: Manager, cell) -> dict:
    if not cell.employed:
        return {"state": "not_employed", "staff": cell.staff, "day": cell.day}
    tags = gap_tags(m, cell)
    colours = {tag["colour"] for tag in tags}
    view = {
        "state": "absent" if cell.absence else "present",
        "staff": cell.staff,
        "day": cell.day,
        "gaps": tags,
        "level": next((c for c in ("red", "orange", "yellow") if c in colours), ""),
        "covering": len(cell.covering),
        "on_duty": len(cell.on_duty),
        "contacts": [
            {"name": "Nobody" if contact is None else name_of(m.facts, contact), "via": VIA_SHORT[str(via)],
             "cases": n, "none": via is Via.NONE}
            for contact, via, n in cell.contacts()
        ],
    }
    if cell.absence:
        view["absence"] = {"kind": KINDS.get(cell.absence.kind, cell.absence.kind),
                           "href": _absence_url(cell.absence.id), "planned": cell.absence.planned}
    return view


def _duty_view(m: Manager, duty) -> dict:
    return {
        "officers": [{"name": name_of(m.facts, s), "cases": n, "overloaded": s in duty.overloaded}
                     for s, n in duty.load],
        "nobody": not duty.load,
        "unreached": duty.unreached,
    }


@page_policy("manager")
def board(request):
    m = manager_for(request)
    start = _parse_day(request.GET.get("start")) or m.today
    if not _within_reach(m, start):
        start = m.today
    days = board_days(m.calendar, start)
    result = cover_board(m.facts, m.now, m.people, days)
    monday = week_start(start)
    weeks = []
    for week_monday, week_days in groupby(days, week_start):
        week_days = list(week_days)
        weeks.append({
            "caption": f"Week beginning {long_day(week_monday)}",
            "days": [{"label": short_day(d), "long": long_day(d), "href": _day_url(d), "today": d == m.today}
                     for d in week_days],
            "rows": [
                {"staff": person, "name": name_of(m.facts, person), "label": m.label(person),
                 "cells": [_cell_view(m, result.cell(person, d)) for d in week_days]}
                for person in m.people
            ],
            "duty": [_duty_view(m, result.duty[d]) for d in week_days],
        })
    gap_runs = _gap_runs(m, result)
    absences = [
        {"ref": a.id, "href": _absence_url(a.id), "name": name_of(m.facts, a.staff),
         "kind": KINDS.get(a.kind, a.kind), "planned": a.planned,
         "span": span_text(a.first_day, a.actual_last_day or a.expected_last_day),
         "open_ended": a.actual_last_day is None and a.first_day <= m.today,
         "findings": [finding_row(m, f) for f in result.findings_by_absence.get(a.id, ())]}
        for a in result.absences
    ]
    no_contact = [f for f in result.findings if f.rule == "COV-CONTACT" and f.status is not Status.WARNING]
    listed = [f for f in result.findings if f not in no_contact and f.rule not in
              ("COV-LEAVE-SHEET", "COV-INFORMED", "COV-REALLOCATE")]
    return render(request, "web/team/board.html", {
        "weeks": weeks,
        "first": long_day(days[0]) if days else "",
        "last": long_day(days[-1]) if days else "",
        "people": m.people,
        "gap_runs": gap_runs,
        "absences": absences,
        "findings": [finding_row(m, f) for f in listed],
        "no_contact_cases": len({f.case for f in no_contact}),
        "no_contact_text": _no_contact_text(no_contact),
        "previous": _board_url(monday - timedelta(weeks=1)) if _within_reach(m, monday - timedelta(weeks=1)) else "",
        "next": _board_url(monday + timedelta(weeks=1)) if _within_reach(m, monday + timedelta(weeks=1)) else "",
        "this_week": _board_url() if monday != week_start(m.today) else "",
        "legend": [{"text": GAP_TEXT.get(g, "No leave sheet / Cover not confirmed"),
                    "colour": GAP_COLOUR.get(g, "red"), "meaning": GAP_MEANING[g]} for g in Gap],
    })


@page_policy("manager")
def day(request, day: str):
    m = manager_for(request)
    when = _parse_day(day)
    if when is None or not _within_reach(m, when):
        raise Http404("No such day")
    result = cover_board(m.facts, m.now, m.people, [when])
    duty = result.duty[when]
    sections, at_work = [], []
    for person in m.people:
        cell = result.cell(person, when)
        if not cell.employed:
            continue
        if not cell.absence and not cell.affected and not cell.gaps:
            at_work.append(name_of(m.facts, person))
            continue
        rows = []
        for case_day in cell.affected:
            answer = case_day.answer
            case = m.facts.case_by_id[answer.case]
            rows.append({
                "case": answer.case, "href": case_url(answer.case), "child": case.name,
                "contact": name_of(m.facts, answer.contact), "via": VIA_LABELS[str(answer.via)],
                "none": answer.via is Via.NONE,
                "reasons": [passed_over_text(m, p) for p in answer.passed_over],
                "gaps": [{"text": GAP_TEXT[g], "colour": GAP_COLOUR[g]} for g in case_day.gaps],
            })
        absence = cell.absence
        sections.append({
            "name": name_of(m.facts, person), "label": m.label(person), "rows": rows,
            "gaps": gap_tags(m, cell),
            "absence": {
                "href": _absence_url(absence.id), "kind": KINDS.get(absence.kind, absence.kind).lower(),
                "planned": absence.planned,
                "span": span_text(absence.first_day, absence.actual_last_day or absence.expected_last_day),
                "open_ended": absence.actual_last_day is None and absence.first_day <= m.today,
            } if absence else None,
            "findings": [finding_row(m, f) for f in cell.findings],
            "cases": len(cell.cases), "covering": len(cell.covering), "on_duty": len(cell.on_duty),
        })
    day_findings = [f for f in result.findings if f.rule in ("COV-DUTY-LOAD", "COV-BUDDY-LOAD")]
    return render(request, "web/team/day.html", {
        "day": long_day(when),
        "working_day": m.calendar.is_working_day(when),
        "back": _board_url(when),
        "sections": sections,
        "at_work": at_work,
        "duty": _duty_view(m, duty),
        "rota": [name_of(m.facts, s) for s in duty.rota],
        "findings": [finding_row(m, f) for f in day_findings],
        "previous": _day_url(_previous_working_day(m, when)),
        "next": _day_url(m.calendar.working_days_after(when, 1)),
    })


def _previous_working_day(m: Manager, day: date) -> date:
    day -= timedelta(days=1)
    while not m.calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def _no_contact_text(found) -> str:
    cases, days = len({f.case for f in found}), len({f.due for f in found})
    return (f"{cases} case{'s' if cases != 1 else ''} of your line {'have' if cases != 1 else 'has'} no named "
            f"contact on {days} working day{'s' if days != 1 else ''} in these weeks: see the days marked "
            "“No contact”.")
