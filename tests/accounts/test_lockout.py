"""Lock-out (django-axes): five failed sign-ins lock the user name for 30 minutes, audited."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from oversight.audit.models import AuditEvent
from tests.accounts.helpers import PAGE, PASSWORD, app_for, code_for, sign_in

pytestmark = pytest.mark.django_db


def test_five_failures_lock_the_account_and_are_audited(client, practitioner, settings):
    assert settings.AXES_FAILURE_LIMIT == 5 and settings.AXES_COOLOFF_TIME == dt.timedelta(minutes=30)
    for attempt in range(4):
        response = sign_in(client, "prac", password=f"wrong password {attempt}")
        assert response.status_code == 200
        assert "Enter a correct user name and password" in response.content.decode()
    locked = sign_in(client, "prac", password="wrong password 4")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Your account is locked" in html and "30 minutes" in html and "govuk-template__body" in html

    # Now even the right password is refused, from any browser.
    other = client.__class__()
    refused = sign_in(other, "prac", password=PASSWORD)
    assert refused.status_code == 429
    assert other.get(PAGE).status_code == 302  # not signed in

    events = AuditEvent.objects.filter(object_ref="prac", action="denied")
    summaries = list(events.values_list("summary", flat=True))
    assert summaries.count("Sign-in failed") >= 5
    assert "Locked out after repeated failed sign-ins" in summaries
    assert all(e.service_id == practitioner.account.service_id for e in events)
    for event in events:  # nothing but the user name: no password, no address
        text = f"{event.summary} {event.details} {event.actor}"
        assert "wrong password" not in text and PASSWORD not in text and "127.0.0.1" not in text


def test_the_lock_ends_after_the_cool_off(client, practitioner):
    for attempt in range(5):
        sign_in(client, "prac", password=f"wrong password {attempt}")
    assert sign_in(client, "prac").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=31))
    assert sign_in(client, "prac").status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(client, practitioner):
    for attempt in range(4):
        sign_in(client, "prac", password=f"wrong password {attempt}")
    assert sign_in(client, "prac").status_code == 302
    client.post("/sign-out/")
    for attempt in range(4):
        assert sign_in(client, "prac", password=f"wrong again {attempt}").status_code == 200
    assert sign_in(client, "prac").status_code == 302


def test_wrong_codes_count_towards_the_lock_out_and_a_password_does_not_reset_them(client, manager):
    device = app_for(manager)
    for _ in range(2):
        sign_in(client, "manager")
        for attempt in range(2):
            assert client.post("/sign-in/two-factor/", {"code": "000000" if attempt else "999999"}).status_code == 200
        device.refresh_from_db()
        device.throttling_failure_count = 0  # django-otp's own delay, out of the way for the test
        device.throttling_failure_timestamp = None
        device.save()
    sign_in(client, "manager")
    response = client.post("/sign-in/two-factor/", {"code": "123456" if code_for(device) != "123456" else "654321"})
    assert response.status_code == 429 and "Your account is locked" in response.content.decode()
    assert client.get(PAGE).status_code == 302 and "/sign-in/" in client.get(PAGE)["Location"]
    assert sign_in(client, "manager").status_code == 429


def test_unknown_user_names_are_audited_without_a_service(client, db):
    sign_in(client, "nobody-here", password="guess 123456789")
    event = AuditEvent.objects.filter(action="denied").last()
    assert event.object_ref == "nobody-here" and event.service_id is None
