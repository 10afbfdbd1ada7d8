"""Every page of every role, in a real browser: axe-core finds no WCAG 2.2 AA violation, the page has a
title of its own, Tab reaches the skip link first and what has focus is visibly marked, nothing is
wider than a 320 px screen, and the Content Security Policy refuses nothing the page needs.

The same checks run on pages in the states people meet besides the default one: forms sent back with
errors (the GOV.UK error summary has focus, and Tab reaches its first error), the "page not found"
page, the refusals (a form sent with an out-of-date token; a sign-in linked to no service), and the
API's documentation (Swagger UI: axe only, see docs/accessibility.md). One test books leave with the
keyboard alone, from "My absences" to the leave sheet.

axe-core is the copy vendored with the front end (src/oversight/web/static/vendor/js/axe.min.js, never
loaded by pages). It is injected as a script element, which the site's CSP rightly refuses, so axe runs
in a second browser context that bypasses the CSP; every other check runs with the CSP enforced.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.browser.conftest import ROLES, TODAY, fill_date, screenshot
from tests.browser.pages import NOT_PAGES, ROLE_PAGES, SIGN_IN_PAGES, resolve_paths, url_names

pytestmark = pytest.mark.django_db(transaction=True)

AXE = (Path(__file__).resolve().parents[2] / "src/oversight/web/static/vendor/js/axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NARROW = 320
TABS = 3  # the skip link, then the next two things Tab reaches (the header's links and buttons)

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => `${n.target.join(" ")}: ${n.failureSummary.replace(/\\s+/g, " ")}`),
  }));
}"""

WIDEST = """(limit) => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > limit + 1 && e.getClientRects().length)
  .slice(-3)
  .map(e => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).split(" ")[0] : ""))"""

FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
    && style.outlineColor !== "rgba(0, 0, 0, 0)" && !style.outlineColor.startsWith("transparent");
  const shadow = style.boxShadow && style.boxShadow !== "none";
  return {
    what: `${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).split(" ").join(".") : ""}`,
    text: (el.innerText || el.value || "").trim().slice(0, 40),
    skip: el.tagName === "A" && /^#./.test(el.getAttribute("href") || "") && /^skip to/i.test(el.innerText.trim()),
    marked: outline || shadow,
  };
}"""


@pytest.fixture(scope="module")
def stat_wednesday_report(demo, django_db_blocker):
    """The Stat Wednesday report of the Wednesday before TODAY, as the weekly job produces it."""
    from oversight.people.models import Service
    from oversight.reports.services import stat_wednesday_produce

    wednesday = TODAY - timedelta(days=(TODAY.weekday() - 2) % 7)
    with django_db_blocker.unblock():
        stat_wednesday_produce(service=Service.objects.get(ref="DEMO"), day=wednesday, actor="browser tests")


def axe_violations(page) -> list[str]:
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(content=AXE)
    found = page.evaluate(RUN_AXE, AXE_TAGS)
    return [f"axe {v['id']} ({v['impact']}): {v['help']}\n"
            + "\n".join(f"        - {n}" for n in v["nodes"][:5])
            + (f"\n        - ... and {len(v['nodes']) - 5} more" if len(v["nodes"]) > 5 else "")
            for v in found]


def keyboard_problems(page) -> list[str]:
    problems = []
    for number in range(1, TABS + 1):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if focus is None:  # nothing more to reach (a short page)
            if number == 1:
                problems.append("Tab reaches nothing")
            break
        if number == 1 and not focus["skip"]:
            problems.append(f"the first Tab reaches {focus['what']} {focus['text']!r}, not the skip link")
        if not focus["marked"]:
            problems.append(f"Tab {number}: {focus['what']} {focus['text']!r} has no visible focus style")
    return problems


def check_pages(role: str, sessions: dict, pages: list) -> list[str]:
    """Every check on every page; the problems found, page by page (empty: all is well)."""
    problems, titles = [], {}
    for page, path in resolve_paths(sessions["normal"], pages):
        if path is None:
            problems.append(f"{page}: no link to it on {', '.join(page.via or [page.like])} for {role}")
            continue
        statuses = {r.status if r else None for r in (s.open(path) for s in sessions.values())}
        found = [] if statuses == {page.status} else [f"status {statuses}, not {page.status}"]
        problems.extend(check_open(role, sessions, str(page), titles, found))
    return problems


def error_summary_keyboard_problems(page) -> list[str]:
    """A form sent back with errors: GOV.UK Frontend puts focus on the error summary as the page loads
    (so that a screen reader reads it first), and the first Tab reaches its first error, visibly."""
    problems = []
    summary = page.evaluate("() => document.activeElement.classList.contains('govuk-error-summary')")
    if not summary:
        problems.append("the error summary does not have focus as the page loads")
    page.keyboard.press("Tab")
    focus = page.evaluate(FOCUS)
    first_error = page.locator(".govuk-error-summary__list a").first.inner_text().strip()
    if focus is None or focus["text"] != first_error[:40]:
        problems.append(f"the first Tab reaches {focus and focus['what']} {focus and focus['text']!r}, "
                        f"not the first error {first_error!r}")
    elif not focus["marked"]:
        problems.append(f"the first error {first_error!r} has no visible focus style")
    return problems


def check_open(role: str, sessions: dict, name: str, titles: dict,
               found: list[str] | None = None, keyboard=keyboard_problems) -> list[str]:
    """The checks on the page just opened in both sessions: with the CSP enforced, the title, the
    keyboard and the CSP; bypassing it, axe at 1280 px, then the width at 320 px."""
    normal, other = sessions["normal"].page, sessions["axe"].page
    found = list(found or [])
    path = normal.url.removeprefix(sessions["normal"].base)
    title, where = normal.title(), path.split("?")[0]
    if titles.setdefault(title, where) != where:
        found.append(f"title {title!r} is also the title of {titles[title]}")
    found.extend(keyboard(normal))
    found.extend(f"Content Security Policy: {text}" for text in sessions["normal"].refused)
    found.extend(axe_violations(other))
    shot = role + path.replace("/", "_").replace("?", "_")
    screenshot(other, f"{shot}-1280")
    other.set_viewport_size({"width": NARROW, "height": 900})
    width = other.evaluate("document.scrollingElement.scrollWidth")
    if width > NARROW + 1:
        wide = ", ".join(other.evaluate(WIDEST, NARROW))
        found.append(f"{width} px wide at {NARROW} px (scrolls sideways; too wide: {wide})")
    screenshot(other, f"{shot}-320")
    other.set_viewport_size({"width": 1280, "height": 900})
    return [f"{path} ({name}, {title!r}): {problem}" for problem in found]


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_every_page_of_each_role(role, two_ways, stat_wednesday_report):
    problems = check_pages(role, two_ways(None if role == "anonymous" else role), ROLE_PAGES[role])
    assert not problems, f"{len(problems)} problems on {role}'s pages:\n  " + "\n  ".join(problems)


def test_sign_in_pages(new_session, two_ways):
    """The code form a manager meets after the password, and setting up an authenticator app (a manager
    who has none yet) with its backup codes."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from oversight.accounts.services import account_set
    from oversight.people.models import Service, Staff

    def password(username: str, then: str) -> dict:
        first = new_session()
        first.open("/sign-in/")
        first.page.get_by_label("User name").fill(username)
        first.page.get_by_label("Password").fill("oversight-demo")
        first.page.get_by_role("button", name="Sign in").click()
        first.page.wait_for_url(f"**{then}**")
        sessions = two_ways(like=first)
        sessions["axe"].open(first.page.url.removeprefix(first.base))
        return sessions

    sessions = password("linemanager", "/sign-in/two-factor/")
    problems = check_open("linemanager", sessions, "accounts:two-factor", {})

    # A deputy team manager with no sign-in yet is given one; signing in leads to setting up the app.
    service = Service.objects.get(ref="DEMO")
    manager = (Staff.objects.filter(service=service, role="deputy_team_manager", account__isnull=True)
               .order_by("ref").first())
    account_set(service=service, username="newmanager", password="oversight-demo", staff=manager,
                actor="browser tests")
    sessions = password("newmanager", "/sign-in/two-factor/set-up/")
    problems += check_open("newmanager", sessions, "accounts:two-factor-set-up", {})

    device = TOTPDevice.objects.get(user__username="newmanager", confirmed=False)
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    sessions["normal"].page.get_by_role("textbox").fill(f"{code:0{device.digits}d}")
    sessions["normal"].page.get_by_role("button", name="Continue").click()
    sessions["normal"].page.wait_for_url("**/sign-in/two-factor/backup-codes/**")
    # A new session key once signed in: the second browser takes it, and asks for new codes (they are
    # shown once).
    sessions = two_ways(like=sessions["normal"])
    sessions["axe"].open("/sign-in/two-factor/backup-codes/")
    sessions["axe"].page.get_by_role("button", name="Make new backup codes").click()
    sessions["axe"].page.wait_for_url("**/sign-in/two-factor/backup-codes/**")
    problems += check_open("newmanager", sessions, "accounts:backup-codes", {})
    assert not problems, f"{len(problems)} problems on the sign-in pages:\n  " + "\n  ".join(problems)


