"""The primary navigation, by what the signed-in person does: one place for every page's entry.

Entries name URL patterns; an entry whose page does not exist (yet) is left out, so areas can be
added independently.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from oversight.accounts.selectors import identity_for
from oversight.policy.access import SENIOR_ROLES
from oversight.policy.facts import MANAGER_ROLES

# (label, url name, who sees it). Who: "all", "holder" (staff), "manager", "reports", "admin".
ENTRIES = (
    ("Home", "web:home", "all"),
    ("My caseload", "web:caseload", "holder"),
    ("Cases I cover", "web:covering", "holder"),
    ("My buddies", "web:buddies", "holder"),
    ("My absences", "web:absences", "holder"),
    ("Team cover", "web:cover-board", "manager"),
    ("Supervision", "web:supervision", "manager"),
    ("Duty list", "web:duty", "holder"),
    ("Chain of supervision", "web:chain", "reports"),
    ("Compliance", "web:compliance", "reports"),
    ("Findings", "web:findings", "reports"),
    ("Reports", "web:reports", "reports"),
    ("Imports", "web:imports", "admin"),
    ("Administration", "admin:index", "admin"),
)


def _audiences(request) -> set[str]:
    # A request refused before the authentication middleware ran (a bad Host header, too large a
    # body) has no `user`: its error page is shown without navigation, never turned into a 500.
    user = getattr(request, "user", None)
    if user is None:
        return set()
    identity = identity_for(user)
    if identity is None:
        return set()
    audiences = {"all"}
    if identity.viewer.administrator:
        audiences.add("admin")
    if identity.viewer.performance:
        audiences.add("reports")
    account = getattr(user, "account", None)
    role = account.staff.role if account is not None and account.staff_id else None
    if role is not None:
        audiences.add("holder")
        if role in MANAGER_ROLES:
            audiences.add("manager")
        if role in SENIOR_ROLES:
            audiences.add("reports")
    return audiences


def primary_navigation(request) -> dict:
    audiences = _audiences(request)
    if not audiences:
        return {}
    items = []
    for label, name, audience in ENTRIES:
        if audience not in audiences:
            continue
        try:
            href = reverse(name)
        except NoReverseMatch:
            continue
        path = request.path
        items.append({"text": label, "href": href, "current": path == href,
                      "active": href != "/" and path.startswith(href) and path != href})
    return {"primary_navigation": items}
