"""The API on the worked example (tests/fixtures/small-service.json), signed in as its people.

Y1 is on leave (L1, from 2026-02-16, no return recorded, so still away) and Y2, Y1's buddy, covers
Y1's cases E1 and E2; SO1 holds E3; D1 manages the three of them, T1 manages D1, A1 is above T1.
"""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from oversight.accounts.services import account_set
from oversight.api.services import api_token_create
from oversight.people.models import Service, Staff

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PASSWORD = "a long password 123"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Argon2 is slow on purpose; these tests sign in many people and test no password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def small_document() -> dict:
    return json.loads((FIXTURES / "small-service.json").read_text())


@pytest.fixture
def service(db, tmp_path, small_document):
    path = tmp_path / "small.json"
    path.write_text(json.dumps(small_document))
    call_command("load", str(path))
    return Service.objects.get(ref="EX")


@pytest.fixture
def record_written_in_oversight(service):
    """A management decision on E1 recorded in Oversight by D1 on 2026-11-03, with its notes: the
    worked example's document does not hold it, so loading that document again would remove it."""
    from datetime import UTC, datetime

    from oversight.people.models import Case
    from oversight.supervision.services import oversight_event_record

    return oversight_event_record(
        service=service, case=Case.objects.get(service=service, ref="E1"), kind="management_decision",
        held=datetime(2026, 2, 17, 9, 0, tzinfo=UTC), significant=True, notes="Decision: increase contact.",
        by=Staff.objects.get(service=service, ref="D1"), actor="test", now=datetime(2026, 11, 3, 10, 0, tzinfo=UTC),
    )


@pytest.fixture
def account(service):
    def make(staff_ref: str | None, *, username: str | None = None, **flags):
        staff = Staff.objects.get(service=service, ref=staff_ref) if staff_ref else None
        return account_set(service=service, username=username or f"u-{staff_ref or 'admin'}", password=PASSWORD,
                           staff=staff, actor="test", **flags)

    return make


@pytest.fixture
def token_for(account):
    """A client that sends a fresh personal API token of the person's account."""

    def make(staff_ref: str | None, **flags) -> Client:
        owner = account(staff_ref, **flags)
        _, secret = api_token_create(owner=owner, actor="test")
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        client.secret = secret
        return client

    return make


@pytest.fixture
def session_for(account):
    """A client signed in with a session (CSRF checks enforced), second factor given where needed."""

    def make(staff_ref: str | None, **flags) -> Client:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        owner = account(staff_ref, **flags)
        client = Client(enforce_csrf_checks=True)
        client.force_login(owner.user)
        device = TOTPDevice.objects.create(user=owner.user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        return client

    return make


def error_of(response) -> dict:
    """The API's error body; fails unless the answer is the JSON error shape."""
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"]), body
    return body["error"]
