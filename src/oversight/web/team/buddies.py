"""Cross-grade buddies of the manager's line (/team/buddies/): the nominations that need management
approval (COV-GRADE), and approving them."""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render

from oversight.accounts.permissions import page_policy
from oversight.cover.models import BuddyNomination
from oversight.cover.services_team import buddy_approve
from oversight.policy.cover import buddy_invalid_reason
from oversight.policy.nominations import nomination_states
from oversight.store.versions import StaleEdit, snapshot
from oversight.web.casework.display import long_day, name_of
from oversight.web.team.common import manager_for
from oversight.web.team.forms import ApproveForm


@page_policy("manager")
def buddies(request):
    m = manager_for(request)
    errors: list[str] = []
    if request.method == "POST":
        form = ApproveForm(request.POST)
        nomination = None
        if form.is_valid():
            nomination = (
                BuddyNomination.objects.filter(service=m.identity.service, pk=form.cleaned_data["nomination"])
                .select_related("staff", "buddy").first()
            )
        if nomination is None or nomination.staff.ref not in m.people:
            raise m.refuse("buddy_nomination", str(request.POST.get("nomination", ""))[:40])
        try:
            buddy_approve(nomination=nomination, by=m.staff, seen=form.cleaned_data["seen"],
                          actor=m.identity.label, on=m.today)
        except StaleEdit:
            errors.append(f"Someone else changed {nomination.staff.name}’s nomination of {nomination.buddy.name} "
                          "while you were looking at it. Check it as it is now and try again.")
        except ValidationError as invalid:
            errors.extend(invalid.messages)
        else:
            messages.success(request, f"Approved: {nomination.buddy.name} can now act as "
                                      f"{nomination.staff.name}’s buddy.")
            return redirect("web:team-buddies")
    return render(request, "web/team/buddies.html", {
        **_lists(m), "errors": [{"field_id": "", "message": e} for e in errors], "form": {"errors": errors},
    })


def _lists(m) -> dict:
    stored = {
        (n.staff.ref, n.buddy.ref, n.start): n
        for n in BuddyNomination.objects.filter(service=m.identity.service, staff__ref__in=m.people)
        .filter(Q(end__isnull=True) | Q(end__gte=m.today)).select_related("staff", "buddy", "approved_by")
    }
    waiting, approved = [], []
    for person in m.people:
        for state in nomination_states(m.facts, person, m.today):
            if not state.needs_approval:
                continue
            fact = state.nomination
            row = stored.get((fact.staff, fact.buddy, fact.start))
            if row is None:
                continue
            view = {
                "staff": m.label(fact.staff), "staff_name": name_of(m.facts, fact.staff),
                "buddy": m.label(fact.buddy), "buddy_name": name_of(m.facts, fact.buddy),
                "position": state.position, "since": long_day(fact.start),
            }
            if state.approved:
                approved.append({**view, "by": name_of(m.facts, fact.approved_by)})
            else:
                # What would still stop the buddy acting once approved (not employed, not a practitioner).
                blocked = buddy_invalid_reason(m.facts, replace(fact, approved_by=m.me), m.today)
                waiting.append({**view, "pk": row.pk, "seen": snapshot(row), "blocked": blocked})
    return {"waiting": waiting, "approved": approved}
