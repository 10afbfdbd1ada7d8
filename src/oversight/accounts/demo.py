"""Two-factor sign-in for the demo service: the demo's managers get an authenticator-app device with a
known key, named "demo", and `oversight demo_code USERNAME` prints its current code.

Nothing here works outside the demo: a code is printed only for a device named "demo" whose user's
account belongs to a service that only `oversight demo` ever loaded.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.accounts import two_factor
from oversight.audit.models import AuditEvent

DEMO_DEVICE_NAME = "demo"
DEMO_ACTOR = "command line: oversight demo"  # the actor `oversight demo` loads the demo service as
# The demo's TOTP key (hex, 20 bytes): public, like the demo password. Base32: N53GK4TTNFTWQ5BNMRSW23ZNORXXI4BB
DEMO_KEY = b"oversight-demo-totp!".hex()


class DemoCodeRefused(Exception):
    pass


@transaction.atomic
def give_demo_app(user) -> bool:
    """Give a demo user who needs two-factor sign-in an app device with the demo key. True if given."""
    if not two_factor.required_by_role(user):
        TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME).delete()
        return False
    TOTPDevice.objects.filter(user=user).exclude(name=DEMO_DEVICE_NAME).delete()
    TOTPDevice.objects.update_or_create(
        user=user, name=DEMO_DEVICE_NAME, defaults={"key": DEMO_KEY, "confirmed": True, "last_t": -1},
    )
    return True


def is_demo_service(service) -> bool:
    """Only `oversight demo` ever loaded this service (so its data and sign-ins are the demo's)."""
    loads = AuditEvent.objects.filter(service=service, action="load")
    return loads.filter(actor=DEMO_ACTOR).exists() and not loads.exclude(actor=DEMO_ACTOR).exists()


def current_code(username: str) -> str:
    """The demo device's code now, or DemoCodeRefused saying why not."""
    user = get_user_model().objects.filter(username=username).select_related("account__service").first()
    account = getattr(user, "account", None) if user else None
    if account is None:
        raise DemoCodeRefused(f"no demo sign-in is called {username!r}")
    if not is_demo_service(account.service):
        raise DemoCodeRefused(f"{username!r} is not a sign-in of a service made by 'oversight demo'")
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    if not devices:
        raise DemoCodeRefused(f"{username!r} has no authenticator app: it signs in with the password alone")
    if any(d.name != DEMO_DEVICE_NAME for d in devices):
        raise DemoCodeRefused(f"{username!r} has an authenticator app of its own, not the demo's")
    device = devices[0]
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
