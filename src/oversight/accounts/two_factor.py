"""Two-factor sign-in: who must use it, and setting up an authenticator app (TOTP) with backup codes.

Two-factor sign-in is required for
- managers (deputy team manager and above: oversight.policy.facts.MANAGER_ROLES), by their Staff role;
- administrators (Account.administrator) and Django admin users (is_staff / is_superuser);
- anyone who has set up an authenticator app of their own accord (otherwise it would protect nothing);
- everyone, when the setting OVERSIGHT_REQUIRE_2FA_FOR_ALL is on.
"""

from __future__ import annotations

import base64
import secrets

import segno
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.policy.facts import MANAGER_ROLES

APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"
BACKUP_CODE_COUNT = 10


def _account(user):
    try:
        return user.account
    except (ObjectDoesNotExist, AttributeError):
        return None


def required_by_role(user) -> bool:
    """Whether the user's role (or the all-users setting) demands a second factor."""
    if settings.OVERSIGHT_REQUIRE_2FA_FOR_ALL or user.is_staff or user.is_superuser:
        return True
    account = _account(user)
    if account is None:
        return False
    if account.administrator:
        return True
    return account.staff_id is not None and account.staff.role in MANAGER_ROLES


def required(user) -> bool:
    """Whether this signed-in user must give a code before seeing anything."""
    if not getattr(user, "is_authenticated", False):
        return False
    return required_by_role(user) or has_app(user)


def has_app(user) -> bool:
    return user_has_device(user, confirmed=True)


def verified(request) -> bool:
    user = request.user
    return bool(getattr(user, "is_verified", lambda: False)())


# --- setting up -------------------------------------------------------------------------------


def pending_app(user) -> TOTPDevice:
    """The unconfirmed authenticator-app device being set up (made on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=APP_DEVICE_NAME).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def check_pending_code(device: TOTPDevice, code: str) -> bool:
    code = normalise_code(code)
    return code.isdigit() and device.verify_token(code)


@transaction.atomic
def confirm_app(user, device: TOTPDevice) -> list[str]:
    """Make `device` the user's only app and give them new backup codes (returned once, in clear)."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_backup_codes(user)


@transaction.atomic
def new_backup_codes(user) -> list[str]:
    """Replace the user's backup codes (each works once) and return them: they are shown only now.

    django-otp keeps them as typed, like an app's key, so the database is as sensitive for them."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [_backup_code() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _backup_code() -> str:
    # 10 characters from an alphabet without look-alikes (no 0/o, 1/l/i): about 50 bits.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def normalise_code(code: str) -> str:
    """What people type: spaces and hyphens are ignored, letters compared in lower case."""
    return "".join(ch for ch in (code or "") if not ch.isspace() and ch != "-").lower()


def match_code(user, code: str):
    """The confirmed device (app or backup codes) that accepts `code`, or None. Each device throttles
    itself after a wrong code (django-otp: a growing delay), and a backup code works once."""
    code = normalise_code(code)
    if not code or len(code) > 20:
        return None
    for device in devices_for_user(user, confirmed=True):
        if isinstance(device, TOTPDevice) and not code.isdigit():
            continue
        with transaction.atomic():
            if device.verify_token(code):
                return device
    return None


def throttled(user) -> bool:
    """Whether every device is refusing codes for now (after wrong codes)."""
    results = [device.verify_is_allowed()[0] for device in devices_for_user(user, confirmed=True)]
    return bool(results) and not any(results)


def secret_text(device: TOTPDevice) -> str:
    """The key as people type it into an app: base32 in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def qr_data_uri(text: str) -> str:
    """A QR code of `text` as an SVG data: URI, made on the server (no script, allowed by the CSP)."""
    return segno.make(text, error="m").svg_data_uri(scale=5, border=2, title="QR code for your authenticator app")
