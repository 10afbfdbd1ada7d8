"""Every page of every role, in a real browser: axe-core finds no WCAG 2.2 AA violation, the page has a
title of its own, Tab reaches the skip link first and what has focus is visibly marked, nothing is
wider than a 320 px screen, and the Content Security Policy refuses nothing the page needs.

axe-core is the copy vendored with the front end (src/oversight/web/static/vendor/js/axe.min.js, never
loaded by pages). It is injected as a script element, which the site's CSP rightly refuses, so axe runs
in a second browser context that bypasses the CSP; every other check runs with the CSP enforced.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tests.browser.conftest import ROLES, TODAY, screenshot
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


def check_open(role: str, sessions: dict, name: str, titles: dict,
               found: list[str] | None = None) -> list[str]:
    """The checks on the page just opened in both sessions: with the CSP enforced, the title, the
    keyboard and the CSP; bypassing it, axe at 1280 px, then the width at 320 px."""
    normal, other = sessions["normal"].page, sessions["axe"].page
    found = list(found or [])
    path = normal.url.removeprefix(sessions["normal"].base)
    title, where = normal.title(), path.split("?")[0]
    if titles.setdefault(title, where) != where:
        found.append(f"title {title!r} is also the title of {titles[title]}")
    found.extend(keyboard_problems(normal))
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
