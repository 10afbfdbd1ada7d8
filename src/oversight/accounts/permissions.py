"""Enforcing the permission policy (oversight.policy.access) for pages and the API.

Every view of a child's case goes through `case_for`: it decides with the one policy, writes the
view (or the refusal) to the audit trail with its lawful basis, and answers 404 when access is
refused, so that a guessed identifier reveals nothing, not even that the case exists.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from oversight.accounts.selectors import Identity, identity_for
from oversight.audit import services as audit
from oversight.people.models import Case
from oversight.policy.access import CaseAccess, case_access, visible_cases
from oversight.policy.calendar import WorkingCalendar
from oversight.policy.facts import ServiceFacts
from oversight.store.read import service_facts

_FACTS_ATTR = "_oversight_cover_facts"


def require_identity(request) -> Identity:
    identity = identity_for(request.user)
    if identity is None:
        raise PermissionDenied("This sign-in is not linked to a service.")
    return identity


def local_now(identity: Identity) -> tuple[datetime, date]:
    calendar = WorkingCalendar(identity.service.holidays, identity.service.timezone)
    now = timezone.now().astimezone(calendar.tz)
    return now, now.date()


def cover_facts(request, identity: Identity) -> ServiceFacts:
    """The facts access is decided on, loaded once per request (without casework: fast)."""
    facts = getattr(request, _FACTS_ATTR, None)
    if facts is None:
        _, today = local_now(identity)
        facts = service_facts(identity.service, with_casework=False).known_on(today)
        setattr(request, _FACTS_ATTR, facts)
    return facts


def case_for(request, case_ref: str, *, act: bool = False, purpose: str = "viewed the case") -> tuple[Case, CaseAccess]:
    """The case, if the signed-in person may see it (and act on it when `act`); else 404."""
    identity = require_identity(request)
    now, today = local_now(identity)
    case = Case.objects.filter(service=identity.service, ref=case_ref).first()
    access = (
        case_access(cover_facts(request, identity), identity.viewer, case_ref, today, known_at=now)
        if case is not None
        else CaseAccess.denied(case_ref, "no such case in this service")
    )
    if not access.allowed or (act and not access.can_act):
        audit.record(
            service=identity.service, actor=identity.label, action="denied", object_type="case",
            object_ref=case_ref[:200], case_ref=case_ref[:64] if case else "",
            summary=f"Refused: {purpose} ({'act' if act else 'view'})", basis=access.basis,
        )
        raise Http404("No case found")
    audit.record(
        service=identity.service, actor=identity.label, action="view" if not act else "change",
        object_type="case", object_ref=case_ref, case_ref=case_ref, basis=access.basis,
        summary=f"{identity.username} {purpose}",
    )
    return case, access


def caseload_for(request, identity: Identity | None = None) -> dict[str, CaseAccess]:
    """Every case the signed-in person may see today, with its access (listing pages)."""
    identity = identity or require_identity(request)
    now, today = local_now(identity)
    return visible_cases(cover_facts(request, identity), identity.viewer, today, known_at=now)