def test_every_page_is_checked():
    """Each named page of the URL configuration is checked for some role, or is known not to be a page."""
    checked = {p.name for pages in ROLE_PAGES.values() for p in pages} | SIGN_IN_PAGES
    assert url_names() - checked - set(NOT_PAGES) == set()
    assert not (checked & set(NOT_PAGES))


# -- pages in other states than their default one ------------------------------------------------------
def in_both(sessions: dict, path: str, act) -> None:
    """Open `path` in both browsers and do the same there (fill in and send a form)."""
    for session in sessions.values():
        session.open(path)
        act(session.page)
        session.page.wait_for_load_state("load")


def errors_shown(page) -> list[str]:
    return [a.strip() for a in page.locator(".govuk-error-summary__list a").all_inner_texts()]


def test_forms_sent_back_with_errors(two_ways):
    def leave_ending_before_it_starts(page):
        page.get_by_label("Annual leave").check()
        fill_date(page, "First day of leave", date(2027, 1, 15))
        fill_date(page, "Last day of leave", date(2027, 1, 11))
        page.get_by_role("button", name="Book leave").click()

    worker = two_ways("casemanager")
    in_both(worker, "/absences/new/", leave_ending_before_it_starts)
    assert errors_shown(worker["normal"].page) == [
        "The last day of your leave must be the same as or after the first day"]
    problems = check_open("casemanager", worker, "web:absence-new with an error", {},
                          keyboard=error_summary_keyboard_problems)

    manager = two_ways("linemanager")
    in_both(manager, "/team/absences/new/",
            lambda page: page.get_by_role("button", name="Record absence").click())
    assert len(errors_shown(manager["normal"].page)) >= 2  # the person, the kind and the first day are needed
    problems += check_open("linemanager", manager, "web:team-absence-new empty", {},
                           keyboard=error_summary_keyboard_problems)
    assert not problems, f"{len(problems)} problems on forms with errors:\n  " + "\n  ".join(problems)


def test_not_found_and_refused_pages(two_ways, new_session):
    from django.contrib.auth import get_user_model

    worker = two_ways("casemanager")
    for session in worker.values():
        assert session.open("/no-such-page/").status == 404
    problems = check_open("casemanager", worker, "page not found", {})

    # A form sent with a token that is out of date (an old tab): Django's CSRF refusal, 403.
    def with_an_old_token(page):
        token = page.locator("#main-content input[name=csrfmiddlewaretoken]")
        token.evaluate("input => { input.value = 'out-of-date' }")
        page.get_by_role("button", name="Book leave").click()

    in_both(worker, "/absences/new/", with_an_old_token)
    assert worker["normal"].page.title() == "The page was out of date – Oversight"
    problems += check_open("casemanager", worker, "refused: out-of-date form", {})

    # A sign-in that no account links to a service (a Django user made by hand): 403 on every page.
    get_user_model().objects.create_user("nobodys", password="oversight-demo")
    stranger = two_ways("nobodys")
    assert stranger["axe"].open("/").status == 403
    assert stranger["normal"].page.title() == "You cannot see this page – Oversight"
    problems += check_open("nobodys", stranger, "refused: no service", {})
    assert not problems, f"{len(problems)} problems on the refusals:\n  " + "\n  ".join(problems)


# Swagger UI's own markup that axe fails and no setting of it changes (docs/accessibility.md): an
# operation's enumerated parameter is a <select> without a label.
SWAGGER_EXCEPTIONS = ("select-name",)


def test_the_api_documentation_page(two_ways):
    """/api/docs is Swagger UI (django-ninja's copy, served by the app): axe on it as it opens, and with
    an operation opened (less the known exceptions). Its scripts draw the page, so the checks wait for
    the operations; the CSP-enforced browser must draw them too."""
    sessions = two_ways("casemanager")
    for session in sessions.values():
        session.open("/api/docs")
        session.page.wait_for_selector(".opblock-summary-control")
    problems = [f"Content Security Policy: {text}" for text in sessions["normal"].refused]
    problems += axe_violations(sessions["axe"].page)
    page = sessions["axe"].page
    page.locator(".opblock-summary-control").first.click()
    page.wait_for_selector(".opblock-body .parameters")
    known = tuple(f"axe {rule} " for rule in SWAGGER_EXCEPTIONS)
    problems += [f"(an operation opened) {v}" for v in axe_violations(page) if not v.startswith(known)]
    assert not problems, f"{len(problems)} problems on /api/docs:\n  " + "\n  ".join(problems)


