"""The Django admin shows a service's administrator their own service only (accounts/admin_scope.py).

Two services side by side, A and B (the worked example loaded twice), each with a family's contact
details, a legal hold, a retention rule, a message and sign-ins. A's administrator is staff, not
superuser: every changelist lists A's rows only, B's rows do not open, B's cases cannot be chosen, and
what A's administrator saves belongs to A. The operator's superuser still sees both.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.accounts.services import account_set
from oversight.dataprotection.models import LegalHold, RetentionRule
from oversight.messages.models import ContactPreference, Message
from oversight.people.models import Case, Service, Staff

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "small-service.json"
PASSWORD = "correct horse battery staple 42"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _load(tmp_path, ref: str) -> Service:
    document = json.loads(EXAMPLE.read_text())
    document["service"]["id"] = ref
    path = tmp_path / f"{ref}.json"
    path.write_text(json.dumps(document))
    call_command("load", str(path))
    return Service.objects.get(ref=ref)


def _rows(service: Service, family: str) -> dict:
    case = Case.objects.get(service=service, ref="E1")
    staff = Staff.objects.get(service=service, ref="Y1")
    user = account_set(service=service, username=f"y1-{service.ref}", password=PASSWORD, staff=staff,
                       actor="test").user
    return {
        "contact": ContactPreference.objects.create(service=service, case=case, channel="email",
                                                    address=family),
        "hold": LegalHold.objects.create(service=service, case=case, reason="Complaint", by="test",
                                         start=date(2026, 1, 5)),
        "retention": RetentionRule.objects.create(service=service, order_type="referral_order", years=7),
        "message": Message.objects.create(service=service, kind="digest", recipient_staff=staff.ref,
                                          recipient_label=f"{service.ref} recipient", recipient=family,
                                          subject="s", body="b", dedupe_key=f"{service.ref}-1"),
        "user": user,
        "device": TOTPDevice.objects.create(user=user, name=f"{service.ref} phone", confirmed=True),
        "case": case,
    }


@pytest.fixture
def world(tmp_path):
    a, b = _load(tmp_path, "AAA"), _load(tmp_path, "BBB")
    return {"A": _rows(a, "family-a@example.org"), "B": _rows(b, "family-b@example.org"), "a": a, "b": b}


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def admin_a(world):
    account = account_set(service=world["a"], username="admin-a", password=PASSWORD, administrator=True,
                          django_admin=True, actor="test")
    assert account.user.is_staff and not account.user.is_superuser
    return _signed_in(account.user)


def _changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _change(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


SCOPED = ("contact", "hold", "retention", "message", "user", "device")


@pytest.mark.parametrize("name", SCOPED)
def test_an_administrator_lists_and_opens_only_their_own_services_rows(world, admin_a, name):
    mine, theirs = world["A"][name], world["B"][name]
    listed = admin_a.get(_changelist(type(mine)))
    assert listed.status_code == 200
    page = listed.content.decode()
    assert _change(mine) in page and _change(theirs) not in page
    assert admin_a.get(_change(mine)).status_code == 200
    # Another service's row is answered as one that does not exist: back to the admin's index.
    refused = admin_a.get(_change(theirs), follow=True)
    assert refused.redirect_chain and refused.redirect_chain[-1][0] == reverse("admin:index")
    assert "doesn’t exist" in refused.content.decode()
    deleted = admin_a.post(_change(theirs).replace("/change/", "/delete/"), {"post": "yes"})
    assert deleted.status_code in (302, 403)
    assert type(theirs).objects.filter(pk=theirs.pk).exists()


def test_a_family_address_of_another_service_is_never_shown(world, admin_a):
    page = admin_a.get(_changelist(ContactPreference) + "?q=E1").content.decode()
    assert "E1" in page and page.count(_change(world["A"]["contact"])) >= 1
    assert _change(world["B"]["contact"]) not in page
    detail = admin_a.get(_change(world["A"]["contact"])).content.decode()
    assert "family-a@example.org" in detail and "family-b@example.org" not in detail


def test_another_services_case_cannot_be_chosen_and_what_is_saved_is_the_administrators(world, admin_a):
    url = reverse("admin:dataprotection_legalhold_add")
    refused = admin_a.post(url, {"case": world["B"]["case"].pk, "reason": "Inquiry", "by": "me",
                                 "start": "2026-02-01"})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert LegalHold.objects.count() == 2
    added = admin_a.post(reverse("admin:dataprotection_retentionrule_add"),
                         {"service": world["b"].pk, "order_type": "other", "years": "9"})
    assert added.status_code == 200 and not RetentionRule.objects.filter(order_type="other").exists()
    added = admin_a.post(reverse("admin:dataprotection_retentionrule_add"),
                         {"service": world["a"].pk, "order_type": "other", "years": "9"})
    assert added.status_code == 302
    assert RetentionRule.objects.get(order_type="other").service == world["a"]


def test_an_administrator_cannot_make_anyone_a_superuser_or_read_a_second_factor(world, admin_a):
    user = world["A"]["user"]
    form = admin_a.get(_change(user)).content.decode()
    assert 'name="is_superuser"' not in form and 'name="is_staff"' not in form and 'name="groups"' not in form
    admin_a.post(_change(user), {"username": user.username, "first_name": "Example", "last_name": "Y1",
                                 "email": "", "is_active": "on", "is_superuser": "on", "is_staff": "on"})
    user.refresh_from_db()
    assert not user.is_superuser and not user.is_staff
    device = world["A"]["device"]
    assert admin_a.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk])).status_code == 403
    assert admin_a.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_case_narrative_is_not_in_the_admin():
    registered = {model._meta.app_label for model in admin.site._registry}
    assert not registered & {"supervision", "cover", "people", "audit"}


def test_the_operators_superuser_still_sees_every_service(world):
    operator = get_user_model().objects.create_superuser("operator", "op@example.org", PASSWORD)
    client = _signed_in(operator)
    page = client.get(_changelist(ContactPreference)).content.decode()
    assert _change(world["A"]["contact"]) in page and _change(world["B"]["contact"]) in page
    assert client.get(_change(world["B"]["hold"])).status_code == 200
    config = reverse("admin:otp_totp_totpdevice_config", args=[world["B"]["device"].pk])
    assert client.get(config).status_code == 200


def test_existing_service_administrators_stop_being_superusers(world):
    from importlib import import_module

    from django.apps import apps

    user = account_set(service=world["a"], username="old-admin", password=PASSWORD, administrator=True,
                       django_admin=True, actor="test").user
    get_user_model().objects.filter(pk=user.pk).update(is_superuser=True)  # as the old code made them
    operator = get_user_model().objects.create_superuser("operator", "op@example.org", PASSWORD)
    migration = import_module("oversight.accounts.migrations.0003_service_administrators_are_not_superusers")
    migration.demote(apps, None)
    user.refresh_from_db()
    operator.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (True, False)
    assert operator.is_superuser
