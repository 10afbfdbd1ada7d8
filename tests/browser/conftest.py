"""Browser tests: Debian's chromium driven by Playwright (sync API) against Django's live server, with
the demo service (`oversight demo --seed 1`) loaded once for the whole package.

- The demo is generated up to TODAY, and the app's clock (`django.utils.timezone.now`, which every page
  reads through `accounts.permissions.local_now`) is moved to TODAY for each test; the journey moves it on
  to later days. The live server is a thread of this process, so it sees the same clock.
- Loading the demo takes 10-20 seconds, so it is loaded once (committed, not in a test transaction) and
  the database is emptied again when the package is done, as pytest-django would after a transactional
  test. Tests only add to it (a leave sheet, a supervision), which no other browser test depends on.
- Playwright never downloads a browser here: it starts /usr/bin/chromium (`apt-get install chromium`,
  which `.ci/run` does). Without it the tests are skipped, saying so.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
HERE = Path(__file__).resolve().parent
LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 23)  # a Monday; the demo's history ends here and its booked leave runs on from it
PASSWORD = "oversight-demo"
# The demo's sign-ins (`oversight demo`): who each role is.
ROLES = ("casemanager", "linemanager", "senior", "duty", "performance", "admin")
SHOTS = os.environ.get("OVERSIGHT_BROWSER_SHOTS")  # a folder: save screenshots of the pages checked there


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"Debian's chromium is not installed at {CHROMIUM}: "
                                   "`apt-get install chromium` (.ci/run installs it)")
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(skip)


class Clock:
    """The app's clock for the tests: the real time shifted so that it is a chosen day (and it still
    runs, so that things saved one after another get later times)."""

    def __init__(self):
        from django.utils import timezone

        self._real_now = timezone.now
        self._offset = timedelta(0)

    def now(self) -> datetime:
        return self._real_now() + self._offset

    def set(self, day: date, at: time = time(9, 30)) -> None:
        self._offset = datetime.combine(day, at, LONDON) - self._real_now()

    def today(self) -> date:
        return self.now().astimezone(LONDON).date()


@pytest.fixture(scope="package")
def clock():
    from django.utils import timezone

    the_clock = Clock()
    the_clock.set(TODAY)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", the_clock.now)
        yield the_clock


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker, clock):
    """The demo service, loaded into the test database as `oversight demo --seed 1 --today TODAY` does."""
    from django.core.management import call_command
    from django.db import connections

    with django_db_blocker.unblock():
        call_command("demo", "--seed", "1", "--today", TODAY.isoformat(), stdout=io.StringIO())
        yield
        call_command("flush", "--no-input", verbosity=0)
        # pytest runs this fixture in a context of its own, with its own database connection (Django
        # keeps one per context): closed here, or PostgreSQL could not drop the test database.
        connections.close_all()


@pytest.fixture(scope="package")
def server(demo):
    """Django's live server (pytest-django's helper; it picks a free port) serving the demo."""
    from django.db import connections
    from pytest_django.live_server_helper import LiveServer

    # Each request closes its database connection: the browser keeps its HTTP connections (and so the
    # server's request threads) open, and PostgreSQL will not drop a test database still in use.
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
        live = LiveServer("localhost")
        live._live_server_modified_settings.enable()
        yield live
        live._live_server_modified_settings.disable()
        live.stop()


@pytest.fixture
def _django_db_helper(django_db_setup, django_db_blocker, clock):
    """pytest-django's per-test database handling (for tests marked django_db, as every browser test
    module is, so that the test database is set up), replaced for the browser tests: no test transaction
    and no emptying after each test (the demo stays loaded for the package; `demo` empties it at the
    end). The live server commits as it goes and the tests read what it wrote. Each test starts on
    TODAY."""
    from django.db import connections

    clock.set(TODAY)
    with django_db_blocker.unblock():
        yield
        connections.close_all()  # this test's connection (see `demo`)


@pytest.fixture(scope="package")
def browser(server):
    """Chromium, closed before the server stops (so that no request thread is left waiting on it)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
    # with a running loop unless told that it is safe (it is: the loop only waits for the browser). Only
    # while the browser runs: set for the whole run, it would leak into the other tests' subprocesses
    # (and `check --deploy` rightly refuses it in production).
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def two_factor_code(username: str) -> str:
    """The demo authenticator app's code now (as `oversight demo_code` prints it). A person signs in once
    per 30-second code; the tests sign the same manager in again sooner, so the last code used is
    forgotten first (django-otp refuses a code it has accepted before)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from oversight.accounts.demo import DEMO_DEVICE_NAME, current_code

    TOTPDevice.objects.filter(user__username=username, name=DEMO_DEVICE_NAME).update(last_t=-1)
    return current_code(username)


@dataclass
class Session:
    """A signed-in browser: one page, CSP enforced, with the console's CSP refusals collected."""

    page: object
    base: str
    refused: list[str] = field(default_factory=list)

    def open(self, path: str):
        self.refused.clear()
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")
        return response


def sign_in(page, base: str, username: str) -> None:
    """Through the real sign-in form, and the code form when the role needs a second factor."""
    page.goto(base + "/sign-in/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    if "/sign-in/two-factor/" in page.url:
        page.get_by_role("textbox").fill(two_factor_code(username))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state("load")
    assert "/sign-in/" not in page.url, f"{username} could not sign in: {page.url}"


@pytest.fixture
def new_session(browser, server):
    """new_session(username=None, width=1280, bypass_csp=False, like=None) -> a Session, signed in when
    a user is given, or sharing the cookies (so the server's session) of the Session `like`. Contexts
    are closed after the test."""
    contexts = []

    def make(username: str | None = None, *, width: int = 1280, bypass_csp: bool = False,
             like: Session | None = None) -> Session:
        state = like.page.context.storage_state() if like is not None else None
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=bypass_csp,
                                      storage_state=state)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        session = Session(page=page, base=server.url)
        page.on("console", lambda message: session.refused.append(message.text)
                if "Content Security Policy" in message.text else None)
        if username:
            sign_in(page, server.url, username)
        return session

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def two_ways(new_session):
    """two_ways(username=None) -> {"normal", "axe"}: two browsers in one signed-in session: as people use
    it (CSP enforced), and for axe (CSP bypassed: axe is injected as a script element)."""

    def make(username: str | None = None, like: Session | None = None) -> dict[str, Session]:
        normal = like or new_session(username)
        return {"normal": normal, "axe": new_session(bypass_csp=True, like=normal)}

    return make


def fill_date(page, legend: str, day: date) -> None:
    """Fill in a GOV.UK date input (day, month, year) found by its legend."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def screenshot(page, name: str) -> None:
    """A full-page screenshot into OVERSIGHT_BROWSER_SHOTS, when it is set (not part of the checks)."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)
