"""Who may call the API: a session (CSRF enforced for writes) or a personal token, revocable."""

import pytest
from django.core.management import call_command
from django.test import Client

from oversight.api.models import ApiToken
from oversight.api.services import api_token_revoke
from oversight.audit.models import AuditEvent
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db
LEAVE = {"kind": "annual_leave", "first_day": "2031-01-06", "last_day": "2031-01-10"}


def test_no_sign_in_is_401_as_json(service):
    response = Client().get("/api/cases")
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthenticated"


def test_a_token_signs_in_as_its_owner(token_for):
    client = token_for("SO1")
    response = client.get("/api/cases")
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["items"]] == ["E3"]
    token = ApiToken.objects.get()
    assert token.last_used is not None
    assert token.token_hash != client.secret and client.secret not in token.token_hash


def test_a_revoked_token_is_refused(token_for):
    client = token_for("SO1")
    api_token_revoke(token=ApiToken.objects.get(), actor="test")
    response = client.get("/api/cases")
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthenticated"
    assert AuditEvent.objects.filter(object_type="api_token", summary__contains="revoked").exists()


def test_an_unknown_token_is_refused(service):
    response = Client(HTTP_AUTHORIZATION="Bearer ovt_not-a-real-token").get("/api/staff")
    assert response.status_code == 401


def test_session_post_without_csrf_token_is_refused_and_writes_nothing(session_for):
    client = session_for("SO1")
    response = client.post("/api/absences", LEAVE, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in error_of(response)["message"]
    assert client.get("/api/absences").json()["count"] == 0  # GET needs no CSRF token


def test_session_post_with_csrf_token_is_accepted(session_for):
    client = session_for("SO1")
    client.get("/api/docs")  # sets the CSRF cookie, as a page would
    token = client.cookies["csrftoken"].value
    response = client.post("/api/absences", LEAVE, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content
    assert response.json()["staff"] == "SO1"


def test_a_token_needs_no_csrf_token_for_writes(token_for):
    response = token_for("SO1").post("/api/absences", LEAVE, content_type="application/json")
    assert response.status_code == 201


def test_the_command_prints_a_token_once_and_revokes_it(account, capsys):
    account("SO1")
    call_command("api_token", "create", "u-SO1", "--label", "reporting script")
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("ovt_")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/staff").status_code == 200
    call_command("api_token", "list", "u-SO1")
    listing = capsys.readouterr().out
    assert "reporting script" in listing and secret not in listing
    call_command("api_token", "revoke", ApiToken.objects.get().prefix)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/staff").status_code == 401
    created = AuditEvent.objects.filter(object_type="api_token").values_list("summary", flat=True)
    assert any("made for u-SO1" in s for s in created) and not any(secret in s for s in created)


def test_the_schema_and_docs_need_a_sign_in(service, token_for):
    assert Client().get("/api/openapi.json").status_code == 401
    assert Client().get("/api/docs").status_code == 302
    schema = token_for("SO1").get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/cases", "/api/cases/{ref}", "/api/findings", "/api/imports/exchange"} <= set(schema["paths"])


def test_the_docs_page_loads_swagger_from_static_files_only(session_for):
    html = session_for("SO1").get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/static/ninja/swagger-ui-init.js" in html
    assert "cdn" not in html.lower() and "<style" not in html and " style=" not in html
    # No inline script: the only <script> with a body is the settings, as JSON data.
    assert html.count("<script") == 3 and 'type="application/json"' in html
