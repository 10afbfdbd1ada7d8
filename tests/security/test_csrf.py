"""Forged requests: every form POST and every session-authenticated API write of the authorization matrix
(tests/security/matrix.py), sent by a person who may make it but without a CSRF token, is refused with
403 and changes nothing; with the token the same kind of request goes through."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import transaction

from tests.security.matrix import data_fingerprint, rows_for, send, url_of, url_patterns

pytestmark = pytest.mark.usefixtures("within")

# Signing out without a token is refused too; a signed-out person has nothing to forge.
WRITES = [(p, row) for p in url_patterns() for row in rows_for(p) if row.method not in ("GET", "HEAD")]


def forger(world, row):
    """A browser of someone the matrix allows to make the request, with CSRF checks on, and no token."""
    who = next((r for r in ("case_manager", "line_manager", "senior", "administrator") if r in row.allowed),
               "case_manager")
    return world.client(who, enforce_csrf_checks=True)


@pytest.mark.parametrize(("pattern", "row"), WRITES, ids=[f"{p.key}:{r.method}" for p, r in WRITES])
def test_a_write_without_a_csrf_token_is_refused_and_changes_nothing(within, pattern, row):
    url = url_of(within, pattern, row)
    with transaction.atomic():
        before = data_fingerprint()
        response = send(forger(within, row), row, url)
        after = data_fingerprint()
        transaction.set_rollback(True)
    assert response.status_code == 403, (url, response.status_code, response.content[:300])
    assert after == before


def test_every_write_of_the_matrix_is_checked_here():
    assert len(WRITES) >= 25  # the pages' forms and the API's POST and PUT endpoints


def _token(browser) -> str:
    browser.get("/absences/new/")  # any page with a form sets the CSRF cookie
    return browser.cookies[settings.CSRF_COOKIE_NAME].value


def test_a_form_post_with_the_token_goes_through(within):
    from oversight.cover.models import Absence

    browser = within.client("Y2", enforce_csrf_checks=True)
    page = browser.get("/absences/new/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post("/absences/new/", {
        "csrfmiddlewaretoken": token, "kind": "annual_leave",
        "first_day-day": "2", "first_day-month": "3", "first_day-year": "2026",
        "last_day-day": "3", "last_day-month": "3", "last_day-year": "2026"})
    assert response.status_code == 302, response.content[:500]
    assert Absence.objects.filter(staff__ref="Y2", first_day="2026-03-02").exists()


def test_a_session_api_write_with_the_token_goes_through(within):
    browser = within.client("Y2", enforce_csrf_checks=True)
    body = {"kind": "annual_leave", "first_day": "2026-03-02", "last_day": "2026-03-03"}
    refused = browser.post("/api/absences", body, content_type="application/json")
    assert refused.status_code == 403
    response = browser.post("/api/absences", body, content_type="application/json",
                            HTTP_X_CSRFTOKEN=_token(browser))
    assert response.status_code == 201, response.content[:500]
    assert response.json()["staff"] == "Y2"


def test_an_api_token_needs_no_csrf_token(within):
    """Personal API tokens are not sent by browsers on their own, so they need no CSRF token."""
    from django.test import Client

    from oversight.accounts.models import Account
    from oversight.api.services import api_token_create

    _, secret = api_token_create(owner=Account.objects.get(user__username="u-y2"), actor="test")
    browser = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = browser.post("/api/absences", {"kind": "annual_leave", "first_day": "2026-03-02",
                                               "last_day": "2026-03-03"}, content_type="application/json")
    assert response.status_code == 201, response.content[:300]
