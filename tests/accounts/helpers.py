"""Helpers for the sign-in tests."""

from __future__ import annotations

import time

from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery staple"
PAGE = "/design/"  # a page that needs signing in (the style guide) until the case pages exist


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post("/sign-in/", {"username": username, "password": password, **extra})


def code_for(device, offset: int = 0) -> str:
    """The device's TOTP code now, or `offset` steps on (a code not used yet, within the tolerance):
    a device accepts each time step once."""
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    generator.time = time.time() + offset * device.step
    return f"{generator.token():0{device.digits}d}"


def app_for(user, confirmed=True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=confirmed)
