"""Response headers, the Content Security Policy, cookies, CSRF, caching, error pages and logs."""

import io
import logging
from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.accounts.helpers import PAGE, PASSWORD, app_for, code_for, sign_in

pytestmark = pytest.mark.django_db


class InlineFinder(HTMLParser):
    """Inline scripts, style elements, style attributes and event-handler attributes."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src"):
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style>")
        if "style" in attrs:
            self.problems.append(f"style= on <{tag}>")
        self.problems += [f"{name}= on <{tag}>" for name in attrs if name.startswith("on")]


def inline_problems(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.problems


def csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


@pytest.fixture
def signed_in(client, practitioner):
    sign_in(client, "prac")
    return client


def test_security_headers_on_a_signed_in_page(signed_in):
    response = signed_in.get(PAGE)
    assert response.status_code == 200
    policy = csp(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["Pragma"] == "no-cache"


def test_the_sign_in_pages_have_nothing_inline(client, manager):
    pages = [client.get("/sign-in/")]
    app_for(manager)
    sign_in(client, "manager")
    pages.append(client.get("/sign-in/two-factor/"))
    for response in pages:
        assert response.status_code == 200
        assert inline_problems(response.content.decode()) == []
        assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_set_up_page_has_nothing_inline(client, manager):
    sign_in(client, "manager")
    response = client.get("/sign-in/two-factor/set-up/")
    assert inline_problems(response.content.decode()) == []


def test_signing_in_and_out_are_not_cached(client, practitioner):
    response = sign_in(client, "prac")
    assert "no-store" in response["Cache-Control"]
    assert "no-store" in client.post("/sign-out/")["Cache-Control"]


def test_cookies_are_httponly_and_samesite(client, practitioner):
    client.get("/sign-in/")
    response = sign_in(client, "prac")
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert not session["max-age"]  # a browser-session cookie; the server ends it after 30 idle minutes
    page = client.get("/sign-in/two-factor/set-up/")  # any page that renders a form sets the CSRF cookie
    csrf = page.cookies.get("csrftoken") or response.cookies.get("csrftoken") or client.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"


def test_the_sign_in_form_refuses_a_post_without_a_csrf_token(practitioner):
    client = Client(enforce_csrf_checks=True)
    refused = client.post("/sign-in/", {"username": "prac", "password": PASSWORD})
    assert refused.status_code == 403
    assert "The page was out of date" in refused.content.decode()
    # With the form's token it works.
    page = client.get("/sign-in/")
    token = page.context["csrf_token"]
    accepted = client.post("/sign-in/", {"username": "prac", "password": PASSWORD, "csrfmiddlewaretoken": str(token)})
    assert accepted.status_code == 302
    # Signing out needs the token too.
    assert client.post("/sign-out/").status_code == 403


def test_the_admin_site_works_under_the_policy(client, administrator):
    device = app_for(administrator)
    assert client.get("/admin/login/?next=/admin/")["Location"].startswith("/sign-in/?next=")
    sign_in(client, "admin")
    client.post("/sign-in/two-factor/", {"code": code_for(device)})
    for path in ("/admin/", "/admin/auth/user/", f"/admin/auth/user/{administrator.pk}/change/",
                 f"/admin/auth/user/{administrator.pk}/password/", "/admin/otp_totp/totpdevice/",
                 "/admin/dataprotection/retentionrule/add/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert inline_problems(response.content.decode()) == [], path
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert "no-store" in response["Cache-Control"]
    # Adding sign-ins and the lock-out records are the operator's (docs/security.md, "The Django admin").
    for path in ("/admin/auth/user/add/", "/admin/axes/accessattempt/"):
        assert client.get(path).status_code == 403, path


def test_404_and_500_pages_show_no_traceback_or_personal_data(client, settings):
    settings.ROOT_URLCONF = "tests.accounts.urls_with_error"
    missing = client.get("/no-such-page/C-1042/?name=Jane+Example")
    assert missing.status_code == 404
    assert "Jane" not in missing.content.decode() and "Traceback" not in missing.content.decode()

    handler = next(h for h in logging.getLogger("django").handlers if isinstance(h, logging.StreamHandler))
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        failing = Client(raise_request_exception=False)
        response = failing.get("/fails/?name=Jane+Example")
    finally:
        handler.setStream(old)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    for secret in ("Traceback", "RuntimeError", "Jane", "C-1042", "urls_with_error"):
        assert secret not in html, secret
    logged = stream.getvalue()
    assert "Internal Server Error: /fails/" in logged
    assert "Traceback (most recent call last)" in logged and "builtins.RuntimeError (message not logged)" in logged
    assert "Jane" not in logged and "C-1042" not in logged


def test_the_request_log_has_no_query_strings():
    from oversight.security.logging import NoPersonalDataFilter

    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, '"%s" %s %s',
                               ("GET /cases/?q=Jane+Example&page=2 HTTP/1.1", "200", "1234"), None)
    record.request = object()
    assert NoPersonalDataFilter().filter(record)
    assert record.getMessage() == '"GET /cases/?[removed] HTTP/1.1" 200 1234'
    assert record.request is None
