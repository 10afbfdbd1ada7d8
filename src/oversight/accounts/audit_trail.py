"""Sign-ins, sign-outs, refusals and lock-outs in the audit trail.

Entries name the user name only: never a password, a code, an IP address or anything else the
request carried. Each is written through oversight.audit.services.record, in the service of the
user's account when there is one (a user name nobody has is recorded without a service).
"""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from oversight.accounts import sessions
from oversight.accounts.models import Account
from oversight.audit import services as audit

MAX_NAME = 150  # Django's user name length: longer input is cut, so nothing long is stored from a stranger


def _name(username) -> str:
    return str(username or "")[:MAX_NAME]


def _service_of(username: str):
    account = Account.objects.select_related("service").filter(user__username=username).first()
    return account.service if account else None


def _method(user) -> str:
    backend = getattr(user, "backend", "") or ""
    return "single sign-on" if backend.endswith("AccountOIDCBackend") else "password"


def record(*, username: str, action: str, summary: str, event: str, **details) -> None:
    name = _name(username)
    audit.record(
        service=_service_of(name), actor=name or "(no user name)", action=action, object_type="sign_in",
        object_ref=name, summary=summary, details={"event": event, **details},
    )


@receiver(user_logged_in, dispatch_uid="oversight-signed-in")
def signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        sessions.stamp(request.session, user)
    method = _method(user)
    record(username=user.get_username(), action="sign_in", event="signed_in", method=method,
           summary=f"Signed in ({method})")


@receiver(user_logged_out, dispatch_uid="oversight-signed-out")
def signed_out(sender, request, user, **kwargs):
    if user is None:
        return
    record(username=user.get_username(), action="sign_in", event="signed_out", summary="Signed out")


@receiver(user_login_failed, dispatch_uid="oversight-sign-in-failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username")
    if not username:
        return  # a single sign-on refusal, recorded by the OIDC backend with the claimed name
    if credentials.get("stage") == "second factor":
        record(username=username, action="denied", event="code_refused", summary="Two-factor code refused")
    else:
        record(username=username, action="denied", event="sign_in_failed", summary="Sign-in failed")


@receiver(user_locked_out, dispatch_uid="oversight-locked-out")
def locked_out(sender, request=None, username=None, **kwargs):
    record(username=username, action="denied", event="locked_out",
           summary="Locked out after repeated failed sign-ins")
