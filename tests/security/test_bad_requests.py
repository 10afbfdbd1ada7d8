"""Requests refused before anyone is signed in (a bad Host header, too large a body) are answered 400,
never 500: as the API's JSON error on /api/, with the GOV.UK error page elsewhere."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

OVER_DJANGOS_LIMIT = json.dumps({"padding": "x" * (3 * 1024 * 1024)})  # 3 MB: Django's limit is 2.5 MB


@pytest.fixture
def client():
    # A 500 must show as a 500 here, not as the exception re-raised by the test client.
    return Client(raise_request_exception=False)


def test_a_bad_host_header_is_the_400_page(client):
    for path in ("/", "/accounts/login/", "/api/cases"):
        response = client.get(path, HTTP_HOST="attacker.example")
        assert response.status_code == 400, path
        assert "Sorry, there is a problem" in response.content.decode()


def test_a_json_body_over_the_limit_is_a_400_json_error_on_the_api(client):
    response = client.post("/api/supervisions", OVER_DJANGOS_LIMIT, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == "bad_request"
    assert error["message"] == "The request body is larger than the 2.5 MB this address accepts."
    assert error["details"] == {"limit_bytes": 2621440}


def test_a_body_over_the_limit_is_the_400_page_elsewhere(client):
    response = client.post("/accounts/login/", OVER_DJANGOS_LIMIT, content_type="application/json")
    assert response.status_code == 400
    assert "Sorry, there is a problem" in response.content.decode()
