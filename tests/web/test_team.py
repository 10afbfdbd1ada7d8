"""The line manager's cover pages (team cover board, absences, cross-grade buddies, temporary
reallocation) and the duty officer's list, on a small service dated from today.

A1 (assistant director) > T1 (team manager) > D1 and D2 (deputy team managers).
D1's line: Y1, Y2, Y3, Y4 (youth justice officers) and SO1 (support officer); D2's: X1, O1, O2, Z1.
Cases: C1, C2 (Y1), C3 (Y2), C4 (SO1), C5 (Y3), C6 (Y4), C9 (X1). Y1 and Y2 are each other's buddy;
SO1's buddy is Y1, cross-grade and not approved. Y1 and Y2 are both on planned leave next week,
with no leave sheet, and nobody is on the duty rota then. Today: SO1 is off sick from today (L3, cover
not confirmed), Y4 since three days ago (L4), X1 from today (L9); O1 and O2 are on duty.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.accounts import two_factor
from oversight.accounts.services import account_set
from oversight.audit.models import AuditEvent
from oversight.cover.models import Absence, BuddyNomination, CoverConfirmation, Reallocation
from oversight.people.models import Service, Staff
from oversight.policy.calendar import WorkingCalendar
from oversight.policy.cover import Via, resolve_day
from oversight.policy.engine import evaluate
from oversight.store.read import service_facts

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
PASSWORD = "correct horse battery staple 42"
MANAGER_PAGES = ["/team/cover/", "/team/absences/new/", "/team/absences/L3/", "/team/buddies/",
                 "/team/reallocate/"]


def today() -> date:
    return datetime.now(LONDON).date()


def next_week() -> tuple[date, date]:
    """The first working day of next week, and next Friday."""
    monday = today() + timedelta(days=7 - today().weekday())
    return WorkingCalendar().first_working_day_from(monday), monday + timedelta(days=4)


def long_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%B %Y}"


def _person(ref, role="youth_justice_officer"):
    return {"id": ref, "name": f"Example {ref}", "role": role, "discipline": None, "employment": "permanent",
            "email": f"{ref.lower()}@example.org", "start": "2024-01-08", "end": None}


def _absence(ref, staff, first, last, planned, kind="annual_leave"):
    return {"id": ref, "staff": staff, "kind": kind, "planned": planned, "first_day": first.isoformat(),
            "expected_last_day": last.isoformat(), "actual_last_day": None}


def document() -> dict:
    first, friday = next_week()
    opened = (today() - timedelta(days=365)).isoformat()
    line = {"Y1": "D1", "Y2": "D1", "Y3": "D1", "Y4": "D1", "SO1": "D1", "X1": "D2", "O1": "D2", "O2": "D2",
            "Z1": "D2", "D1": "T1", "D2": "T1", "T1": "A1"}
    roles = {"SO1": "support_officer", "D1": "deputy_team_manager", "D2": "deputy_team_manager",
             "T1": "team_manager", "A1": "assistant_director"}
    cases = {"C1": "Y1", "C2": "Y1", "C3": "Y2", "C4": "SO1", "C5": "Y3", "C6": "Y4", "C9": "X1"}
    return {
        "format": "oversight-exchange/1",
        "service": {"id": "TM", "name": "Team Youth Justice Service", "timezone": "Europe/London",
                    "holidays": "england-and-wales", "settings": {}},
        "staff": [_person(ref, roles.get(ref, "youth_justice_officer")) for ref in [*line, "A1"]],
        "reporting_lines": [{"staff": s, "manager": m, "from": "2024-01-08", "to": None} for s, m in line.items()],
        "cases": [{"id": c, "name": f"Child {c}", "date_of_birth": "2010-06-01", "order_type": "referral_order",
                   "risk": "medium", "opened": opened, "closed": None, "paired_worker": None} for c in cases],
        "allocations": [{"case": c, "staff": s, "from": opened, "to": None} for c, s in cases.items()],
        "buddies": [
            {"staff": "Y1", "buddy": "Y2", "rank": 1, "from": "2024-01-08", "to": None, "approved_by": None},
            {"staff": "Y2", "buddy": "Y1", "rank": 1, "from": "2024-01-08", "to": None, "approved_by": None},
            {"staff": "SO1", "buddy": "Y1", "rank": 1, "from": "2024-01-08", "to": None, "approved_by": None},
        ],
        "absences": [
            _absence("L1", "Y1", first, friday, True),
            _absence("L2", "Y2", first, friday, True),
            _absence("L3", "SO1", today(), today() + timedelta(days=2), False, "sickness"),
            _absence("L4", "Y4", today() - timedelta(days=3), today() + timedelta(days=5), False, "sickness"),
            _absence("L9", "X1", today(), today() + timedelta(days=2), False, "sickness"),
        ],
        "leave_sheets": [], "cover_confirmations": [], "reallocations": [],
        "duty_rota": [{"date": today().isoformat(), "staff": "O1"}, {"date": today().isoformat(), "staff": "O2"}],
        "supervisions": [], "gap_records": [], "frequency_overrides": [], "oversight_events": [],
        "contacts": [{"case": "C4", "date": (today() - timedelta(days=3)).isoformat(), "kind": "face_to_face"}],
        "milestones": [],
    }


@pytest.fixture
def service(tmp_path):
    path = tmp_path / "team.json"
    path.write_text(json.dumps(document()))
    call_command("load", str(path))
    return Service.objects.get(ref="TM")


@pytest.fixture
def sign_in(service):
    """A browser signed in as a member of staff (with a second factor where the role needs one)."""

    def as_staff(ref: str) -> Client:
        client = Client()
        staff = Staff.objects.get(service=service, ref=ref)
        account = account_set(service=service, username=f"user-{ref.lower()}", password=PASSWORD, staff=staff,
                              actor="test")
        client.force_login(account.user)
        if two_factor.required(account.user):
            device = TOTPDevice.objects.create(user=account.user, name="Authenticator app", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return as_staff


def findings(service, rule: str, subject: str):
    return [f for f in evaluate(service_facts(service), timezone.now()) if f.rule == rule and f.subject == subject]


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'").replace("&amp;", "&").split())


def cell(html: str, staff: str, day: date) -> str:
    """The words of a board cell: one person on one day."""
    found = re.search(rf'<td [^>]*data-staff="{staff}" data-day="{day.isoformat()}">(.*?)</td>', html, re.DOTALL)
    assert found, f"no cell for {staff} on {day}"
    return words(found.group(1))


def hidden(html: str, name: str) -> list[str]:
    return [v.replace("&quot;", '"') for v in re.findall(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)]


def assert_clean(html: str) -> None:
    """No inline style or script (the CSP forbids them)."""
    assert "style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


# -- the cover board ---------------------------------------------------------------------------------


def test_the_board_marks_a_gap_before_it_happens(service, sign_in):
    first, _ = next_week()
    response = sign_in("D1").get("/team/cover/")
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Team cover – Oversight</title>" in html
    assert_clean(html)
    # Y1 and the buddy Y2 are both away next week with no leave sheet and nobody on duty.
    marked = cell(html, "Y1", first)
    assert "Annual leave" in marked and "Nobody: 2" in marked
    for gap in ("No contact", "Buddy away too", "No leave sheet"):
        assert gap in marked
    if WorkingCalendar().is_working_day(today()):  # today Y1 is at work, with no gap
        assert cell(html, "Y1", today()) == "At work"
    gaps = words(html.split('id="gaps"', 1)[1].split('id="calendar"', 1)[0])
    assert long_day(first) in gaps and "Example Y1: No contact Buddy away too No leave sheet" in gaps
    # The day's detail names each case, its contact and why.
    day = words(sign_in("D1").get(f"/team/cover/{first.isoformat()}/").content.decode())
    assert f"Cover on {long_day(first)}" in day
    assert "C1 Child C1 Nobody" in day and "C2 Child C2 Nobody" in day
    assert f"Example Y2: buddy Y2 absent {first.isoformat()}" in day
    assert f"No duty officer on the rota for {first.isoformat()}" in day


def test_a_leave_sheet_with_cover_takes_the_gap_away(service, sign_in):
    from oversight.cover.models import LeaveSheet, LeaveSheetLine
    from oversight.people.models import Case

    first, _ = next_week()
    absence = Absence.objects.get(service=service, ref="L1")
    sheet = LeaveSheet.objects.create(service=service, absence=absence, submitted=timezone.now(),
                                      submitted_to=Staff.objects.get(service=service, ref="D1"))
    for ref in ("C1", "C2"):
        LeaveSheetLine.objects.create(service=service, leave_sheet=sheet, case=Case.objects.get(service=service, ref=ref),
                                      cover=Staff.objects.get(service=service, ref="Y3"), young_person_informed=True)
    marked = cell(sign_in("D1").get("/team/cover/").content.decode(), "Y1", first)
    assert "Example Y3 (leave sheet) : 2" in marked
    assert "No contact" not in marked and "No leave sheet" not in marked


def test_the_board_moves_by_weeks(service, sign_in):
    client = sign_in("D1")
    later = today() + timedelta(weeks=5)
    monday = later - timedelta(days=later.weekday())
    html = client.get(f"/team/cover/?start={later.isoformat()}").content.decode()
    assert f"Week beginning {long_day(monday)}" in html
    assert f"?start={(monday - timedelta(weeks=1)).isoformat()}" in html
    this_monday = today() - timedelta(days=today().weekday())
    assert f"Week beginning {long_day(this_monday)}" in client.get("/team/cover/?start=not-a-date").content.decode()


def test_a_manager_sees_only_their_own_line(service, sign_in):
    d1 = sign_in("D1")
    board = words(d1.get("/team/cover/").content.decode())
    assert "Example Y1" in board and "Example X1" not in board
    assert d1.get("/team/absences/L9/").status_code == 404  # X1 is in D2's line
    assert AuditEvent.objects.filter(action="denied", object_type="absence", object_ref="L9").exists()
    assert d1.get(f"/team/cover/{today().isoformat()}/").status_code == 200
    d2 = sign_in("D2")
    assert "Example X1" in words(d2.get("/team/cover/").content.decode())
    assert d2.get("/team/absences/L9/").status_code == 200
    assert d2.get("/team/absences/L3/").status_code == 404
    # Above both lines, the team manager sees both.
    assert sign_in("T1").get("/team/absences/L9/").status_code == 200


def test_practitioners_get_404_on_manager_pages(service, sign_in):
    client = sign_in("Y1")
    for url in [*MANAGER_PAGES, f"/team/cover/{today().isoformat()}/"]:
        assert client.get(url).status_code == 404, url
    assert client.post("/team/absences/L3/", {"action": "confirm"}).status_code == 404
    assert not CoverConfirmation.objects.exists()


# -- absences ----------------------------------------------------------------------------------------


def test_recording_an_unplanned_absence(service, sign_in):
    client = sign_in("D1")
    page = client.get("/team/absences/new/").content.decode()
    assert "Example Y3" in page and "Example X1" not in page  # only the manager's line to choose from
    data = {"staff": "Y3", "kind": "sickness", "first_day-day": today().day, "first_day-month": today().month,
            "first_day-year": today().year, "expected_last_day-day": today().day,
            "expected_last_day-month": today().month, "expected_last_day-year": today().year}
    response = client.post("/team/absences/new/", data)
    absence = Absence.objects.get(service=service, staff__ref="Y3")
    assert response.status_code == 302 and response["Location"] == f"/team/absences/{absence.ref}/"
    assert (absence.planned, absence.kind, absence.first_day, absence.actual_last_day) == (False, "sickness", today(), None)
    event = AuditEvent.objects.get(action="create", object_type="absence", object_ref=absence.ref)
    assert event.after["staff"] == "Y3" and event.before is None
    # Someone outside the line, and someone already away with no return recorded, are refused.
    refused = client.post("/team/absences/new/", {**data, "staff": "X1"}).content.decode()
    assert "Select the person who is absent" in refused
    refused = client.post("/team/absences/new/", {**data, "staff": "Y4"}).content.decode()
    assert "<title>Error: Record an unplanned absence – Oversight</title>" in refused
    assert "Example Y4 is already absent from" in refused and "record their return first" in refused
    assert Absence.objects.filter(service=service, staff__ref__in=["X1", "Y4"]).count() == 2


def test_confirming_cover_removes_the_leave_sheet_finding(service, sign_in):
    assert len(findings(service, "COV-LEAVE-SHEET", "SO1")) == 1  # L3: cover not confirmed
    client = sign_in("D1")
    page = client.get("/team/absences/L3/").content.decode()
    assert_clean(page)
    assert "Cover not confirmed" in page and "Confirm cover" in page
    response = client.post("/team/absences/L3/", {"action": "confirm"})
    assert response.status_code == 302
    confirmation = CoverConfirmation.objects.get(absence__ref="L3")
    assert confirmation.by.ref == "D1"
    assert findings(service, "COV-LEAVE-SHEET", "SO1") == []
    assert AuditEvent.objects.filter(action="create", object_type="cover_confirmation", object_ref="L3").exists()
    page = words(client.get("/team/absences/L3/").content.decode())
    assert "Cover confirmed by Example D1" in page and "Cover not confirmed" not in page
    # A second confirmation (another tab) is refused, not doubled.
    again = client.post("/team/absences/L3/", {"action": "confirm"}).content.decode()
    assert "Example D1 already confirmed cover" in again
    assert CoverConfirmation.objects.filter(absence__ref="L3").count() == 1


def test_recording_a_return_ends_the_absence_and_refuses_a_stale_edit(service, sign_in):
    d1, t1 = sign_in("D1"), sign_in("T1")
    seen_by_d1 = hidden(d1.get("/team/absences/L4/").content.decode(), "seen")[0]
    seen_by_t1 = hidden(t1.get("/team/absences/L4/").content.decode(), "seen")[0]
    yesterday = today() - timedelta(days=1)

    def return_on(day: date, seen: str) -> dict:
        return {"action": "return", "seen": seen, "actual_last_day-day": day.day,
                "actual_last_day-month": day.month, "actual_last_day-year": day.year}

    # A last day after today is refused: the person must be back first.
    later = d1.post("/team/absences/L4/", return_on(today() + timedelta(days=1), seen_by_d1)).content.decode()
    assert "must be today" in later and Absence.objects.get(ref="L4").actual_last_day is None
    # The team manager records the return first.
    assert t1.post("/team/absences/L4/", return_on(yesterday, seen_by_t1)).status_code == 302
    absence = Absence.objects.get(ref="L4")
    assert absence.actual_last_day == yesterday
    event = AuditEvent.objects.get(action="change", object_type="absence", object_ref="L4")
    assert event.before["actual_last_day"] is None and event.after["actual_last_day"] == yesterday.isoformat()
    facts = service_facts(service).known_on(today())
    assert facts.is_present("Y4", today())  # the absence has ended
    # D1, who opened the page before that, is refused and told what changed.
    response = d1.post("/team/absences/L4/", return_on(today(), seen_by_d1))
    page = words(response.content.decode())
    assert response.status_code == 200
    assert "Someone else changed this absence while you were looking at it" in page
    assert f"the last day absent is now {long_day(yesterday)}" in page
    assert Absence.objects.get(ref="L4").actual_last_day == yesterday


# -- cross-grade buddies -----------------------------------------------------------------------------


def test_approving_a_cross_grade_buddy_removes_cov_grade(service, sign_in):
    assert len(findings(service, "COV-GRADE", "SO1")) == 1
    client = sign_in("D1")
    html = client.get("/team/buddies/").content.decode()
    assert_clean(html)
    assert "Example SO1 (support officer)" in html and "Example Y1 (youth justice officer)" in html
    nomination, seen = hidden(html, "nomination")[0], hidden(html, "seen")[0]
    assert client.post("/team/buddies/", {"nomination": nomination, "seen": seen}).status_code == 302
    assert BuddyNomination.objects.get(pk=nomination).approved_by.ref == "D1"
    assert findings(service, "COV-GRADE", "SO1") == []
    assert "approved by Example D1" in words(client.get("/team/buddies/").content.decode())
    # Approving from a page opened before the approval is refused, not repeated.
    again = client.post("/team/buddies/", {"nomination": nomination, "seen": seen}).content.decode()
    assert "Someone else changed" in again
    # A nomination outside the line is a 404.
    other = BuddyNomination.objects.create(service=service, staff=Staff.objects.get(ref="X1"),
                                           buddy=Staff.objects.get(ref="O1"), rank=1, start=today())
    assert client.post("/team/buddies/", {"nomination": other.pk, "seen": "x"}).status_code == 404


# -- temporary reallocation --------------------------------------------------------------------------


def test_reallocation_changes_the_named_contact_during_its_dates_only(service, sign_in):
    start, end = today() + timedelta(days=1), today() + timedelta(days=2)
    client = sign_in("D1")
    page = client.get("/team/reallocate/").content.decode()
    assert 'value="C5"' in page and 'value="C9"' not in page  # the manager's line's open cases only
    data = {"cases": ["C5"], "staff": "Z1", "start-day": start.day, "start-month": start.month,
            "start-year": start.year, "end-day": end.day, "end-month": end.month, "end-year": end.year}
    response = client.post("/team/reallocate/", data, follow=True)
    message = words(response.content.decode())
    assert f"On {long_day(start)} the named contact of C5 is Example Z1 (temporary reallocation)" in message
    reallocation = Reallocation.objects.get(case__ref="C5")
    assert (reallocation.staff.ref, reallocation.start, reallocation.end, reallocation.by.ref) == ("Z1", start, end, "D1")
    assert AuditEvent.objects.filter(action="create", object_type="reallocation", case_ref="C5").exists()
    facts = service_facts(service, with_casework=False).known_on(today())

    def contact(day):
        answer = next(a for a in resolve_day(facts, day) if a.case == "C5")
        return answer.contact, answer.via

    assert contact(today()) == ("Y3", Via.CASE_MANAGER)
    assert contact(start) == ("Z1", Via.REALLOCATION) and contact(end) == ("Z1", Via.REALLOCATION)
    assert contact(end + timedelta(days=1)) == ("Y3", Via.CASE_MANAGER)
    # The page lists it, with the named contact on its first day.
    assert "Example Z1 (temporary reallocation)" in words(client.get("/team/reallocate/").content.decode())


def test_reallocation_is_validated(service, sign_in):
    client = sign_in("D1")
    start = today() + timedelta(days=1)
    data = {"cases": ["C5"], "staff": "Z1", "start-day": start.day, "start-month": start.month,
            "start-year": start.year, "end-day": today().day, "end-month": today().month, "end-year": today().year}
    page = words(client.post("/team/reallocate/", data).content.decode())
    assert "The last day must be the same as or after the first day" in page
    page = words(client.post("/team/reallocate/", {**data, "cases": ["C9"]}).content.decode())
    assert "Select cases held by people in your line of management" in page
    leaver = Staff.objects.get(ref="Z1")
    leaver.end = start
    leaver.save()
    page = words(client.post("/team/reallocate/", {**data, "end-day": (start + timedelta(days=3)).day,
                                                    "end-month": (start + timedelta(days=3)).month,
                                                    "end-year": (start + timedelta(days=3)).year}).content.decode())
    assert "Example Z1 is not employed by the service throughout" in page
    assert not Reallocation.objects.exists()


# -- the duty list -----------------------------------------------------------------------------------


def test_the_duty_list_shows_exactly_the_cases_cover_resolves_to_duty_for_that_officer(service, sign_in):
    facts = service_facts(service, with_casework=False).known_on(today())
    to_duty = [a for a in resolve_day(facts, today(), known_at=timezone.now()) if a.via is Via.DUTY]
    expected = {officer: {a.case for a in to_duty if a.contact == officer} for officer in ("O1", "O2")}
    assert expected["O1"] and expected["O2"]  # the cases are shared between the two officers
    for officer, other in (("O1", "O2"), ("O2", "O1")):
        html = sign_in(officer).get("/duty/").content.decode()
        assert_clean(html)
        assert "<title>Duty list – Oversight</title>" in html
        assert set(re.findall(r'data-case="([^"]+)"', html)) == expected[officer]
        text = words(html)
        assert f"Example {other}: {len(expected[other])} case" in text
        for case in expected[officer]:
            assert f'href="/cases/{case}/"' in html
    # The child's key details and why the case is on duty.
    text = words(sign_in("O1").get("/duty/").content.decode())
    if "C4" in expected["O1"]:
        assert "Example SO1, the case manager, is away: sickness since" in text
        assert "Example Y1: buddy Y1 is cross-grade without management approval" in text
        assert "Referral order" in text and "Medium" in text and "days ago" in text


def test_someone_not_on_duty_is_told_who_is(service, sign_in):
    html = sign_in("Y1").get("/duty/").content.decode()
    text = words(html)
    assert "You are not on duty today" in text
    assert "Example O1" in text and "Example O2" in text
    assert "data-case=" not in html
