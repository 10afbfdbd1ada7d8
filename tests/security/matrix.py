"""The authorization matrix: every URL pattern of the URL configuration, its decided page policy, and
for each role the expected outcome (allowed or not) on the fixture service (tests/security/service.py).

A pattern is the unit: `url_patterns()` walks `django.urls.get_resolver()` (the API's django-ninja paths
and the Django admin included), and `ROWS` must say how to reach each one and who may. A pattern
with no decided policy, or no rows, fails the matrix test with its name: see docs/security.md
"The authorization matrix" for how to add a page.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from urllib.parse import urlparse

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

ROLES = ("anonymous", "case_manager", "buddy", "line_manager", "senior", "duty", "performance",
         "administrator")
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
STAFF = frozenset({"case_manager", "buddy", "line_manager", "senior", "duty"})
MANAGERS = frozenset({"line_manager", "senior"})  # D1, and A1 above D1 in Y1's line
REPORTS = frozenset({"senior", "performance"})
NOBODY: frozenset[str] = frozenset()
# E1's file on the matrix day: its case manager Y1, its cover Y2, Y1's line (D1, and A1 above).
E1_READERS = frozenset({"case_manager", "buddy", "line_manager", "senior"})
# Y1's own things (leave sheet, supervision record): Y1 and the line above Y1.
Y1_AND_LINE = frozenset({"case_manager", "line_manager", "senior"})

# Decisions for views that are not the project's own (they carry no `page_policy`).
THIRD_PARTY_POLICIES = {
    # The Django admin: mounted for administrators whose account has django_admin (is_staff); everyone
    # else is sent to its log-in page, which is ours (accounts:admin-sign-in), so lock-out and
    # two-factor sign-in apply. Its own permission checks stand behind that.
    "admin": "django_admin",
}
# Static files are not in the URL configuration (served by the web server, or by runserver in
# development): there is nothing to decide for them here.


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or the route for unnamed patterns
    route: str
    namespace: str
    callback: object
    pattern: URLPattern

    @property
    def operation(self):
        """The django-ninja operation of an API pattern (the one named like the pattern)."""
        from oversight.api.urls import _path_view

        if self.namespace != "api":
            return None
        view = _path_view(getattr(self.callback, "__wrapped__", self.callback))
        name = self.key.split(":", 1)[1]
        for op in getattr(view, "operations", ()):
            if op.view_func.__name__ == name:
                return op
        return None

    @property
    def policy(self) -> str | None:
        op = self.operation
        if op is not None:
            return getattr(op.view_func, "page_policy", None)
        declared = getattr(self.callback, "page_policy", None)
        if declared is not None:
            return declared
        return THIRD_PARTY_POLICIES.get(self.namespace.split(":")[0])

    @property
    def methods(self) -> set[str] | None:
        op = self.operation
        return set(op.methods) if op is not None else None


def url_patterns() -> list[Pattern]:
    found: list[Pattern] = []

    def walk(patterns, prefix: str, namespace: str):
        for item in patterns:
            if isinstance(item, URLResolver):
                inner = ":".join(p for p in (namespace, item.namespace) if p)
                walk(item.url_patterns, prefix + str(item.pattern), inner)
            elif isinstance(item, URLPattern):
                route = prefix + str(item.pattern)
                key = f"{namespace}:{item.name}" if item.name else route
                found.append(Pattern(key, route, namespace, item.callback, item))

    walk(get_resolver().url_patterns, "", "")
    return found


def fill(route: str, values: dict[str, str]) -> str:
    """The URL of a route (path converters and regular-expression groups) with its parameters filled."""

    def value(name: str) -> str:
        if name not in values:
            raise KeyError(f"no value for <{name}> in route {route!r}")
        return str(values[name])

    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: value(m.group(1)), route)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: value(m.group(1)), url)
    return "/" + url.replace("^", "").replace("$", "")


@dataclass(frozen=True)
class Row:
    """One request (method, parameters, body) and the roles it is allowed for; every other role must be
    refused. `body` is sent as form data, or as JSON when `json` is set."""

    allowed: frozenset[str]
    method: str = "GET"
    # "gate": only a redirect to a sign-in page counts as refused (the Django admin's gate; behind it,
    # the admin's own permissions may still answer 403, or 404 for a missing object).
    refusal: str = "any"
    kwargs: dict = field(default_factory=dict)
    query: str = ""
    body: dict | None = None
    json: bool = False
    note: str = ""


def R(allowed, method="GET", query="", body=None, note="", json=False, **kwargs) -> Row:  # noqa: N802
    return Row(frozenset(allowed), method, kwargs=kwargs, query=query, body=body, json=json, note=note)


LEAVE = {"kind": "annual_leave", "first_day": "2026-03-02", "last_day": "2026-03-03"}
HELD = {"held_date-day": "18", "held_date-month": "2", "held_date-year": "2026", "held_time": "10:00"}

# Every pattern of the project, with the requests that exercise it. The matrix day's facts are in
# tests/security/service.py; the expected sets follow issue 3 point 1 and each view's page policy.
ROWS: dict[str, list[Row]] = {
    # -- sign-in pages (public: the sign-in flow decides where each person goes next) ----------------
    "accounts:sign-in": [R(EVERYONE)],
    "accounts:two-factor": [R(SIGNED_IN, note="no one mid-sign-in: anonymous goes back to sign in")],
    "accounts:two-factor-set-up": [R(SIGNED_IN)],
    "accounts:backup-codes": [R(SIGNED_IN)],
    "accounts:locked-out": [R(EVERYONE, note="the lock-out page itself (429)")],
    "accounts:sso": [R(NOBODY, note="single sign-on is off in the tests: 404 (tests/accounts/test_oidc.py)")],
    "accounts:sso-callback": [R(NOBODY, note="as accounts:sso")],
    "accounts:sign-out": [R(EVERYONE, "POST")],
    "accounts:sign-out-everywhere": [R(SIGNED_IN), R(SIGNED_IN, "POST")],
    "accounts:signed-out": [R(EVERYONE)],
    "accounts:admin-sign-in": [R(NOBODY, note="always sends to our sign-in page")],
    # -- the API ------------------------------------------------------------------------------------
    "api:openapi-json": [R(SIGNED_IN)],
    "api:openapi-view": [R(SIGNED_IN)],
    "api:api-root": [R(EVERYONE)],
    "api:not-found": [R(NOBODY, rest="no-such-endpoint", note="404 for everyone, in the API's error shape")],
    "api:staff_list": [R(SIGNED_IN)],
    "api:case_list": [R(SIGNED_IN, note="the caseload of each: see test_every_record_by_every_user")],
    "api:case_detail": [R(E1_READERS, ref="E1"), R({"line_manager", "senior", "duty"}, ref="E4")],
    "api:case_cover": [R(E1_READERS, ref="E1")],
    "api:case_audit": [R(MANAGERS, ref="E1", note="the case manager's line and senior managers; not Y1, nor Y2 covering"),
                       R(MANAGERS, ref="E4", note="not the duty officer who holds it today")],
    "api:absence_list": [R(SIGNED_IN)],
    "api:absence_create": [R(STAFF, "POST", body=LEAVE, json=True)],
    "api:leave_sheet_get": [R(Y1_AND_LINE, ref="L1")],
    "api:leave_sheet_put": [R({"case_manager"}, "PUT", ref="L3", json=True,
                              body={"version": "stale", "lines": [{"case": "E1", "cover": "Y2"}],
                                    "submit": False})],
    "api:cover_list": [R(MANAGERS)],
    "api:supervision_list": [R(SIGNED_IN)],
    "api:supervision_create": [R(MANAGERS, "POST", json=True, body={
        "supervisee": "Y1", "held": "2026-02-18T10:00", "minutes": 60,
        "discussions": [{"case": "E1", "depth": "check_in", "notes": "Seen"},
                        {"case": "E2", "depth": "check_in", "notes": "Seen"}]})],
    "api:record_list": [R(SIGNED_IN)],
    "api:oversight_event_list": [R(SIGNED_IN)],
    "api:oversight_event_create": [R(MANAGERS, "POST", json=True, body={
        "case": "E1", "kind": "management_decision", "held": "2026-02-18T10:00", "notes": "Decided"})],
    "api:finding_list": [R(SIGNED_IN)],
    "api:supervisee_preparation": [R(MANAGERS, ref="Y1")],
    "api:gap_record_create": [R(MANAGERS, "POST", json=True, body={"staff": "Y1", "month": "2026-01"})],
    "api:record_get": [R(E1_READERS, ref="E1", kind="event", ident="M1")],
    "api:record_write": [R(MANAGERS, "PUT", json=True, ref="E3", kind="event", ident="M2",
                           body={"text": "Written", "version": "stale"})],
    "api:record_amend": [R(MANAGERS, "POST", json=True, ref="E1", kind="event", ident="M1",
                           body={"text": "Amended", "reason": "Typo"})],
    "api:cover_confirmation_create": [R(MANAGERS, "POST", json=True, ref="L2", body={})],
    "api:reallocation_new": [R(MANAGERS, "POST", json=True, body={
        "cases": ["E4"], "staff": "Y2", "start": "2026-02-18", "end": "2026-02-20"})],
    "api:import_exchange": [R({"administrator"}, "POST", query="dry_run=true", json=True, body={})],
    "api:import_csv": [R({"administrator"}, "POST", query="dry_run=true", body={})],
    # -- operations ---------------------------------------------------------------------------------
    "ops:health": [R(EVERYONE)],
    # -- pages --------------------------------------------------------------------------------------
    "web:design": [R(SIGNED_IN)],
    "web:home": [R(SIGNED_IN)],
    "web:caseload": [R(SIGNED_IN)],
    "web:covering": [R(SIGNED_IN)],
    "web:buddies": [R(STAFF, note="for members of staff: 404 for the performance and admin accounts")],
    "web:absences": [R(STAFF)],
    "web:absence-new": [R(STAFF), R(STAFF, "POST", body={
        "kind": "annual_leave", "first_day-day": "2", "first_day-month": "3", "first_day-year": "2026",
        "last_day-day": "3", "last_day-month": "3", "last_day-year": "2026"})],
    "web:leave-sheet": [R(Y1_AND_LINE, ref="L1"), R(NOBODY, "POST", ref="L1", body={"action": "save"},
                                                    note="submitted: nobody changes it"),
                        R(Y1_AND_LINE, ref="L3"), R({"case_manager"}, "POST", ref="L3",
                                                    body={"action": "save", "seen": "stale"})],
    "web:case": [R(E1_READERS, ref="E1"), R({"line_manager", "senior", "duty"}, ref="E4")],
    "web:case-audit": [R(MANAGERS, ref="E1"), R(MANAGERS, ref="E4")],
    "web:reports": [R(REPORTS)],
    "web:findings-csv": [R(REPORTS)],
    "web:findings-xlsx": [R(REPORTS)],
    "web:stat-wednesday": [R(REPORTS, day="2026-02-18")],
    "web:stat-wednesday-xlsx": [R(REPORTS, day="2026-02-18", team="all"),
                                R(REPORTS, day="2026-02-18", team="T1")],
    "web:leave-sheet-pdf": [R(Y1_AND_LINE, ref="L1")],
    "web:supervision-pdf": [R(Y1_AND_LINE, ref="V1")],
    "web:timeline-pdf": [R(E1_READERS, ref="E1")],
    "web:calendar": [R(STAFF), R(STAFF, "POST", body={"action": "on"})],
    "web:calendar-feed": [R(EVERYONE, token="{calendar_token}", note="the secret address is the credential"),
                          R(NOBODY, token="guessed-calendar-token")],
    "web:subject-access": [R({"senior"}, ref="E1"),
                           R({"senior"}, "POST", ref="E1",
                             body={"recipient": "The young person", "fmt": "json"})],
    "web:supervision": [R(MANAGERS)],
    "web:supervision-prepare": [R(MANAGERS, staff_ref="Y1")],
    "web:supervision-record": [R(MANAGERS, staff_ref="Y1"), R(MANAGERS, "POST", staff_ref="Y1", body={
        **HELD, "minutes": "60", "agenda": ["E1"]})],
    "web:supervision-gap": [R(MANAGERS, staff_ref="Y1", month="2026-01"),
                            R(MANAGERS, "POST", staff_ref="Y1", month="2026-01", body={"confirm": "on"})],
    "web:oversight-new": [R(MANAGERS, case_ref="E1"), R(MANAGERS, "POST", case_ref="E1", body={
        **HELD, "kind": "management_decision", "notes": "Decided"})],
    "web:record-amend": [R(MANAGERS, case_ref="E1", kind="event", ident="M1"),
                         R(MANAGERS, "POST", case_ref="E1", kind="event", ident="M1",
                           body={"text": "Amended", "reason": "Typo"})],
    "web:chain": [R(REPORTS)],
    "web:compliance": [R(REPORTS)],
    "web:chain-csv": [R(REPORTS, query="month=2026-01")],
    "web:chain-xlsx": [R(REPORTS)],
    "web:compliance-csv": [R(REPORTS, query="from=2026-01&to=2026-02")],
    "web:compliance-xlsx": [R(REPORTS)],
    "web:findings": [R(REPORTS)],
    "web:cover-board": [R(MANAGERS)],
    "web:cover-day": [R(MANAGERS, day="2026-02-18")],
    "web:team-absence-new": [R(MANAGERS), R(MANAGERS, "POST", body={
        "staff": "Y2", "kind": "sickness",
        "first_day-day": "18", "first_day-month": "2", "first_day-year": "2026"})],
    "web:team-absence": [R(MANAGERS, ref="L1")],
    "web:team-buddies": [R(MANAGERS)],
    "web:team-reallocate": [R(MANAGERS), R(MANAGERS, "POST", body={
        "cases": ["E4"], "staff": "Y2", "start-day": "18", "start-month": "2", "start-year": "2026",
        "end-day": "20", "end-month": "2", "end-year": "2026"})],
    "web:duty": [R(SIGNED_IN, note="cases only for the officer on duty (test_every_record_by_every_user)")],
    "web:imports": [R({"administrator"})],
    # -- the Django admin: the rest follow THIRD_PARTY_POLICIES (see rows_for) -------------------
    "admin:logout": [R(EVERYONE, "POST", note="signs out whoever asks (GET is not allowed)")],
    "web:imports-apply": [R({"administrator"}, "POST", body={"token": "nothing", "sha256": "0"})],
}

# Admin patterns: who may reach them is decided above (THIRD_PARTY_POLICIES); each is requested with
# these parameters (the admin answers a missing object by sending its administrator back to a list;
# django-otp's device pages need a device that exists: with another id they fail with a 500).
ADMIN_VALUES = {"object_id": "1", "id": "1", "pk": "{totp_device}", "content_type_id": "1",
                "app_label": "auth",
                "url": "no-such-admin-page/"}


def rows_for(p: Pattern) -> list[Row]:
    if p.key in ROWS:
        return ROWS[p.key]
    if p.namespace == "admin":
        values = {k: v for k, v in ADMIN_VALUES.items() if f"<{k}>" in p.route or f":{k}>" in p.route}
        return [replace(R({"administrator"}, **values), refusal="gate")]
    return []


# Patterns that no request can reach because an earlier pattern has the same route: the earlier one
# answers (and is itself in the matrix).
SHADOWED = {"admin:login": "accounts:admin-sign-in"}


SIGN_IN_PAGES = ("/sign-in/", "/admin/login/")


def refused(response, refusal: str = "any") -> bool:
    if refusal == "any" and response.status_code in (401, 403, 404):
        return True
    return response.status_code in (301, 302, 303) and urlparse(response["Location"]).path in SIGN_IN_PAGES


def send(browser, row, url: str):
    method = row.method.lower()
    if row.body is None:
        return getattr(browser, method)(url)
    if row.json:
        return getattr(browser, method)(url, row.body, content_type="application/json")
    if method == "put":
        raise AssertionError("form PUT is not used by any page")
    return browser.post(url, row.body)


def url_of(world, pattern: Pattern, row) -> str:
    values = {k: v.format(**world.placeholders) if isinstance(v, str) else v for k, v in row.kwargs.items()}
    return fill(pattern.route, values) + (f"?{row.query}" if row.query else "")


def _tracked_models():
    """Every model whose rows a refused request must leave alone: the project's and the sign-ins'
    (not the audit trail, which records the refusal, nor sessions and lock-out counters)."""
    keep = []
    for model in apps.get_models():
        module = model.__module__
        if module.startswith("oversight.audit") or model._meta.proxy:
            continue
        if module.startswith("oversight.") or model._meta.app_label in ("auth", "otp_totp", "otp_static"):
            keep.append(model)
    return keep


def data_fingerprint() -> str:
    digest = hashlib.sha256()
    for model in _tracked_models():
        rows = list(model.objects.order_by("pk").values_list())
        digest.update(model._meta.label.encode())
        digest.update(json.dumps(rows, default=str).encode())
    return digest.hexdigest()
