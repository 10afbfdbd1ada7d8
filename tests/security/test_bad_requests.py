"""Requests refused before anyone is signed in (a bad Host header, too large a body) are answered 400,
never 500: as the API's JSON error on /api/, with the GOV.UK error page elsewhere."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    # A 500 must show as a 500 here, not as the exception re-raised by the test client.
    return Client(raise_request_exception=False)


def test_a_bad_host_header_is_the_400_page(client):
    for path in ("/", "/accounts/login/", "/api/cases"):
        response = client.get(path, HTTP_HOST="attacker.example")
        assert response.status_code == 400, path
        assert "Sorry, there is a problem" in response.content.decode()
