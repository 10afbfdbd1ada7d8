"""The security tests' world: two services loaded once per module, each role signed in, the clock at
the matrix day (tests/security/service.py). Everything a module's tests write is undone at its end: the
world is built inside one transaction that is rolled back, and each test runs in a savepoint of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.accounts.services import account_set
from oversight.exchange.document import parse_document
from oversight.people.models import Service, Staff
from oversight.reports.services import calendar_feed_issue, stat_wednesday_produce
from oversight.store.write import replace_service
from tests.reports.fixtures import _signed_in as signed_in_browser
from tests.security import service as fixture

LONDON = ZoneInfo("Europe/London")

# The roles of issue 3 point 1, as members of the fixture service (None: an account with no staff).
ROLE_STAFF = {
    "case_manager": "Y1",  # E1 and E2 (on leave on the matrix day: still their cases)
    "buddy": "Y2",  # Y1's buddy and E1's cover on the leave sheet; E2's paired worker
    "line_manager": "D1",
    "senior": "A1",
    "duty": "DO1",
    "performance": None,
    "administrator": None,
}
ROLES = ("anonymous", *ROLE_STAFF)


def moment(when: str) -> datetime:
    """A London wall-clock time ("2026-02-18 12:00") as an aware datetime."""
    return datetime.fromisoformat(when).replace(tzinfo=LONDON)


@dataclass
class World:
    service: Service
    other: Service
    users: dict = field(default_factory=dict)  # role or staff ref -> User
    sessions: dict = field(default_factory=dict)  # role or staff ref -> session cookie value
    calendar_token: str = ""
    report_day: date | None = None

    @property
    def placeholders(self) -> dict[str, str]:
        """What the matrix's "{name}" parameters stand for."""
        return {"calendar_token": self.calendar_token,
                "totp_device": str(TOTPDevice.objects.order_by("pk").values_list("pk", flat=True).first())}

    def client(self, who: str, **options) -> Client:
        """A fresh browser for `who` (a role, a staff ref of either service, or "anonymous"), signed in
        with the session made for them (so each request starts from the same signed-in state)."""
        from django.conf import settings

        browser = Client(**options)
        if who != "anonymous":
            browser.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[who]
        return browser


def _signed_in_session(user) -> str:
    """The session cookie of a browser signed in as `user` (second factor given where needed)."""
    from django.conf import settings

    return signed_in_browser(user).cookies[settings.SESSION_COOKIE_NAME].value


def _account(service, username, staff_ref=None, **flags):
    staff = Staff.objects.get(service=service, ref=staff_ref) if staff_ref else None
    return account_set(service=service, username=username, password=fixture.PASSWORD, staff=staff,
                       actor="security tests", **flags).user


def build_world() -> World:
    service_a = replace_service(parse_document(fixture.document_a()), actor="security tests")
    replace_service(parse_document(fixture.document_b()), actor="security tests")
    del service_a
    world = World(service=Service.objects.get(ref="EX"), other=Service.objects.get(ref="EXB"))
    for staff in Staff.objects.filter(service__in=[world.service, world.other]).order_by("ref"):
        world.users[staff.ref] = _account(staff.service, f"u-{staff.ref.lower()}", staff.ref)
    world.users["performance"] = _account(world.service, "u-performance", performance=True)
    world.users["administrator"] = _account(world.service, "u-administrator", administrator=True,
                                            django_admin=True)
    for role, staff_ref in ROLE_STAFF.items():
        if staff_ref:
            world.users[role] = world.users[staff_ref]
    for who, user in world.users.items():
        world.sessions[who] = _signed_in_session(get_user_model().objects.get(pk=user.pk))
    report, _ = stat_wednesday_produce(service=world.service, day=date(2026, 2, 18), actor="security tests")
    world.report_day = report.day
    world.calendar_token = calendar_feed_issue(user=world.users["case_manager"], service=world.service,
                                               actor="security tests")
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once per module in a transaction rolled back at its end; the clock stands at the matrix day."""
    now = moment(fixture.DAY)
    with (
        django_db_blocker.unblock(),
        pytest.MonkeyPatch.context() as patch,
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],  # argon2 is slow on purpose
            SESSION_COOKIE_AGE=10 * 365 * 24 * 3600,  # sessions outlast the clock's jumps
        ),
    ):
        patch.setattr(timezone, "now", lambda: now.astimezone(UTC))
        with transaction.atomic():
            yield build_world()
            transaction.set_rollback(True)


@pytest.fixture
def clock(world, monkeypatch):
    """Move the clock for one test: clock("2026-02-20 17:00") (London)."""

    def set_to(when: str) -> datetime:
        at = moment(when)
        monkeypatch.setattr(timezone, "now", lambda: at.astimezone(UTC))
        return at

    return set_to


@pytest.fixture
def within(world, db):
    """Each test in a savepoint of the module's world (the `db` fixture), so that it changes nothing
    the next test sees."""
    return world
