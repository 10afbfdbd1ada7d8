"""What the export, message and data-protection tests share: the worked example loaded, a clock, and
browsers signed in as its staff (with a second factor where their role needs one)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.accounts import two_factor
from oversight.accounts.services import account_set
from oversight.people.models import Service, Staff

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LONDON = ZoneInfo("Europe/London")
PASSWORD = "a long test password 123"


@pytest.fixture
def service(db):
    call_command("load", str(FIXTURES / "small-service.json"))
    return Service.objects.get(ref="EX")


@pytest.fixture
def clock(monkeypatch, settings):
    """clock("2026-02-18 12:00") sets the time (London) everything is judged at."""
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600

    def set_to(when: str) -> datetime:
        moment = datetime.fromisoformat(when).replace(tzinfo=LONDON)
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(UTC))
        return moment

    return set_to


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    if two_factor.required(user):
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def sign_in(service):
    """sign_in("A1") is a browser signed in as the example's staff member A1."""

    def as_staff(ref: str) -> Client:
        staff = Staff.objects.get(service=service, ref=ref)
        account = getattr(staff, "account", None) or account_set(
            service=service, username=f"user-{ref.lower()}", password=PASSWORD, staff=staff, actor="test")
        client = _signed_in(account.user)
        client.user = account.user
        return client

    return as_staff


@pytest.fixture
def performance_client(service):
    account = account_set(service=service, username="performance", password=PASSWORD, performance=True, actor="test")
    return _signed_in(account.user)


def pdf_text(content: bytes, tmp_path: Path) -> str:
    """The words of a PDF (poppler's pdftotext), white space collapsed."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())


def pdf_to_png(content: bytes, out_dir: Path, name: str = "page") -> list[Path]:
    """Each page as a PNG (poppler's pdftoppm), to be looked at."""
    out_dir.mkdir(parents=True, exist_ok=True)
    source = out_dir / f"{name}.pdf"
    source.write_bytes(content)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(source), str(out_dir / name)], check=True)
    return sorted(out_dir.glob(f"{name}*.png"))


needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")


def words(response) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
