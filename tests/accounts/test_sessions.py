"""Sessions: end after inactivity, on sign-out, and everywhere on request."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from oversight.audit.models import AuditEvent
from tests.accounts.helpers import PAGE, sign_in

pytestmark = pytest.mark.django_db


def test_sessions_end_after_30_minutes_without_a_request(client, practitioner, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST  # each request starts the 30 minutes again
    sign_in(client, "prac")
    assert client.get(PAGE).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    # Each request moved the expiry on: it is about 30 minutes from now.
    remaining = session.expire_date - timezone.now()
    assert dt.timedelta(minutes=29) < remaining <= dt.timedelta(minutes=30)
    # 31 minutes of nothing.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - dt.timedelta(minutes=1))
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_the_session_length_comes_from_the_environment():
    import os
    import subprocess
    import sys

    env = {**os.environ, "OVERSIGHT_SESSION_MINUTES": "15", "DJANGO_SETTINGS_MODULE": "oversight.settings"}
    out = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SESSION_COOKIE_AGE)"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout
    assert out.strip() == "900"


def test_sign_out_is_a_post_and_is_audited(client, practitioner):
    sign_in(client, "prac")
    assert client.get("/sign-out/").status_code == 405
    response = client.post("/sign-out/")
    assert response.status_code == 302 and response["Location"] == "/signed-out/"
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get(PAGE).status_code == 302
    assert AuditEvent.objects.filter(object_ref="prac", summary="Signed out").exists()
    assert "You have signed out" in client.get("/signed-out/").content.decode()


def test_sign_out_everywhere_ends_the_other_sessions(practitioner):
    laptop, phone = Client(), Client()
    sign_in(laptop, "prac")
    sign_in(phone, "prac")
    assert laptop.get(PAGE).status_code == 200 and phone.get(PAGE).status_code == 200

    page = phone.get("/sign-out/everywhere/")
    assert page.status_code == 200 and "Sign out everywhere" in page.content.decode()
    response = phone.post("/sign-out/everywhere/")
    assert response.status_code == 302 and response["Location"] == "/signed-out/?everywhere=1"

    assert phone.get(PAGE).status_code == 302
    ended = laptop.get(PAGE)
    assert ended.status_code == 302 and ended["Location"].startswith("/sign-in/")
    assert AuditEvent.objects.filter(object_ref="prac", details__event="signed_out_everywhere").exists()

    # Signing in again afterwards works as usual.
    sign_in(laptop, "prac")
    assert laptop.get(PAGE).status_code == 200


def test_sign_in_is_audited_with_the_user_name_only(client, practitioner):
    sign_in(client, "prac")
    event = AuditEvent.objects.filter(action="sign_in").last()
    assert event.actor == "prac" and event.summary == "Signed in (password)"
    assert event.service_id == practitioner.account.service_id
    assert set(event.details) == {"event", "method"}
