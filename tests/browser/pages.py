"""Every page each role reaches in the demo service, from the URL configuration.

Each role lists the URL names it reaches. A name with arguments is opened with the concrete arguments
of the first link to it on one of the role's own pages (`via`), so that the page checked is one the
person really gets to. `test_every_page_is_checked` keeps this list in step with the URL configuration:
a new page must be added here (or to NOT_PAGES, saying why it is not a page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urljoin, urlparse

from django.urls import NoReverseMatch, Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from tests.browser.conftest import TODAY

PREVIOUS_MONTH = (TODAY.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


@dataclass(frozen=True)
class Page:
    name: str  # the URL name, e.g. "web:case"
    via: tuple[str, ...] = ()  # for a name with arguments: URL names of pages that may link to it
    query: str = ""
    like: str | None = None  # or: the arguments of this (already found) page, with `extra` added
    extra: tuple[tuple[str, str], ...] = ()
    status: int = 200

    def __str__(self) -> str:
        return self.name


# URL names that are not HTML pages a person reads: downloads, POST-only actions, redirects to the
# identity provider, the JSON API and the health check.
NOT_PAGES = {
    "accounts:sign-out": "POST only: ends the session and redirects",
    "accounts:sso": "redirects to the single sign-on provider (not set up for the demo)",
    "accounts:sso-callback": "the single sign-on provider's return address (redirects)",
    "web:findings-csv": "a CSV download",
    "web:findings-xlsx": "a spreadsheet download",
    "web:stat-wednesday-xlsx": "a spreadsheet download",
    "web:chain-csv": "a CSV download",
    "web:chain-xlsx": "a spreadsheet download",
    "web:compliance-csv": "a CSV download",
    "web:compliance-xlsx": "a spreadsheet download",
    "web:leave-sheet-pdf": "a PDF download",
    "web:supervision-pdf": "a PDF download",
    "web:timeline-pdf": "a PDF download",
    "web:calendar-feed": "an iCalendar feed for calendar apps",
    "web:imports-apply": "POST only: applies a checked import, then redirects",
    "ops:health": "JSON for monitoring",
}

HOLDER = [
    Page("web:home"), Page("web:caseload"), Page("web:covering"), Page("web:buddies"), Page("web:absences"),
    Page("web:absence-new"), Page("web:duty"), Page("web:calendar"),
    Page("web:case", via=("web:caseload", "web:home")),
]
MANAGER = [
    Page("web:cover-board"), Page("web:cover-day", via=("web:cover-board",)), Page("web:team-absence-new"),
    Page("web:team-absence", via=("web:cover-board",)), Page("web:team-buddies"), Page("web:team-reallocate"),
    Page("web:supervision"), Page("web:supervision-prepare", via=("web:supervision",)),
    Page("web:supervision-record", via=("web:supervision",)),
    # A gap in supervision: the page offers the gap record for any past month of a supervisee.
    Page("web:supervision-gap", like="web:supervision-prepare", extra=(("month", PREVIOUS_MONTH),)),
    # A case of a supervisee, where the manager records management oversight.
    Page("web:case", via=("web:supervision-prepare", "web:team-absence")),
    Page("web:oversight-new", via=("web:case",)),
    Page("web:case-audit", via=("web:case",)),
]
REPORTS = [
    Page("web:chain"), Page("web:compliance"), Page("web:findings"), Page("web:reports"),
    Page("web:stat-wednesday", via=("web:reports",)),
]

ROLE_PAGES: dict[str, list[Page]] = {
    "anonymous": [Page("accounts:sign-in"), Page("accounts:signed-out"),
                  Page("accounts:locked-out", status=429), Page("accounts:admin-sign-in")],
    "casemanager": [*HOLDER, Page("web:leave-sheet", via=("web:absences",)), Page("web:design"),
                    Page("accounts:sign-out-everywhere")],
    "linemanager": [*HOLDER, *MANAGER, Page("web:record-amend", via=("web:supervision",)),
                    Page("web:leave-sheet", via=("web:absences", "web:team-absence", "web:home"))],
    "senior": [Page("web:home"), *MANAGER, *REPORTS, Page("web:subject-access", via=("web:case",))],
    "duty": [Page("web:home"), Page("web:duty"), Page("web:covering")],
    "performance": [Page("web:home"), *REPORTS],
    # The Django admin's own pages are Django's markup: only its index, in the navigation, is checked.
    "admin": [Page("web:home"), Page("web:imports"), Page("admin:index")],
}
# Pages reached on the way in: the code form (managers) and setting up an authenticator app with its
# backup codes (a manager who has none yet) are checked by test_sign_in_pages.
SIGN_IN_PAGES = {"accounts:two-factor", "accounts:two-factor-set-up", "accounts:backup-codes"}


def url_names() -> set[str]:
    """Every named URL of the site, as "namespace:name", except the Django admin's and the API's."""
    names: set[str] = set()

    def walk(patterns, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in ("admin", "api") or (p.app_name or "").startswith("api"):
                    continue
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, None)
    return names


def view_name(href: str, base: str) -> str | None:
    url = urlparse(urljoin(base + "/", href))
    if url.netloc != urlparse(base).netloc:
        return None
    try:
        return resolve(url.path).view_name
    except Resolver404:
        return None


def first_link(page, base: str, name: str) -> str | None:
    """The path (with query) of the first link on the open page to a page of URL name `name`."""
    for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
        if view_name(href, base) == name:
            url = urlparse(urljoin(base + "/", href))
            return url.path + (f"?{url.query}" if url.query else "")
    return None


def resolve_paths(session, pages: list[Page]) -> list[tuple[Page, str | None]]:
    """Each page's concrete path for the signed-in session (None: no link to it was found)."""
    out, found = [], {}
    for p in pages:
        path = None
        if p.like:
            if found.get(p.like):
                kwargs = resolve(urlparse(found[p.like]).path).kwargs | dict(p.extra)
                path = reverse(p.name, kwargs=kwargs)
        elif not p.via:
            path = reverse(p.name) + p.query
        for via in p.via:
            if path is not None:
                break
            try:
                via_path = found[via] if via in found else reverse(via)
            except NoReverseMatch:  # a page with arguments not found (yet) for this role
                continue
            if via_path is not None:
                session.open(via_path)
                path = first_link(session.page, session.base, p.name)
        if path is not None:
            found[p.name] = path
        out.append((p, path))
    return out
