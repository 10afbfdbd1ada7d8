"""Two-factor sign-in: required for managers and administrators (and everyone when configured),
set up with a QR code, verified with a TOTP code or a backup code."""

import re

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.audit.models import AuditEvent
from tests.accounts.helpers import PAGE, app_for, code_for, sign_in

pytestmark = pytest.mark.django_db


def test_a_manager_cannot_reach_a_page_with_a_password_alone(client, manager):
    device = app_for(manager)
    response = sign_in(client, "manager", next=PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/two-factor/?next=")
    # Signed in with a password, but every page (and the admin, and the API) sends them to the code.
    for path in (PAGE, "/admin/", "/some/other/page/"):
        page = client.get(path)
        assert page.status_code == 302 and page["Location"].startswith("/sign-in/two-factor/"), path
    api = client.post("/api/anything/")
    assert api.status_code == 403 and "Two-factor" in api.content.decode()

    response = client.post("/sign-in/two-factor/", {"code": code_for(device), "next": PAGE})
    assert response.status_code == 302 and response["Location"] == PAGE
    assert client.get(PAGE).status_code == 200


def test_a_manager_without_an_app_is_sent_to_set_one_up(client, manager):
    response = sign_in(client, "manager")
    assert response["Location"].startswith("/sign-in/two-factor/set-up/")
    assert client.get(PAGE)["Location"].startswith("/sign-in/two-factor/set-up/")


def test_a_practitioner_signs_in_with_a_password_alone(client, practitioner):
    response = sign_in(client, "prac", next=PAGE)
    assert response.status_code == 302 and response["Location"] == PAGE
    assert client.get(PAGE).status_code == 200


def test_everyone_needs_a_code_when_the_setting_is_on(client, practitioner, settings):
    settings.OVERSIGHT_REQUIRE_2FA_FOR_ALL = True
    response = sign_in(client, "prac")
    assert response["Location"].startswith("/sign-in/two-factor/set-up/")
    assert client.get(PAGE).status_code == 302


def test_administrators_need_a_code(client, administrator):
    app_for(administrator)
    assert sign_in(client, "admin")["Location"].startswith("/sign-in/two-factor/")
    assert client.get("/admin/")["Location"].startswith("/sign-in/two-factor/")


def test_a_practitioner_who_set_up_an_app_is_asked_for_it(client, practitioner):
    app_for(practitioner)
    assert sign_in(client, "prac")["Location"].startswith("/sign-in/two-factor/")


def test_a_wrong_code_is_refused_and_audited(client, manager):
    device = app_for(manager)
    sign_in(client, "manager")
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post("/sign-in/two-factor/", {"code": wrong})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and "<title>Error: " in html
    assert client.get(PAGE).status_code == 302
    refusal = AuditEvent.objects.filter(action="denied", object_ref="manager").last()
    assert refusal.summary == "Two-factor code refused"
    assert wrong not in str(refusal.details) and wrong not in refusal.summary


def test_set_up_shows_the_key_and_a_server_side_qr_code_then_backup_codes(client, manager):
    sign_in(client, "manager")
    page = client.get("/sign-in/two-factor/set-up/")
    html = page.content.decode()
    assert page.status_code == 200
    uri = re.search(r'id="otpauth-uri">([^<]+)<', html).group(1).replace("&amp;", "&")
    assert uri.startswith("otpauth://totp/Oversight%3Amanager?secret=") and "issuer=Oversight" in uri
    assert 'src="data:image/svg+xml;' in html  # the QR code, made on the server
    assert "<script" not in html.split("</head>")[1]  # no script in the page body

    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    response = client.post("/sign-in/two-factor/set-up/", {"code": code_for(device), "next": PAGE})
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/two-factor/backup-codes/")
    device.refresh_from_db()
    assert device.confirmed
    codes_page = client.get(response["Location"]).content.decode()
    codes = re.findall(r'<code class="app-code">([a-z0-9]{10})</code>', codes_page)
    assert len(codes) == 10
    assert client.get(PAGE).status_code == 200  # verified by setting up
    # The codes are shown once.
    assert not re.findall(r'<code class="app-code">([a-z0-9]{10})</code>', client.get(response["Location"]).content.decode())
    assert AuditEvent.objects.filter(details__event="second_factor_set_up", object_ref="manager").exists()

    # A backup code signs in once.
    other = client.__class__()
    sign_in(other, "manager")
    assert other.post("/sign-in/two-factor/", {"code": codes[0].upper()}).status_code == 302
    assert other.get(PAGE).status_code == 200
    third = client.__class__()
    sign_in(third, "manager")
    assert third.post("/sign-in/two-factor/", {"code": codes[0]}).status_code == 200  # used up
    assert StaticToken.objects.filter(device__user=manager).count() == 9


def test_a_password_alone_cannot_add_another_app(client, manager):
    app_for(manager)
    sign_in(client, "manager")
    response = client.get("/sign-in/two-factor/set-up/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/two-factor/")
    assert not response["Location"].startswith("/sign-in/two-factor/set-up/")
    assert not TOTPDevice.objects.filter(user=manager, confirmed=False).exists()


def test_the_second_factor_is_audited(client, manager):
    device = app_for(manager)
    sign_in(client, "manager")
    client.post("/sign-in/two-factor/", {"code": code_for(device)})
    events = list(AuditEvent.objects.filter(object_ref="manager", action="sign_in").values_list("summary", flat=True))
    assert events[-2:] == ["Signed in (password)", "Two-factor code accepted"]