# -- the keyboard alone --------------------------------------------------------------------------------
ACTIVE = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return {id: el.id, text: (el.innerText || "").trim(), checked: el.checked === true,
          marked: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
                  || (style.boxShadow && style.boxShadow !== "none")};
}"""
KEYBOARD_LEAVE = (date(2027, 1, 11), date(2027, 1, 15))  # nobody's booked leave (test_journey's is December)


def tab_to(page, *, text: str = "", id: str = "", most: int = 40) -> list[str]:
    """Press Tab until what has focus has this text or id; the problems on the way (focus not visible)."""
    unmarked = []
    for _ in range(most):
        page.keyboard.press("Tab")
        focus = page.evaluate(ACTIVE)
        if not focus["marked"]:
            unmarked.append(f"{focus['id'] or focus['text'][:30]!r} has no visible focus style")
        if (text and focus["text"] == text) or (id and focus["id"] == id):
            return unmarked
    raise AssertionError(f"{most} presses of Tab did not reach {text or id!r}")


def a_case_manager_for_the_keyboard():
    """A practitioner holding cases, outside the journey's line manager's line (test_journey.py), with no
    sign-in and no leave in KEYBOARD_LEAVE: given a sign-in, as an administrator would."""
    from oversight.accounts.models import Account
    from oversight.accounts.services import account_set
    from oversight.cover.models import Absence
    from oversight.people.models import Allocation, Service
    from oversight.policy.facts import PRACTITIONER_ROLES
    from oversight.store.read import service_facts

    service = Service.objects.get(ref="DEMO")
    facts = service_facts(service, with_casework=False)
    taken = set(Account.objects.filter(service=service).values_list("staff__ref", flat=True))
    journey_line = Account.objects.get(user__username="linemanager").staff.ref
    first, last = KEYBOARD_LEAVE
    away = set(Absence.objects.filter(service=service, first_day__lte=last, expected_last_day__gte=first)
               .values_list("staff__ref", flat=True))
    holding = set(Allocation.objects.filter(service=service, end__isnull=True, case__closed__isnull=True)
                  .values_list("staff__ref", flat=True))
    person = next(s for s in sorted(facts.staff, key=lambda s: s.id)
                  if s.role in PRACTITIONER_ROLES and s.end is None and s.id in holding
                  and s.id not in taken | away and journey_line not in facts.managers_above(s.id, TODAY))
    account_set(service=service, username="keyboard", password="oversight-demo",
                staff=service.staff.get(ref=person.id), actor="browser tests")
    return person


def test_request_leave_with_the_keyboard_only(new_session):
    person = a_case_manager_for_the_keyboard()
    session = new_session("keyboard")
    session.open("/absences/")
    page = session.page
    problems = tab_to(page, text="Request leave")
    page.keyboard.press("Enter")
    page.wait_for_url("**/absences/new/")

    problems += tab_to(page, id="id_kind_0")  # the first kind: Annual leave
    page.keyboard.press("Space")
    assert page.evaluate(ACTIVE)["checked"], "Space did not select Annual leave"
    first, last = KEYBOARD_LEAVE
    # Then each box of the two dates in turn, in the order they are read.
    for box, value in (("id_first_day-day", first.day), ("id_first_day-month", first.month),
                       ("id_first_day-year", first.year), ("id_last_day-day", last.day),
                       ("id_last_day-month", last.month), ("id_last_day-year", last.year)):
        page.keyboard.press("Tab")
        assert page.evaluate(ACTIVE)["id"] == box, f"Tab went to {page.evaluate(ACTIVE)}, not {box}"
        page.keyboard.type(str(value))
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE)["text"] == "Book leave"
    page.keyboard.press("Enter")
    page.wait_for_url("**/leave-sheet/")

    main = page.locator("main").inner_text()
    assert "Leave booked: " in main and "complete the leave sheet" in main, main
    assert page.title().startswith("Leave sheet ")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert "11 January 2027" in heading and "15 January 2027" in heading, heading
    from oversight.cover.models import Absence

    booked = Absence.objects.get(staff__ref=person.id, first_day=first)
    assert (booked.kind, booked.expected_last_day, booked.planned) == ("annual_leave", last, True)
    assert not problems, "\n".join(problems)
