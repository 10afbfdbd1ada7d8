"""Temporary reallocation (/team/reallocate/): one or many open cases of the manager's line to a
colleague, from a first day to a last day; the page shows who the named contact is then."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render

from oversight.accounts.permissions import page_policy
from oversight.cover.models import Reallocation
from oversight.cover.services_team import reallocation_create
from oversight.people.models import Case, Staff
from oversight.policy.cover import resolve_day
from oversight.store.read import service_facts
from oversight.web.casework.display import VIA_LABELS, long_day, name_of
from oversight.web.casework.forms import show_service_errors
from oversight.web.team.common import Manager, case_url, manager_for
from oversight.web.team.forms import ReallocationForm


def _open_cases(m: Manager) -> list[str]:
    """The open cases of the manager's line today, by case manager (people are in name order)."""
    return [c for person in m.people for c in sorted(m.facts.open_cases_of(person, m.today))]


@page_policy("manager")
def reallocate(request):
    m = manager_for(request)
    cases = _open_cases(m)
    today = {a.case: a for a in resolve_day(m.facts, m.today, known_at=m.now)}
    choices = [(ref, f"{ref}: {m.facts.case_by_id[ref].name}") for ref in cases]
    hints = {
        ref: (f"Case manager {name_of(m.facts, today[ref].case_manager)}; named contact today "
              f"{name_of(m.facts, today[ref].contact)} ({VIA_LABELS[str(today[ref].via)]})")
        for ref in cases
    }
    workers = [
        (s.id, m.label(s.id)) for s in sorted(m.facts.staff, key=lambda s: (s.name, s.id)) if s.employed_on(m.today)
    ]
    form = ReallocationForm(request.POST or None, cases=choices, workers=workers, initial={"start": m.today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = list(Case.objects.filter(service=m.identity.service, ref__in=data["cases"]))
        worker = Staff.objects.get(service=m.identity.service, ref=data["staff"])
        try:
            created = reallocation_create(cases=chosen, staff=worker, start=data["start"], end=data["end"], by=m.staff,
                                          actor=m.identity.label, on=m.today)
        except ValidationError as invalid:
            show_service_errors(form, invalid)
        else:
            messages.success(request, " ".join(_effect(m, [r.case.ref for r in created], worker, data["start"],
                                                       data["end"])))
            return redirect("web:team-reallocate")
    return render(request, "web/team/reallocate.html", {
        "form": form, "case_hints": hints, "has_cases": bool(cases), "current": _current(m, cases),
    })


def _effect(m: Manager, refs: list[str], worker: Staff, start: date, end: date) -> list[str]:
    """What the reallocation does to cover on its first day, asked of cover resolution afresh."""
    facts = service_facts(m.identity.service, with_casework=False).known_on(m.today)
    answers = [a for a in resolve_day(facts, start, known_at=m.now) if a.case in set(refs)]
    grouped = defaultdict(list)
    for answer in answers:
        grouped[(answer.contact, str(answer.via))].append(answer.case)
    cases = f"{len(refs)} case{'s' if len(refs) != 1 else ''}"
    lines = [f"{cases} reallocated to {worker.name} from {long_day(start)} to {long_day(end)}."]
    for (contact, via), case_refs in sorted(grouped.items(), key=lambda item: item[1]):
        lines.append(f"On {long_day(start)} the named contact of {', '.join(case_refs)} is "
                     f"{name_of(facts, contact)} ({VIA_LABELS[via]}).")
    return lines


def _current(m: Manager, cases: list[str]) -> list[dict]:
    """Reallocations of the line's open cases that have not ended, with the named contact on the
    first day they are in force from today."""
    rows = (
        Reallocation.objects.filter(service=m.identity.service, case__ref__in=cases)
        .filter(Q(end__isnull=True) | Q(end__gte=m.today)).select_related("case", "staff", "by").order_by("start", "case__ref")
    )
    out, answers_by_day = [], {}
    for r in rows:
        day = max(r.start, m.today)
        if day not in answers_by_day:
            answers_by_day[day] = {a.case: a for a in resolve_day(m.facts, day, known_at=m.now)}
        answer = answers_by_day[day].get(r.case.ref)
        out.append({
            "case": r.case.ref, "href": case_url(r.case.ref), "child": r.case.name,
            "manager": name_of(m.facts, answer.case_manager if answer else None), "worker": r.staff.name,
            "span": f"{long_day(r.start)} to {long_day(r.end)}" if r.end else f"From {long_day(r.start)}",
            "day": long_day(day),
            "contact": f"{name_of(m.facts, answer.contact)} ({VIA_LABELS[str(answer.via)]})" if answer else "",
            "by": r.by.name if r.by_id else "",
        })
    return out
