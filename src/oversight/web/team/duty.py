"""Today's duty list (/duty/): for a duty officer on today's rota, the cases cover resolution routes
to them today, why (whose absence, who was passed over) and the child's key details. Cases that fall
to duty are shared among the officers present as cover resolution shares them; others are told
that they are not on duty and who is."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date

from django.shortcuts import render

from oversight.accounts.permissions import cover_facts, local_now, page_policy, require_identity
from oversight.people.models import Contact
from oversight.policy import facts as f
from oversight.policy.casefile import last_face_to_face
from oversight.policy.cover import Via, resolve_day
from oversight.web.casework.display import KINDS, ORDERS, RISKS, long_day, name_of, relative_days
from oversight.web.team.common import case_url


def age_on(born: date | None, day: date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@page_policy("signed_in")
def duty(request):
    identity = require_identity(request)
    now, today = local_now(identity)
    facts = cover_facts(request, identity)
    me = identity.viewer.staff
    rota = list(facts.duty_by_day.get(today, ()))
    answers = resolve_day(facts, today, known_at=now)
    to_duty = [a for a in answers if a.via is Via.DUTY]
    split = Counter(a.contact for a in to_duty)
    officers = [
        {"name": name_of(facts, s), "cases": split[s], "present": facts.is_present(s, today), "me": s == me}
        for s in rota
    ]
    on_duty = me is not None and me in rota and facts.is_present(me, today)
    mine = [a for a in to_duty if a.contact == me] if on_duty else []
    return render(request, "web/team/duty.html", {
        "today": long_day(today),
        "on_rota": me is not None and me in rota,
        "on_duty": on_duty,
        "officers": officers,
        "present_officers": [o for o in officers if o["present"]],
        "total": len(to_duty),
        "cases": _cards(identity, facts, mine, today),
    })


def _cards(identity, facts: f.ServiceFacts, answers, today: date) -> list[dict]:
    refs = [a.case for a in answers]
    seen_facts = replace(facts, contacts=tuple(
        f.Contact(case=c, day=d, kind=k)
        for c, d, k in Contact.objects.filter(
            service=identity.service, case__ref__in=refs, kind="face_to_face", day__lte=today
        ).values_list("case__ref", "day", "kind")
    )) if refs else facts
    cards = []
    for answer in answers:
        case = facts.case_by_id[answer.case]
        seen = last_face_to_face(seen_facts, answer.case, today)
        age = age_on(case.date_of_birth, today)
        manager = answer.case_manager
        absence = facts.absence_on(manager, today) if manager else None
        if absence is not None:
            kind = KINDS.get(absence.kind, absence.kind).lower()
            span = (f"from {long_day(absence.first_day)} to {long_day(absence.actual_last_day)}"
                    if absence.actual_last_day else
                    f"since {long_day(absence.first_day)}, expected last day {long_day(absence.expected_last_day)}")
            whose = f"{name_of(facts, manager)}, the case manager, is away: {kind} {span}"
        elif manager is None:
            whose = "The case has no case manager today"
        else:
            whose = f"{name_of(facts, manager)}, the case manager, is not at work today"
        cards.append({
            "case": answer.case, "href": case_url(answer.case), "name": case.name,
            "age": f"{age}" if age is not None else "Not known",
            "order": ORDERS.get(case.order_type, case.order_type), "risk": RISKS.get(case.risk, case.risk),
            "seen": f"{long_day(seen)} ({relative_days(seen, today)})" if seen else "Not seen face to face",
            "whose": whose,
            "passed_over": [
                f"{name_of(facts, p.staff)}: {p.reason}" if p.staff else p.reason[:1].upper() + p.reason[1:]
                for p in answer.passed_over
                if manager is None or p.staff != manager
            ],
        })
    return cards
