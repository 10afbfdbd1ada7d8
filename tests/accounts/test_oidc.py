"""Single sign-on with OpenID Connect, against oidc-provider-mock run on this machine (no network)."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from oidc_provider_mock import User, run_server_in_thread

from oversight.accounts.oidc import claimed_names, users_for_claims
from oversight.audit.models import AuditEvent
from tests.accounts.helpers import PAGE, app_for, code_for

pytestmark = pytest.mark.django_db

KNOWN = User(sub="sub-prac", claims={"email": "Y1@example.org", "preferred_username": "y1@council.example"})
MANAGER = User(sub="sub-manager", claims={"preferred_username": "d1@example.org"})
STRANGER = User(sub="sub-stranger", claims={"email": "stranger@example.org"})


@pytest.fixture(scope="module")
def provider():
    import os

    before = os.environ.get("AUTHLIB_INSECURE_TRANSPORT")
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # the mock serves plain HTTP on localhost
    try:
        with run_server_in_thread(port=0, require_nonce=True, user_claims=[KNOWN, MANAGER, STRANGER]) as server:
            yield f"http://localhost:{server.server_port}"
    finally:
        if before is None:
            os.environ.pop("AUTHLIB_INSECURE_TRANSPORT", None)
        else:
            os.environ["AUTHLIB_INSECURE_TRANSPORT"] = before


@pytest.fixture
def sso(provider, settings, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    settings.OVERSIGHT_OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "oversight-test"
    settings.OIDC_RP_CLIENT_SECRET = "not-a-real-secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/oauth2/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/oauth2/token"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/jwks"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/userinfo"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_RP_SCOPES = "openid email profile"
    settings.OIDC_USE_PKCE = True
    settings.OIDC_CREATE_USER = False
    settings.OIDC_TIMEOUT = 10
    settings.LOGIN_REDIRECT_URL_FAILURE = "/sign-in/?sso=refused"
    return provider


def sign_on(client, provider: str, sub: str, next_url: str = PAGE):
    """Start at Oversight, choose the user at the provider, and come back: Oversight's last response."""
    start = client.get(f"/sign-in/sso/?next={next_url}")
    assert start.status_code == 302 and start["Location"].startswith(f"{provider}/oauth2/authorize?")
    query = parse_qs(urlsplit(start["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    chosen = requests.post(start["Location"], data={"sub": sub}, allow_redirects=False, timeout=10)
    assert chosen.status_code == 302, chosen.text
    back = urlsplit(chosen.headers["Location"])
    assert back.path == "/sign-in/sso/callback/"
    return client.get(f"{back.path}?{back.query}")


def test_sign_in_page_offers_single_sign_on_only_when_configured(client, sso, settings):
    assert "Sign in with your council account" in client.get("/sign-in/").content.decode()
    settings.OVERSIGHT_OIDC_ENABLED = False
    assert "Sign in with your council account" not in client.get("/sign-in/").content.decode()
    assert client.get("/sign-in/sso/").status_code == 404


def test_a_known_user_signs_on_by_email(client, sso, practitioner):
    response = sign_on(client, sso, KNOWN.sub)
    assert response.status_code == 302 and response["Location"] == PAGE
    assert client.get(PAGE).status_code == 200
    event = AuditEvent.objects.filter(action="sign_in").last()
    assert event.actor == "prac" and event.summary == "Signed in (single sign-on)"


def test_a_manager_signing_on_still_gives_a_code(client, sso, manager):
    device = app_for(manager)
    response = sign_on(client, sso, MANAGER.sub)
    assert response["Location"].startswith("/sign-in/two-factor/?next=")
    assert client.get(PAGE).status_code == 302
    client.post("/sign-in/two-factor/", {"code": code_for(device)})
    assert client.get(PAGE).status_code == 200


def test_an_unknown_user_is_refused_audited_and_not_created(client, sso, practitioner, django_user_model):
    users = django_user_model.objects.count()
    response = sign_on(client, sso, STRANGER.sub)
    assert response.status_code == 302 and response["Location"] == "/sign-in/?sso=refused"
    assert client.get(PAGE).status_code == 302
    assert django_user_model.objects.count() == users
    refusal = AuditEvent.objects.filter(action="denied").last()
    assert refusal.object_ref == "stranger@example.org"
    assert refusal.summary == "Single sign-on refused: no Oversight account has this name"
    assert "is not set up in Oversight" in client.get(response["Location"]).content.decode()


def test_claims_map_to_accounts_by_email_or_entra_user_name(practitioner, manager, django_user_model):
    assert claimed_names({"email": " Y1@Example.org ", "preferred_username": "y1@example.org"}) == ["y1@example.org"]
    assert list(users_for_claims({"email": "y1@example.org"})) == [practitioner]
    assert list(users_for_claims({"preferred_username": "D1@example.org"})) == [manager]  # Entra's UPN
    assert list(users_for_claims({"upn": "prac"})) == [practitioner]  # or the Oversight user name
    assert not users_for_claims({"sub": "only-a-subject"}).exists()
    # A user without an Oversight account is never matched, nor an inactive one.
    django_user_model.objects.create_user("loner", email="loner@example.org")
    assert not users_for_claims({"email": "loner@example.org"}).exists()
    practitioner.is_active = False
    practitioner.save()
    assert not users_for_claims({"email": "y1@example.org"}).exists()
