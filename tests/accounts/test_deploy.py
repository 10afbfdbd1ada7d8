"""Production settings: `oversight check --deploy` is clean, and a missing secret stops the start."""

import json
import os
import subprocess
import sys

PRODUCTION = {
    "OVERSIGHT_ENV": "production",
    "OVERSIGHT_SECRET_KEY": "k" * 20 + "a-test-only-secret-key-that-is-long-enough-0123456789",
    "OVERSIGHT_ALLOWED_HOSTS": "oversight.example.org",
}


def run_oversight(*args, env: dict) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OVERSIGHT_")}
    environment.update(env, DJANGO_SETTINGS_MODULE="oversight.settings")
    return subprocess.run([sys.executable, "-c", "from oversight.cli import main; main()", *args],
                          env=environment, capture_output=True, text=True, timeout=120, check=False)


def production_settings(*names, env=None) -> dict:
    code = ("import json; from django.conf import settings; "
            f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}, default=str))")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OVERSIGHT_")}
    environment.update(PRODUCTION if env is None else env, DJANGO_SETTINGS_MODULE="oversight.settings")
    out = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True,
                         timeout=60, check=True)
    return json.loads(out.stdout)


def test_check_deploy_reports_nothing_in_production():
    result = run_oversight("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stderr + result.stdout


def test_check_deploy_warns_in_development():
    """The same check, without the production switch, does find the HTTPS settings off."""
    result = run_oversight("check", "--deploy", env={})
    assert "security.W004" in result.stderr + result.stdout  # no HSTS outside production


def test_production_refuses_the_development_key_and_missing_hosts():
    missing_key = run_oversight("check", env={"OVERSIGHT_ENV": "production", "OVERSIGHT_ALLOWED_HOSTS": "x.org"})
    assert missing_key.returncode == 2
    assert "OVERSIGHT_SECRET_KEY" in missing_key.stderr and "Traceback" not in missing_key.stderr
    dev_key = run_oversight("check", env={
        "OVERSIGHT_ENV": "production", "OVERSIGHT_ALLOWED_HOSTS": "x.org",
        "OVERSIGHT_SECRET_KEY": "dev-only-insecure-key-change-me-in-production-0123456789",
    })
    assert dev_key.returncode == 2 and "not the development key" in dev_key.stderr
    no_hosts = run_oversight("check", env={k: v for k, v in PRODUCTION.items() if k != "OVERSIGHT_ALLOWED_HOSTS"})
    assert no_hosts.returncode == 2 and "OVERSIGHT_ALLOWED_HOSTS" in no_hosts.stderr


def test_production_settings():
    values = production_settings(
        "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_NAME", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_HTTPONLY", "X_FRAME_OPTIONS",
        env={**PRODUCTION, "OVERSIGHT_DEBUG": "1"},  # DEBUG stays off in production whatever this says
    )
    assert values == {
        "DEBUG": False, "SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": True, "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True, "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SESSION_COOKIE_NAME": "__Host-oversight_session", "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True, "X_FRAME_OPTIONS": "DENY",
    }


def test_oidc_needs_all_its_settings():
    result = run_oversight("check", env={"OVERSIGHT_OIDC_CLIENT_ID": "abc"})
    assert result.returncode == 2 and "OVERSIGHT_OIDC_CLIENT_SECRET" in result.stderr
    entra = production_settings("OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT",
                                "OIDC_OP_USER_ENDPOINT", "OVERSIGHT_OIDC_ENABLED", env={
                                    "OVERSIGHT_OIDC_CLIENT_ID": "abc", "OVERSIGHT_OIDC_CLIENT_SECRET": "s",
                                    "OVERSIGHT_OIDC_TENANT_ID": "tenant-1"})
    assert entra == {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.microsoftonline.com/tenant-1/oauth2/v2.0/authorize",
        "OIDC_OP_TOKEN_ENDPOINT": "https://login.microsoftonline.com/tenant-1/oauth2/v2.0/token",
        "OIDC_OP_JWKS_ENDPOINT": "https://login.microsoftonline.com/tenant-1/discovery/v2.0/keys",
        "OIDC_OP_USER_ENDPOINT": "https://graph.microsoft.com/oidc/userinfo",
        "OVERSIGHT_OIDC_ENABLED": True,
    }
