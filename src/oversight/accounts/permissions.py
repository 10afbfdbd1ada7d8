"""Enforcing the permission policy (oversight.policy.access) for pages and the API.

Every view of a child's case goes through `case_for`: it decides with the one policy, writes the
view (or the refusal) to the audit trail with its lawful basis, and answers 404 when access is
refused, so that a guessed identifier reveals nothing, not even that the case exists.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import Resolver404, resolve
from django.utils import timezone

from oversight.accounts.selectors import Identity, identity_for
from oversight.audit import services as audit
from oversight.people.models import Case
from oversight.cover.models import Absence
from oversight.policy.access import (
    SENIOR_ROLES,
    CaseAccess,
    LeaveSheetAccess,
    case_access,
    case_audit_access,
    leave_sheet_access,
    visible_cases,
)
from oversight.policy.calendar import WorkingCalendar
from oversight.policy.facts import MANAGER_ROLES, ServiceFacts
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


def case_for(request, case_ref: str, *, act: bool = False, records: bool = False,
             purpose: str = "viewed the case") -> tuple[Case, CaseAccess]:
    """The case, if the signed-in person may see it (and act on it when `act`; write and amend the
    records on its file when `records`, which stays allowed on a closed case: CaseAccess.writes_records);
    else 404."""
    identity = require_identity(request)
    now, today = local_now(identity)
    case = Case.objects.filter(service=identity.service, ref=case_ref).first()
    access = (
        case_access(cover_facts(request, identity), identity.viewer, case_ref, today, known_at=now)
        if case is not None
        else CaseAccess.denied(case_ref, "no such case in this service")
    )
    _audit_case_decision(
        identity, case_ref, case, access,
        allowed=access.allowed and (access.can_act or not act) and (access.writes_records or not records),
        object_type="case", action="change" if act or records else "view",
        refused=f"Refused: {purpose} ({'act' if act or records else 'view'})", purpose=purpose,
    )
    return case, access


def _audit_case_decision(identity, case_ref: str, case, access, *, allowed: bool, object_type: str,
                         action: str, refused: str, purpose: str) -> None:
    """Audit a decision about one case (its lawful basis either way); a refusal then answers 404, so that
    a case one may not see and a case that does not exist look the same."""
    if not allowed:
        audit.record(
            service=identity.service, actor=identity.label, action="denied", object_type=object_type,
            object_ref=case_ref[:200], case_ref=case_ref[:64] if case else "", summary=refused,
            basis=access.basis,
        )
        raise Http404("No case found")
    audit.record(
        service=identity.service, actor=identity.label, action=action, object_type=object_type,
        object_ref=case_ref, case_ref=case_ref, basis=access.basis, summary=f"{identity.username} {purpose}",
    )


def case_audit_for(request, case_ref: str, *, purpose: str = "read the case's audit history") -> Case:
    """The case, if the signed-in person may read its audit history (policy.access.case_audit_access);
    else 404. The reading is itself audited, and so is a refusal, as for the case itself."""
    identity = require_identity(request)
    _, today = local_now(identity)
    case = Case.objects.filter(service=identity.service, ref=case_ref).first()
    access = (
        case_audit_access(cover_facts(request, identity), identity.viewer, case_ref, today)
        if case is not None
        else CaseAccess.denied(case_ref, "no such case in this service")
    )
    _audit_case_decision(identity, case_ref, case, access, allowed=access.allowed, object_type="case_audit",
                         action="view", refused=f"Refused: {purpose}", purpose=purpose)
    return case


def leave_sheet_for(
    request, ref: str, *, act: bool = False, purpose: str = "read the leave sheet", planned_only: bool = False,
) -> tuple[Absence, LeaveSheetAccess]:
    """The absence, if the signed-in person may read its leave sheet (and complete it when `act`);
    else 404. As for a case, a refusal is audited, and so is a manager reading a colleague's sheet
    (it holds notes on their cases), with its basis; the absent person reading their own is not.
    `planned_only`: an unplanned absence has no leave sheet, so 404 (after the access decision, so
    that a refusal is audited alike, and before the reading is recorded)."""
    identity = require_identity(request)
    _, today = local_now(identity)
    absence = Absence.objects.filter(service=identity.service, ref=ref).select_related("staff", "service").first()
    access = (
        leave_sheet_access(cover_facts(request, identity), identity.viewer, ref, today)
        if absence is not None
        else LeaveSheetAccess.denied(ref, "no such absence in this service")
    )
    if not access.allowed or (act and not access.can_act):
        audit.record(
            service=identity.service, actor=identity.label, action="denied", object_type="leave_sheet",
            object_ref=ref[:200], summary=f"Refused: {purpose} ({'change' if act else 'view'})", basis=access.basis,
        )
        raise Http404("No leave sheet")
    if planned_only and not absence.planned:
        raise Http404("No leave sheet")
    if not access.can_act:
        audit.record(
            service=identity.service, actor=identity.label, action="view", object_type="leave_sheet",
            object_ref=absence.ref, basis=access.basis, summary=f"{identity.username} {purpose} for {absence.ref}",
        )
    return absence, access


def caseload_for(request, identity: Identity | None = None) -> dict[str, CaseAccess]:
    """Every case the signed-in person may see today, with its access (listing pages)."""
    identity = identity or require_identity(request)
    now, today = local_now(identity)
    return visible_cases(cover_facts(request, identity), identity.viewer, today, known_at=now)


# -- page policies -----------------------------------------------------------------------------
# Every view declares who may reach it, with `@page_policy(...)`. The authorization matrix test
# walks the URL configuration and fails for any view without a declared policy, so a new page
# cannot ship without a decision. The coarse check here (signed in, role) comes first; views of a
# child's case then decide the case itself with `case_for`.

PAGE_POLICIES = {
    "public": "anyone, signed in or not (sign-in pages, health)",
    "signed_in": "any signed-in person with an account in a service",
    "case": "signed in; the case itself is decided by the access policy (404 when refused)",
    "manager": "deputy team managers and above (their own reporting line only)",
    "reports": "senior managers and the performance team (service-wide figures, no case narrative)",
    "administrator": "administrators (settings and accounts, no case narrative)",
}


def page_policy(policy: str):
    """Declare and enforce a view's page policy (one of PAGE_POLICIES)."""
    if policy not in PAGE_POLICIES:
        raise ValueError(f"unknown page policy {policy!r}")

    def decorate(view):
        from functools import wraps

        from django.contrib.auth.views import redirect_to_login

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if policy != "public":
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                identity = require_identity(request)
                if not _role_allows(request, identity, policy):
                    audit.record(
                        service=identity.service, actor=identity.label, action="denied", object_type="page",
                        object_ref=request.path[:200], summary=f"Refused page ({policy})",
                    )
                    raise Http404("Page not found")
            return view(request, *args, **kwargs)

        wrapped.page_policy = policy
        return wrapped

    return decorate


def may_reach(request, identity: Identity, href: str) -> bool:
    """Whether the signed-in person gets past the page policy of the page at `href` (the coarse role
    check; a child's case is then decided by `case_for`): pages offer only links that do."""
    try:
        policy = getattr(resolve(urlsplit(href).path).func, "page_policy", None)
    except Resolver404:
        return False
    return policy is not None and (policy == "public" or _role_allows(request, identity, policy))


def _role_allows(request, identity: Identity, policy: str) -> bool:
    if policy in ("signed_in", "case"):
        return True
    if policy == "administrator":
        return identity.viewer.administrator
    role = _role(request, identity)
    if policy == "manager":
        return role in MANAGER_ROLES
    if policy == "reports":
        return identity.viewer.performance or role in SENIOR_ROLES
    return False


def _role(request, identity: Identity) -> str | None:
    if identity.viewer.staff is None:
        return None
    person = cover_facts(request, identity).staff_by_id.get(identity.viewer.staff)
    return person.role if person else None
