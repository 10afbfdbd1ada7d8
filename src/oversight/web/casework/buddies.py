"""My buddies: my nominations in the order they are asked, whether each needs and has management
approval, and nominating, reordering and ending them (oversight.cover.services)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from oversight.accounts.permissions import cover_facts, local_now, page_policy, require_identity
from oversight.cover import services
from oversight.people.models import Staff
from oversight.policy.cover import cannot_cover
from oversight.policy.nominations import buddy_for, nomination_states
from oversight.store.versions import StaleEdit
from oversight.web.casework.display import ROLES, name_of
from oversight.web.casework.forms import NominateForm, show_service_errors


def me_as_staff(identity) -> Staff:
    """The signed-in person's Staff row (404 for a sign-in not linked to staff)."""
    if identity.viewer.staff is None:
        raise Http404("No member of staff")
    return Staff.objects.get(service=identity.service, ref=identity.viewer.staff)


def _role(person) -> str:
    role = ROLES.get(person.role, person.role)
    return f"{role} ({person.discipline})" if person.discipline else role


def _position(facts, colleague: str, me: str, day) -> int | None:
    return next((s.position for s in nomination_states(facts, colleague, day) if s.nomination.buddy == me), None)


@page_policy("signed_in")
def buddies(request):
    identity = require_identity(request)
    _, today = local_now(identity)
    me = me_as_staff(identity)
    facts = cover_facts(request, identity)
    states = nomination_states(facts, me.ref, today)
    taken = {s.nomination.buddy for s in states}
    # Offered: whoever COV-BUDDY accepts as a buddy today and is not one already.
    colleagues = sorted(
        (p for p in facts.staff
         if p.id not in taken and cannot_cover(facts, p.id, today, for_staff=me.ref) is None),
        key=lambda p: (p.name, p.id),
    )
    form = NominateForm(colleagues=[(p.id, f"{p.name} – {_role(p).lower()}") for p in colleagues])
    problems: list[dict] = []
    if request.method == "POST":
        action = request.POST.get("action")
        seen = request.POST.get("seen", "")
        try:
            if action == "nominate":
                form = NominateForm(request.POST, colleagues=form.fields["buddy"].choices[1:])
                if form.is_valid():
                    buddy = Staff.objects.filter(service=identity.service, ref=form.cleaned_data["buddy"]).first()
                    try:
                        services.buddy_nominate(staff=me, buddy=buddy, actor=identity.label, seen=seen, on=today)
                    except ValidationError as invalid:
                        show_service_errors(form, invalid)
                    else:
                        messages.success(request, f"{buddy.name} is now your buddy {len(states) + 1}.")
                        return redirect("web:buddies")
            elif action in ("up", "down", "end"):
                buddy = Staff.objects.filter(service=identity.service, ref=request.POST.get("buddy", "")).first()
                order = [s.nomination.buddy for s in states]
                if buddy is None or buddy.ref not in order:
                    raise StaleEdit({"buddies": (None, None)})
                if action == "end":
                    ended = services.buddy_end(staff=me, buddy=buddy, actor=identity.label, seen=seen, on=today)
                    still = " It stays in force to the end of today, the day it was made." if ended.end == today else ""
                    messages.success(request, f"{buddy.name} is no longer your buddy.{still}")
                else:
                    i = order.index(buddy.ref)
                    j = i - 1 if action == "up" else i + 1
                    if 0 <= j < len(order):
                        order[i], order[j] = order[j], order[i]
                        services.buddy_reorder(staff=me, order=order, actor=identity.label, seen=seen, on=today)
                        messages.success(request, f"{buddy.name} is now your buddy {j + 1}.")
                return redirect("web:buddies")
        except StaleEdit:
            problems.append({"field_id": "", "message": "Your buddies changed while you had this page open (in another "
                             "window, or by a manager). Check them below and try again."})
        except ValidationError as invalid:
            problems.extend({"field_id": "", "message": m} for m in invalid.messages)
    if form.errors:
        problems.extend(form.error_summary())
    rows = [
        {
            "position": s.position,
            "ref": s.nomination.buddy,
            "name": name_of(facts, s.nomination.buddy),
            "role": _role(facts.staff_by_id[s.nomination.buddy]) if s.nomination.buddy in facts.staff_by_id else "",
            "needs_approval": s.needs_approval,
            "approved_by": name_of(facts, s.nomination.approved_by) if s.approved else None,
            # The grade's want of approval is shown as such; any other reason (left, not a practitioner) here.
            "cannot_act": s.cannot_act if s.approved or not s.needs_approval else None,
            "since": s.nomination.start,
            "first": s.position == 1,
            "last": s.position == len(states),
        }
        for s in states
    ]
    context = {
        "rows": rows,
        "form": form,
        "problems": problems,
        "seen": services.nominations_token(me, today),
        "buddy_for": [
            {"name": name_of(facts, n.staff), "position": _position(facts, n.staff, me.ref, today)}
            for n in buddy_for(facts, me.ref, today)
        ],
        "me_role": _role(facts.staff_by_id[me.ref]).lower(),
    }
    return render(request, "web/casework/buddies.html", context, status=200)
