"""Django settings. Everything a deployment changes comes from the environment.

DATABASE_URL selects the database (postgres://… in production); unset, a SQLite file in the
project's var/ folder is used so that nothing needs a server.

OVERSIGHT_ENV=production switches on the HTTPS-only settings (see the end of this file and
docs/security.md) and refuses to start without OVERSIGHT_SECRET_KEY and OVERSIGHT_ALLOWED_HOSTS.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

PROJECT_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("OVERSIGHT_VAR_DIR", PROJECT_DIR / "var"))

# --- Environment switch: development (the default) or production ---------------------------------
OVERSIGHT_ENV = os.environ.get("OVERSIGHT_ENV", "development").strip().lower() or "development"
if OVERSIGHT_ENV not in ("development", "production"):
    raise ImproperlyConfigured(f"OVERSIGHT_ENV must be 'development' or 'production', not {OVERSIGHT_ENV!r}")
PRODUCTION = OVERSIGHT_ENV == "production"

DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"
# DEBUG shows tracebacks and settings: never in production, whatever OVERSIGHT_DEBUG says.
DEBUG = not PRODUCTION and os.environ.get("OVERSIGHT_DEBUG", "") == "1"
SECRET_KEY = os.environ.get("OVERSIGHT_SECRET_KEY", "").strip() or DEV_SECRET_KEY
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("OVERSIGHT_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
                 if h.strip()]
if PRODUCTION:
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "OVERSIGHT_ENV=production needs OVERSIGHT_SECRET_KEY: a random secret of 50 or more characters, "
            "not the development key. Make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(64))'"
        )
    if not os.environ.get("OVERSIGHT_ALLOWED_HOSTS", "").strip() or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "OVERSIGHT_ENV=production needs OVERSIGHT_ALLOWED_HOSTS: the host names Oversight is served at, "
            "comma-separated (for example oversight.council.gov.uk); '*' is not allowed."
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "oversight.people",
    "oversight.cover",
    "oversight.supervision",
    "oversight.store",  # each service's data revision (triggers), what the findings cache is keyed by
    "oversight.audit",
    "oversight.accounts",
    "oversight.ops",
    "oversight.cli",
    "oversight.web",
    "oversight.api",
    "oversight.imports",
    "oversight.reports",
    "oversight.messages",
    "oversight.dataprotection",
    "django_tasks_db",
    "ninja",  # django-ninja: its Swagger UI files are served from static (no CDN, see docs/api.md)
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
]

MIDDLEWARE = [
    # First, so that every log line of the request (errors in later middleware too) carries its id.
    "oversight.ops.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "oversight.security.middleware.RefuseNulMiddleware",  # before anything looks a NUL up in the database
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "oversight.security.middleware.NoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "oversight.accounts.middleware.SignOutEverywhereMiddleware",
    "oversight.accounts.middleware.RequireTwoFactorMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-axes: last, as its documentation requires (it turns a lock-out into the lock-out page).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "oversight.urls"
WSGI_APPLICATION = "oversight.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oversight.web.navigation.primary_navigation",
            ]
        },
    }
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60)
    else:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        config = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "oversight.sqlite3",
            # WAL lets readers work while a load is writing; the timeout waits for a writer.
            "OPTIONS": {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"},
        }
    config.setdefault("TEST", {})
    return config


DATABASES = {"default": _database()}

# Findings computed for a service are kept here under the service's data revision
# (store/cache.py): never stale, whatever writes. With REDIS_URL every worker and server shares
# them; without it each process keeps its own.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"],
         "KEY_PREFIX": "oversight", "TIMEOUT": 24 * 3600}
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "TIMEOUT": 24 * 3600,
              "OPTIONS": {"MAX_ENTRIES": 1000}}
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2id (OWASP's parameters: docs/decisions/0007) for every new or changed password; the others only
# check (and upgrade) older hashes.
PASSWORD_HASHERS = [
    "oversight.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

# Logs never carry query strings, request bodies or exception messages (which can hold personal data):
# oversight.security.logging strips them; tracebacks keep only file, line and exception type.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_personal_data": {"()": "oversight.security.logging.NoPersonalDataFilter"},
                "context": {"()": "oversight.security.logging.ContextFilter"}},
    # One JSON object a line, with the request's or task's id (docs/operations.md, "Logs").
    "formatters": {"json": {"()": "oversight.security.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["no_personal_data", "context"],
                             "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("OVERSIGHT_LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's own handlers (mail_admins, the runserver request log) are replaced by the safe one.
        "django": {"handlers": ["console"], "level": os.environ.get("OVERSIGHT_LOG_LEVEL", "WARNING"),
                   "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # One line a request (method, route, status, duration, request id); OVERSIGHT_REQUEST_LOG=0 stops it.
        "oversight.requests": {"level": "WARNING" if os.environ.get("OVERSIGHT_REQUEST_LOG") == "0" else "INFO"},
    },
}


# --- Background tasks, messages and exports (docs/operations-messages.md) -------------------------
# Django's tasks framework with django-tasks-db's database backend: `oversight worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Django 6.1's MAILERS: SMTP unless OVERSIGHT_EMAIL_BACKEND names another backend (e.g. the console one).
_EMAIL_BACKEND = os.environ.get("OVERSIGHT_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
MAILERS = {"default": {"BACKEND": _EMAIL_BACKEND, "OPTIONS": {
    "host": os.environ.get("OVERSIGHT_EMAIL_HOST", "localhost"),
    "port": int(os.environ.get("OVERSIGHT_EMAIL_PORT", "25")),
    "username": os.environ.get("OVERSIGHT_EMAIL_USER", ""),
    "password": os.environ.get("OVERSIGHT_EMAIL_PASSWORD", ""),
    "use_tls": os.environ.get("OVERSIGHT_EMAIL_TLS", "") == "1",
    "timeout": 30,
} if _EMAIL_BACKEND.endswith("smtp.EmailBackend") else {}}}
DEFAULT_FROM_EMAIL = os.environ.get("OVERSIGHT_EMAIL_FROM", "oversight@localhost")
OVERSIGHT_EMAIL_DOMAIN = DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
OVERSIGHT_SITE_URL = os.environ.get("OVERSIGHT_SITE_URL", "").rstrip("/")  # for links in messages and feeds
OVERSIGHT_NOTIFY_BASE_URL = os.environ.get("OVERSIGHT_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
OVERSIGHT_MESSAGE_LEASE_SECONDS = int(os.environ.get("OVERSIGHT_MESSAGE_LEASE_SECONDS", "600"))
OVERSIGHT_MESSAGE_RETRY_SECONDS = int(os.environ.get("OVERSIGHT_MESSAGE_RETRY_SECONDS", "60"))
OVERSIGHT_MESSAGE_MAX_ATTEMPTS = int(os.environ.get("OVERSIGHT_MESSAGE_MAX_ATTEMPTS", "8"))
# A task RUNNING longer than this is taken to be a dead worker's: put back at the worker's start and by
# `oversight reminders` (oversight.ops.task_queue). Longer than any task takes; tasks are safe to run twice.
OVERSIGHT_TASK_LEASE_MINUTES = int(os.environ.get("OVERSIGHT_TASK_LEASE_MINUTES", "30"))
# The health check fails when a task has waited longer than this to be taken: no worker is taking tasks.
OVERSIGHT_TASK_MAX_WAIT_MINUTES = int(os.environ.get("OVERSIGHT_TASK_MAX_WAIT_MINUTES", "15"))

# --- Sign-in (docs/security.md) -------------------------------------------------------------------
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "accounts:signed-out"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out sign-in before a password is checked
    "django.contrib.auth.backends.ModelBackend",
    "oversight.accounts.oidc.AccountOIDCBackend",  # does nothing unless OpenID Connect is configured
]

# Two-factor sign-in (django-otp, TOTP with backup codes). Always for managers (deputy team manager
# and above), administrators and Django admin users, and for anyone who has set up an app; for
# everyone when OVERSIGHT_REQUIRE_2FA_FOR_ALL=1.
OVERSIGHT_REQUIRE_2FA_FOR_ALL = os.environ.get("OVERSIGHT_REQUIRE_2FA_FOR_ALL", "") == "1"
OTP_TOTP_ISSUER = os.environ.get("OVERSIGHT_OTP_ISSUER", "Oversight")

# Lock-out (django-axes): 5 failed sign-ins for a user name lock it for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("OVERSIGHT_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("OVERSIGHT_LOCKOUT_MINUTES", "30")))
# By user name only: by IP address, five typos anywhere in a council (staff share one outgoing
# address) would lock everyone out. axes.W006 warns about exactly that choice: silenced, on purpose.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# Failures are forgotten only once someone is fully signed in (password and, where needed, code:
# oversight.accounts.views), so that a right password does not wipe out a run of wrong codes.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "oversight.accounts.views.locked_out"
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are in the audit trail; no second copy with IP addresses
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "code"]
AXES_IPWARE_PROXY_COUNT = int(os.environ["OVERSIGHT_PROXY_COUNT"]) if os.environ.get("OVERSIGHT_PROXY_COUNT") else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT else ("REMOTE_ADDR",)
)

# Sessions end after OVERSIGHT_SESSION_MINUTES (default 30) without a request, and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("OVERSIGHT_SESSION_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# OpenID Connect single sign-on (mozilla-django-oidc), only when OVERSIGHT_OIDC_CLIENT_ID is set.
# OVERSIGHT_OIDC_TENANT_ID fills in Microsoft Entra ID's endpoints; other providers name them.
OVERSIGHT_OIDC_ENABLED = bool(os.environ.get("OVERSIGHT_OIDC_CLIENT_ID", "").strip())
OVERSIGHT_OIDC_TENANT_ID = os.environ.get("OVERSIGHT_OIDC_TENANT_ID", "").strip()
OVERSIGHT_OIDC_PROVIDER_NAME = os.environ.get("OVERSIGHT_OIDC_PROVIDER_NAME", "your council account")
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso-callback"
if OVERSIGHT_OIDC_ENABLED:
    def _oidc(name: str, entra: str = "") -> str:
        value = os.environ.get(f"OVERSIGHT_OIDC_{name}", "").strip() or entra
        if not value:
            raise ImproperlyConfigured(
                f"OVERSIGHT_OIDC_CLIENT_ID is set, so OVERSIGHT_OIDC_{name} is needed too "
                "(or OVERSIGHT_OIDC_TENANT_ID for Microsoft Entra ID's endpoints); see docs/security.md"
            )
        return value

    _entra = f"https://login.microsoftonline.com/{OVERSIGHT_OIDC_TENANT_ID}" if OVERSIGHT_OIDC_TENANT_ID else ""
    OIDC_RP_CLIENT_ID = os.environ["OVERSIGHT_OIDC_CLIENT_ID"].strip()
    OIDC_RP_CLIENT_SECRET = _oidc("CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = _oidc("AUTHORIZATION_ENDPOINT", _entra and f"{_entra}/oauth2/v2.0/authorize")
    OIDC_OP_TOKEN_ENDPOINT = _oidc("TOKEN_ENDPOINT", _entra and f"{_entra}/oauth2/v2.0/token")
    OIDC_OP_JWKS_ENDPOINT = _oidc("JWKS_ENDPOINT", _entra and f"{_entra}/discovery/v2.0/keys")
    OIDC_OP_USER_ENDPOINT = _oidc("USERINFO_ENDPOINT", _entra and "https://graph.microsoft.com/oidc/userinfo")
    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_RP_SCOPES = "openid email profile"
    OIDC_USE_PKCE = True
    OIDC_CREATE_USER = False  # no self-registration: an administrator sets up every account
    OIDC_TIMEOUT = 10
    LOGIN_REDIRECT_URL_FAILURE = "/sign-in/?sso=refused"

# --- Hardening (docs/security.md) -----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# Lax, not Strict: the single sign-on callback (and a link from an e-mail) arrives from another site,
# and a Strict cookie would not be sent with it. Every form and API write has a CSRF token as well.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("OVERSIGHT_CSRF_TRUSTED_ORIGINS", "").split(",")
                        if o.strip()]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Django's Content Security Policy: nothing inline, nothing from elsewhere (data: only for the QR code).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
# (Single sign-on starts from a link, not a form, so form-action needs no provider origin.)

if PRODUCTION:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are sent only over HTTPS, to this host, for the whole site.
    SESSION_COOKIE_NAME = "__Host-oversight_session"
    CSRF_COOKIE_NAME = "__Host-oversight_csrf"
    # Oversight runs behind a proxy or load balancer that ends TLS and sets X-Forwarded-Proto (and
    # removes any the client sent). OVERSIGHT_PROXY_SSL_HEADER=0 turns this off for direct TLS.
    if os.environ.get("OVERSIGHT_PROXY_SSL_HEADER", "1") != "0":
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
