"""Two people (or one person in two browsers) open the same record and both save (reliability issue,
point 1): the first save stands, the second is refused with a message saying what changed, and
nothing is overwritten. Each test uses two separate signed-in browsers (Django test clients with
their own sessions) and runs on SQLite and on PostgreSQL.

Already covered elsewhere, the same way: two browsers saving one leave sheet and a stale buddies
page (tests/web/test_casework.py), two managers recording one return (tests/web/test_team.py).
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta
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
from oversight.cover.models import Absence, BuddyNomination, CoverConfirmation, Reallocation
from oversight.people.models import Service, Staff
from oversight.supervision.models import Action, OversightEvent, Supervision
from tests.web.test_supervision import session_form
from tests.web.test_team import document, today

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "small-service.json"
LONDON = ZoneInfo("Europe/London")


def signed_in(service: Service, ref: str, **client_options) -> Client:
    """A new browser (its own session) signed in as a member of staff, with a second factor where needed."""
    client = Client(**client_options)
    staff = Staff.objects.get(service=service, ref=ref)
    account = getattr(staff, "account", None) or account_set(
        service=service, username=f"user-{ref.lower()}", password="correct horse battery 42", staff=staff,
        actor="test")
    client.force_login(account.user)
    if two_factor.required(account.user):
        device = TOTPDevice.objects.create(user=account.user, name="Authenticator app", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def words(response) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def refused(response) -> str:
    """The error summary's words: the page came back (200) with a GOV.UK error summary."""
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    summary = page.split("govuk-error-summary", 1)[1].split("</div>", 2)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", "".join(summary[:2]))).split())


def hidden(response, name: str) -> str:
    return html.unescape(re.search(rf'name="{name}" value="([^"]*)"', response.content.decode()).group(1))


def date_fields(prefix: str, day) -> dict:
    return {f"{prefix}-day": day.day, f"{prefix}-month": day.month, f"{prefix}-year": day.year}


@pytest.fixture
def team(tmp_path):
    """tests/web/test_team.py's service: D1 > Y1..Y4, SO1; D2 > X1, O1, O2, Z1; T1 above both. Today SO1
    is off sick (L3, cover not confirmed), Y4 since three days ago (L4)."""
    path = tmp_path / "team.json"
    path.write_text(json.dumps(document()))
    call_command("load", str(path))
    return Service.objects.get(ref="TM")


@pytest.fixture
def example(monkeypatch, settings):
    """The worked example (tests/fixtures/small-service.md) on Mon 2 March 2026, 09:00 London time."""
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600
    moment = datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)
    monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(UTC))
    call_command("load", str(EXAMPLE))
    return Service.objects.get(ref="EX")


# -- the team pages: two managers of the same line -----------------------------------------------------


def test_two_managers_reallocating_the_same_case_the_second_is_told_of_the_first(team):
    d1, t1 = signed_in(team, "D1"), signed_in(team, "T1")
    assert d1.get("/team/reallocate/").status_code == t1.get("/team/reallocate/").status_code == 200
    start, end = today() + timedelta(days=1), today() + timedelta(days=3)
    dates = {**date_fields("start", start), **date_fields("end", end)}
    assert d1.post("/team/reallocate/", {"cases": ["C5"], "staff": "Z1", **dates}).status_code == 302
    second = t1.post("/team/reallocate/", {"cases": ["C5"], "staff": "O1", **dates})
    assert "Case C5 is already reallocated to Example Z1 from" in refused(second)
    assert [(r.staff.ref, r.by.ref) for r in Reallocation.objects.filter(case__ref="C5")] == [("Z1", "D1")]


def test_two_managers_confirming_the_same_cover_the_second_is_told_who_did(team):
    d1, t1 = signed_in(team, "D1"), signed_in(team, "T1")
    assert "Confirm cover" in words(d1.get("/team/absences/L3/")) and "Confirm cover" in words(t1.get("/team/absences/L3/"))
    assert t1.post("/team/absences/L3/", {"action": "confirm"}).status_code == 302
    second = d1.post("/team/absences/L3/", {"action": "confirm"})
    assert "Example T1 already confirmed cover" in refused(second)
    assert [c.by.ref for c in CoverConfirmation.objects.filter(absence__ref="L3")] == ["T1"]


def test_two_managers_recording_the_same_unplanned_absence_the_second_is_told_it_exists(team):
    d1, t1 = signed_in(team, "D1"), signed_in(team, "T1")
    form = {"staff": "Y3", "kind": "sickness", **date_fields("first_day", today()),
            **date_fields("expected_last_day", today())}
    assert d1.get("/team/absences/new/").status_code == t1.get("/team/absences/new/").status_code == 200
    assert d1.post("/team/absences/new/", form).status_code == 302
    second = t1.post("/team/absences/new/", {**form, "kind": "other"})
    assert "Example Y3 is already absent from" in refused(second)
    assert [a.kind for a in Absence.objects.filter(staff__ref="Y3")] == ["sickness"]


def test_two_managers_approving_the_same_buddy_the_second_is_refused(team):
    d1, t1 = signed_in(team, "D1"), signed_in(team, "T1")
    seen_by_d1, seen_by_t1 = d1.get("/team/buddies/"), t1.get("/team/buddies/")
    nomination = BuddyNomination.objects.get(staff__ref="SO1")
    assert t1.post("/team/buddies/", {"nomination": nomination.pk, "seen": hidden(seen_by_t1, "seen")}).status_code == 302
    second = d1.post("/team/buddies/", {"nomination": nomination.pk, "seen": hidden(seen_by_d1, "seen")})
    assert "Someone else changed" in refused(second)
    nomination.refresh_from_db()
    assert nomination.approved_by.ref == "T1"


# -- supervision: the record on a child's file and the session page -------------------------------------


def test_two_browsers_writing_the_same_record_the_second_is_refused_and_shown_the_first(example):
    first = signed_in(example, "D1")
    first.post("/cases/E1/oversight/new/", {"kind": "marp", **date_fields("held_date", today_in(example)),
                                            "held_time": "8am"})
    event = OversightEvent.objects.get()
    assert event.recorded is None
    url = f"/cases/E1/records/event/{event.ref}/amend/"
    second = signed_in(example, "D1")
    page_one, page_two = first.get(url), second.get(url)
    assert first.post(url, {"seen": hidden(page_one, "seen"), "text": "Panel agreed extra visits."}).status_code == 302
    response = second.post(url, {"seen": hidden(page_two, "seen"), "text": "Panel closed the referral."})
    assert "Someone else wrote this record while you were writing it" in refused(response)
    assert "Panel agreed extra visits." in words(response)  # theirs is shown below
    event.refresh_from_db()
    assert event.notes == "Panel agreed extra visits."


def test_two_managers_closing_the_same_action_in_a_session_the_second_is_refused(example):
    d1, t1 = signed_in(example, "D1"), signed_in(example, "T1")
    d1.post("/supervision/SO1/record/", session_form("SO1", "2026-02-27 10:00", [
        {"case": "E3", "notes": "Seen.", "actions": [{"text": "Call the school", "due": "2026-03-06"}]}]))
    action = Action.objects.get()
    page_d1, page_t1 = d1.get("/supervision/SO1/record/"), t1.get("/supervision/SO1/record/")
    done = [{"action": action.ref, "outcome": "done"}]
    saved = t1.post("/supervision/SO1/record/", session_form("SO1", "2026-03-02 08:00", [
        {"case": "E3", "notes": "Checked in."}], previous=[{**done[0], "seen": hidden(page_t1, "previous-0-seen")}]))
    assert saved.status_code == 302
    second = d1.post("/supervision/SO1/record/", session_form("SO1", "2026-03-02 08:30", [
        {"case": "E3", "notes": "Also checked in."}], previous=[{**done[0], "seen": hidden(page_d1, "previous-0-seen")}]))
    assert f"Someone else changed action {action.ref} (done)" in refused(second)
    assert Supervision.objects.filter(held__date=today_in(example)).count() == 1  # the second session: not written
    action.refresh_from_db()
    assert action.done == today_in(example)


def today_in(service: Service):
    return timezone.localtime(timezone.now(), ZoneInfo(service.timezone)).date()


def test_a_draft_saved_in_one_browser_shows_as_a_draft_in_the_other(example):
    """Found by `make soak`: "My absences" failed (500) once a leave sheet was saved as a draft."""
    first, second = signed_in(example, "Y1"), signed_in(example, "Y1")
    booked = first.post("/absences/new/", {"kind": "annual_leave", **date_fields("first_day", today_in(example) + timedelta(days=7)),
                                           **date_fields("last_day", today_in(example) + timedelta(days=8))})
    sheet = booked["Location"]
    page = first.get(sheet)
    covers = {name: "" for name in re.findall(r'name="(case-[^"]+-cover)"', page.content.decode())}
    assert first.post(sheet, {"seen": hidden(page, "seen"), "action": "save", **covers}).status_code == 302
    mine = second.get("/absences/")
    assert mine.status_code == 200
    assert "Draft Not sent to your line manager yet" in words(mine)
