"""The supervision pages of a line manager, on the worked example (tests/fixtures/small-service.md).

Y1 (cases E1, E2), Y2 (no cases) and SO1 (case E3) report to D1 (deputy team manager) > T1 > A1.
V1 (14 January) supervised Y1, V2 (20 January) SO1, V3 (7 January) D1. Y1's leave L1 starts on Mon
16 February 2026 with no return recorded, so February is a gap in Y1's supervision (SUP-GAP).
SO1 had no formal one-to-one in February.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta
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
from oversight.audit.models import AuditEvent
from oversight.people.models import Service, Staff
from oversight.policy.engine import evaluate
from oversight.store.read import service_facts
from oversight.supervision.models import (
    Action,
    Discussion,
    GapRecord,
    OversightEvent,
    RecordAmendment,
    Supervision,
)

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "small-service.json"
LONDON = ZoneInfo("Europe/London")
PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def service():
    call_command("load", str(EXAMPLE))
    return Service.objects.get(ref="EX")


@pytest.fixture
def clock(monkeypatch, settings):
    """Set the time the pages judge at: clock("2026-03-02 09:00") (London time)."""
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600

    def set_to(when: str) -> datetime:
        moment = datetime.fromisoformat(when).replace(tzinfo=LONDON)
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(UTC))
        return moment

    return set_to


@pytest.fixture
def sign_in(service):
    """A browser signed in as a member of the example's staff, or a performance account (no staff)."""

    def as_user(ref: str | None = None, *, performance: bool = False) -> Client:
        client = Client()
        staff = Staff.objects.get(service=service, ref=ref) if ref else None
        username = f"user-{(ref or 'performance').lower()}"
        account = account_set(service=service, username=username, password=PASSWORD, staff=staff,
                              performance=performance, actor="test")
        client.force_login(account.user)
        if two_factor.required(account.user):  # managers give a second factor: this session has
            device = TOTPDevice.objects.create(user=account.user, name="Authenticator app", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return as_user


def text(response) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def findings_now(service, when: str, rule: str | None = None) -> set[tuple]:
    moment = datetime.fromisoformat(when).replace(tzinfo=LONDON)
    found = evaluate(service_facts(service), moment)
    return {(f.rule, str(f.status), f.subject, f.case, f.period) for f in found if rule is None or f.rule == rule}


def session_form(staff: str, held: str, cases: list[dict], *, agenda=(), minutes="60", previous=()) -> dict:
    """The record page's POST: cases as dicts {case, notes, significant, actions: [{text, owner, due}]}."""
    day, clock_time = held.split(" ")
    year, month, dd = day.split("-")
    data = {
        "session-held_date-day": str(int(dd)), "session-held_date-month": str(int(month)),
        "session-held_date-year": year, "session-held_time": clock_time, "session-minutes": minutes,
        "session-agenda": list(agenda),
        "cases-TOTAL_FORMS": str(len(cases)), "cases-INITIAL_FORMS": str(len(cases)),
        "cases-MIN_NUM_FORMS": "0", "cases-MAX_NUM_FORMS": "1000",
        "previous-TOTAL_FORMS": str(len(previous)), "previous-INITIAL_FORMS": str(len(previous)),
        "previous-MIN_NUM_FORMS": "0", "previous-MAX_NUM_FORMS": "1000",
        "save": "1",
    }
    for i, case in enumerate(cases):
        data[f"cases-{i}-case"] = case["case"]
        data[f"cases-{i}-notes"] = case.get("notes", "")
        if case.get("significant"):
            data[f"cases-{i}-significant"] = "on"
        actions = case.get("actions", [])
        prefix = f"cases-{i}-actions"
        data |= {f"{prefix}-TOTAL_FORMS": str(len(actions)), f"{prefix}-INITIAL_FORMS": "0",
                 f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
        for n, a in enumerate(actions):
            data[f"{prefix}-{n}-text"] = a["text"]
            data[f"{prefix}-{n}-owner"] = a.get("owner", staff)
            if a.get("due"):
                y, m, d = a["due"].split("-")
                data |= {f"{prefix}-{n}-due-day": str(int(d)), f"{prefix}-{n}-due-month": str(int(m)),
                         f"{prefix}-{n}-due-year": y}
    for i, p in enumerate(previous):
        data |= {f"previous-{i}-{k}": v for k, v in p.items()}
    return data


# -- my supervisees ----------------------------------------------------------------------------------
def test_the_supervision_page_lists_my_supervisees_with_this_months_status(service, clock, sign_in):
    clock("2026-02-18 12:00")
    response = sign_in("D1").get("/supervision/")
    assert response.status_code == 200
    assert "<title>Supervision – Oversight</title>" in response.content.decode()
    page = text(response)
    for name in ("Example SO1", "Example Y1", "Example Y2"):
        assert name in page
    assert "Tue 20 January 2026 at 2:00pm, with Example D1 (V2)" in page
    # SUP-MONTHLY is due for the case holders; Y2 holds no case.
    assert page.count("Due None yet: due by the end of Fri 27 February 2026") == 2
    assert "Example Y2 Youth justice officer (Y2) Not held yet" in page
    assert 'href="/supervision/SO1/prepare/"' in response.content.decode()


def test_the_supervision_page_offers_the_gap_record_and_the_priority_session(service, clock, sign_in):
    clock("2026-03-02 09:00")  # February is over; Y1 away since 16 February with no return recorded
    response = sign_in("D1").get("/supervision/")
    page = text(response)
    assert "Gaps in supervision to record" in page
    assert "Example Y1: February 2026" in page
    assert "Annual leave L1 from Mon 16 February 2026, no return recorded (10 working days absent that month)" in page
    assert "As soon as they return: no return is recorded yet" in page
    assert 'href="/supervision/Y1/gaps/2026-02/"' in response.content.decode()


def test_a_gap_record_made_from_the_prefilled_form_clears_sup_gap(service, clock, sign_in):
    clock("2026-03-02 09:00")
    assert ("SUP-GAP", "breach", "Y1", None, "2026-02") in findings_now(service, "2026-03-02 09:00", "SUP-GAP")
    d1 = sign_in("D1")
    form = d1.get("/supervision/Y1/gaps/2026-02/")
    assert form.status_code == 200
    page = text(form)
    assert "Record a gap in supervision: February 2026" in page and "Annual leave L1" in page
    refused = d1.post("/supervision/Y1/gaps/2026-02/", {})
    assert "Confirm the gap in supervision to record it" in text(refused) and not GapRecord.objects.exists()
    response = d1.post("/supervision/Y1/gaps/2026-02/", {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == "/supervision/"
    gap = GapRecord.objects.get()
    assert (gap.staff.ref, gap.month, gap.by.ref) == ("Y1", "2026-02", "D1")
    assert ("SUP-GAP", "breach", "Y1", None, "2026-02") not in findings_now(service, "2026-03-02 09:00", "SUP-GAP")
    assert AuditEvent.objects.filter(action="create", object_type="gap_record", object_ref="Y1/2026-02").exists()
    again = text(d1.get("/supervision/Y1/gaps/2026-02/"))
    assert "This gap was recorded on Mon 2 March 2026 at 9:00am by Example D1." in again


def test_with_a_return_recorded_the_gap_page_offers_the_priority_session_on_the_first_days_back(
    service, clock, sign_in
):
    from oversight.cover.models import Absence

    Absence.objects.filter(ref="L1").update(actual_last_day=date(2026, 2, 27))
    clock("2026-03-03 09:00")
    response = sign_in("D1").get("/supervision/Y1/gaps/2026-02/")
    page = text(response)
    assert "From Mon 2 March 2026, their first working day back, to the end of Mon 9 March 2026" in page
    assert 'href="/supervision/Y1/record/?held=2026-03-02"' in response.content.decode()
    prefilled = sign_in("D1").get("/supervision/Y1/record/?held=2026-03-02").content.decode()
    assert 'name="session-held_date-day" type="text" inputmode="numeric" value="2"' in prefilled


# -- the preparation pack ----------------------------------------------------------------------------
def test_the_preparation_pack_lists_every_open_case_with_a_suggested_depth(service, clock, sign_in):
    clock("2026-02-13 12:00")
    response = sign_in("D1").get("/supervision/Y1/prepare/")
    assert response.status_code == 200
    page = text(response)
    assert "Prepare supervision Example Y1" in page
    assert "E1: Child E1" in page and "E2: Child E2" in page
    assert "E2: Child E2 Suggested: In depth" in page and "In depth: high risk of serious harm" in page
    assert "E1: Child E1 Suggested: Check-in" in page and "Check-in: stable, nothing flagged" in page
    assert "Last seen face to face Fri 13 February 2026" in page
    assert "Last discussed Wed 14 January 2026: check-in (V1)" in page
    assert AuditEvent.objects.filter(object_type="supervision_pack", object_ref="Y1", basis="line manager").exists()


# -- recording a session for the whole caseload --------------------------------------------------------
def test_recording_a_whole_caseload_session_writes_each_record_and_clears_the_months_findings(
    service, clock, sign_in
):
    now = clock("2026-03-02 09:00")  # February is closed: SO1 had no formal one-to-one in it
    before = findings_now(service, "2026-03-02 09:00")
    assert ("SUP-MONTHLY", "breach", "SO1", None, "2026-02") in before
    assert ("SUP-CASE", "breach", "E3", "E3", "2026-02") in before
    d1 = sign_in("D1")
    page = d1.get("/supervision/SO1/record/")
    assert page.status_code == 200 and 'name="cases-0-case" value="E3"' in page.content.decode()
    response = d1.post("/supervision/SO1/record/", session_form("SO1", "2026-02-27 10:00", [
        {"case": "E3", "notes": "Reparation going well; plan reviewed.",
         "actions": [{"text": "Book the review panel", "due": "2026-03-13"}]},
    ], agenda=["E3"]))
    assert response.status_code == 302, text(response)
    session = Supervision.objects.get(service=service, supervisee__ref="SO1", held__date=date(2026, 2, 27))
    assert (session.kind, session.supervisor.ref, session.minutes) == ("formal", "D1", 60)
    [discussion] = Discussion.objects.filter(supervision=session)
    assert (discussion.case.ref, discussion.depth, discussion.notes) == (
        "E3", "in_depth", "Reparation going well; plan reviewed.")
    assert discussion.recorded == now and discussion.recorded_by.ref == "D1"
    [action] = Action.objects.filter(discussion=discussion)
    assert (action.text, action.owner.ref, action.due) == ("Book the review panel", "SO1", date(2026, 3, 13))
    after = findings_now(service, "2026-03-02 09:00")
    assert ("SUP-MONTHLY", "breach", "SO1", None, "2026-02") not in after
    assert ("SUP-CASE", "breach", "E3", "E3", "2026-02") not in after
    assert not {f for f in after if f[0] == "REC-DEADLINE" and f[2] == "E3" and f[1] == "due"}
    audit = AuditEvent.objects.filter(action="create", object_type="discussion", case_ref="E3").get()
    assert "Reparation" not in str(audit.after) and audit.after["recorded_by"] == "D1"
    assert "is recorded: 1 case discussed, 1 record written" in text(d1.get("/supervision/"))


def test_previous_actions_are_marked_done_or_given_a_reason(service, clock, sign_in):
    clock("2026-03-02 09:00")
    d1 = sign_in("D1")
    d1.post("/supervision/SO1/record/", session_form("SO1", "2026-02-27 10:00", [
        {"case": "E3", "notes": "Seen.", "actions": [{"text": "Call the school", "due": "2026-03-06"},
                                                   {"text": "Visit at home", "due": "2026-03-06"}]},
    ]))
    call, visit = Action.objects.order_by("ref")
    page = d1.get("/supervision/SO1/record/").content.decode()
    assert f'value="{call.ref}"' in page and "Call the school" in page
    seen = {name: html.unescape(value) for name, value in re.findall(r'name="(previous-\d-seen)" value="([^"]+)"', page)}
    previous = [
        {"action": call.ref, "seen": seen["previous-0-seen"], "outcome": "done"},
        {"action": visit.ref, "seen": seen["previous-1-seen"], "outcome": "not_done", "reason": ""},
    ]
    refused = d1.post("/supervision/SO1/record/", session_form("SO1", "2026-03-02 08:30", [
        {"case": "E3", "notes": "Checked in."}], previous=previous))
    assert refused.status_code == 200 and "Enter why the action was not done" in text(refused)
    assert f"Action {call.ref}: Call the school (case E3, due Fri 6 March 2026)" in text(refused)
    previous[1]["reason"] = "The family were away"
    response = d1.post("/supervision/SO1/record/", session_form("SO1", "2026-03-02 08:30", [
        {"case": "E3", "notes": "Checked in."}], previous=previous))
    assert response.status_code == 302, text(response)
    call.refresh_from_db()
    visit.refresh_from_db()
    assert call.done == date(2026, 3, 2) and call.reason_not_done is None
    assert visit.done is None and visit.reason_not_done == "The family were away"
    assert AuditEvent.objects.filter(action="change", object_type="action", object_ref=call.ref).exists()


def test_a_second_save_over_an_action_changed_meanwhile_is_refused(service, clock, sign_in):
    clock("2026-03-02 09:00")
    d1 = sign_in("D1")
    d1.post("/supervision/SO1/record/", session_form("SO1", "2026-02-27 10:00", [
        {"case": "E3", "notes": "Seen.", "actions": [{"text": "Call the school", "due": "2026-03-06"}]}]))
    action = Action.objects.get()
    page = d1.get("/supervision/SO1/record/").content.decode()
    seen = html.unescape(re.search(r'name="previous-0-seen" value="([^"]+)"', page).group(1))
    Action.objects.filter(pk=action.pk).update(done=date(2026, 3, 1))  # someone else, meanwhile
    response = d1.post("/supervision/SO1/record/", session_form("SO1", "2026-03-02 08:30", [
        {"case": "E3", "notes": "Checked in."}], previous=[{"action": action.ref, "seen": seen, "outcome": "done"}]))
    assert response.status_code == 200
    assert f"Someone else changed action {action.ref} (done)" in text(response)
    assert Supervision.objects.filter(held__date=date(2026, 3, 2)).count() == 0


def test_missing_a_case_is_refused_with_a_message_naming_it(service, clock, sign_in):
    clock("2026-02-13 12:00")
    d1 = sign_in("D1")
    response = d1.post("/supervision/Y1/record/", session_form("Y1", "2026-02-12 10:00", [
        {"case": "E1", "notes": "Stable."}]))
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert "Not included: E2 (Child E2), open and allocated to Example Y1 on Thu 12 February 2026." in page
    assert "<title>Error: Record supervision: Example Y1 – Oversight</title>" in response.content.decode()
    # The page adds the missing case, keeping what was typed.
    assert 'name="cases-1-case" value="E2"' in response.content.decode()
    assert "Stable." in response.content.decode()
    assert not Supervision.objects.filter(held__date=date(2026, 2, 12)).exists()


def test_a_significant_discussion_gets_a_24_hour_deadline_in_the_findings(service, clock, sign_in):
    clock("2026-03-02 09:00")
    response = sign_in("D1").post("/supervision/SO1/record/", session_form("SO1", "2026-03-02 08:00", [
        {"case": "E3", "notes": "", "significant": True}]))
    assert response.status_code == 302, text(response)
    discussion = Discussion.objects.get(supervision__held__date=date(2026, 3, 2))
    assert discussion.significant and discussion.recorded is None
    due = [f for f in evaluate(service_facts(service), datetime(2026, 3, 2, 9, tzinfo=LONDON))
           if f.rule == "REC-DEADLINE" and f.case == "E3" and str(f.status) == "due"]
    assert [f.due for f in due] == [datetime(2026, 3, 2, 8, tzinfo=LONDON) + timedelta(hours=24)]
    page = text(sign_in("D1").get("/supervision/"))
    assert "Records to write on children’s files" in page
    assert "Due By Tue 3 March 2026 at 8:00am" in page


def test_add_another_action_shows_one_more_row_without_saving(service, clock, sign_in):
    clock("2026-03-02 09:00")
    data = session_form("SO1", "2026-02-27 10:00", [
        {"case": "E3", "notes": "Kept", "actions": [{"text": "First"}]}])
    data.pop("save")
    data["add_action"] = "cases-0"
    response = sign_in("D1").post("/supervision/SO1/record/", data)
    page = response.content.decode()
    assert response.status_code == 200 and not Supervision.objects.filter(held__date=date(2026, 2, 27)).exists()
    assert 'name="cases-0-actions-1-text"' in page and 'value="First"' in page and "Kept" in page
    assert "There is a problem" not in page


def test_only_the_line_above_may_prepare_or_record(service, clock, sign_in):
    clock("2026-02-18 12:00")
    so1 = sign_in("SO1")
    for url in ("/supervision/", "/supervision/Y1/prepare/", "/supervision/Y1/record/", "/supervision/Y1/gaps/2026-01/"):
        assert so1.get(url).status_code == 404, url
    d1 = sign_in("D1")
    assert d1.get("/supervision/T1/prepare/").status_code == 404  # above D1, not below
    assert d1.get("/supervision/NOPE/prepare/").status_code == 404
    t1 = sign_in("T1")
    assert t1.get("/supervision/Y1/prepare/").status_code == 200  # below T1, through D1
    assert AuditEvent.objects.filter(action="denied", object_ref="T1").exists()


# -- records on the child's file ---------------------------------------------------------------------
def test_a_management_decision_is_recorded_in_a_few_fields(service, clock, sign_in):
    now = clock("2026-02-18 12:00")
    d1 = sign_in("D1")
    page = d1.get("/cases/E1/oversight/new/?kind=management_decision")
    assert page.status_code == 200 and "Record a management decision" in text(page)
    response = d1.post("/cases/E1/oversight/new/?kind=management_decision", {
        "kind": "management_decision", "held_date-day": "18", "held_date-month": "2", "held_date-year": "2026",
        "held_time": "11:30", "significant": "on", "notes": "Agreed a safety plan with the family.",
    })
    assert response.status_code == 302
    event = OversightEvent.objects.get()
    assert (event.case.ref, event.kind, event.by.ref, event.significant) == ("E1", "management_decision", "D1", True)
    assert event.notes == "Agreed a safety plan with the family." and event.recorded == now
    assert event.held == datetime(2026, 2, 18, 11, 30, tzinfo=LONDON)
    assert not findings_now(service, "2026-02-18 12:00", "REC-DEADLINE") & {("REC-DEADLINE", "due", "E1", "E1", None)}


def test_a_marp_outcome_without_notes_is_due_and_a_practitioner_cannot_record_one(service, clock, sign_in):
    clock("2026-02-18 12:00")
    y2 = sign_in("Y2")  # covers E1 during Y1's leave, but is not a manager
    assert y2.get("/cases/E1/oversight/new/?kind=marp").status_code == 404
    response = sign_in("D1").post("/cases/E1/oversight/new/", {
        "kind": "marp", "held_date-day": "17", "held_date-month": "2", "held_date-year": "2026", "held_time": "2pm",
    })
    assert response.status_code == 302
    event = OversightEvent.objects.get()
    assert event.kind == "marp" and event.recorded is None
    assert ("REC-DEADLINE", "due", "E1", "E1", None) in findings_now(service, "2026-02-18 12:00", "REC-DEADLINE")
    # Writing the record later clears it.
    url = f"/cases/E1/records/event/{event.ref}/amend/"
    form = sign_in("D1").get(url)
    assert "Write the record" in text(form)
    seen = html.unescape(re.search(r'name="seen" value="([^"]+)"', form.content.decode()).group(1))
    assert sign_in("D1").post(url, {"seen": seen, "text": "Panel agreed extra visits."}).status_code == 302
    assert ("REC-DEADLINE", "due", "E1", "E1", None) not in findings_now(service, "2026-02-18 12:00", "REC-DEADLINE")


def test_a_case_audit_is_recorded_on_the_childs_file(service, clock, sign_in):
    now = clock("2026-02-18 12:00")
    before = findings_now(service, "2026-02-18 12:00", "REC-DEADLINE")
    d1 = sign_in("D1")
    page = d1.get("/cases/E3/oversight/new/?kind=audit")
    assert page.status_code == 200 and "Record a case audit" in text(page)
    response = d1.post("/cases/E3/oversight/new/?kind=audit", {
        "kind": "audit", "held_date-day": "17", "held_date-month": "2", "held_date-year": "2026",
        "held_time": "3pm", "notes": "Audit: assessment current, plan review overdue; booked for 24 February.",
    })
    assert response.status_code == 302
    event = OversightEvent.objects.get()
    assert (event.case.ref, event.kind, event.by.ref, event.significant) == ("E3", "audit", "D1", False)
    assert event.held == datetime(2026, 2, 17, 15, 0, tzinfo=LONDON) and event.recorded == now
    assert event.notes.startswith("Audit: assessment current")
    trail = AuditEvent.objects.get(object_type="oversight_event", object_ref=event.ref)
    assert (trail.action, trail.case_ref) == ("create", "E3") and "Case audit" in trail.summary
    file = d1.get(response["Location"])
    assert f"Case audit {event.ref} is recorded on the file of case E3." in text(file)
    # Written with the audit: no record is left to write (without notes one would be due).
    assert findings_now(service, "2026-02-18 12:00", "REC-DEADLINE") == before


def test_amendments_keep_the_original_text(service, clock, sign_in):
    clock("2026-03-02 09:00")
    d1 = sign_in("D1")
    d1.post("/supervision/SO1/record/", session_form("SO1", "2026-02-27 10:00", [
        {"case": "E3", "notes": "Original: seen at home on Monday."}]))
    session = Supervision.objects.get(held__date=date(2026, 2, 27))
    url = f"/cases/E3/records/discussion/{session.ref}/amend/"
    refused = d1.post(url, {"text": "Corrected: seen at school on Monday.", "reason": ""})
    assert "Enter why the record is amended" in text(refused) and not RecordAmendment.objects.exists()
    response = d1.post(url, {"text": "Corrected: seen at school on Monday.", "reason": "The visit was at school."})
    assert response.status_code == 302
    discussion = Discussion.objects.get(supervision=session)
    assert discussion.notes == "Original: seen at home on Monday."  # never edited in place
    amendment = RecordAmendment.objects.get()
    assert (amendment.discussion, amendment.text, amendment.reason, amendment.by.ref) == (
        discussion, "Corrected: seen at school on Monday.", "The visit was at school.", "D1")
    page = text(d1.get(url))
    assert "The record as written Original: seen at home on Monday." in page
    assert "Why: The visit was at school. Corrected: seen at school on Monday." in page
    entry = AuditEvent.objects.get(action="amend")
    assert entry.case_ref == "E3" and "school" not in str(entry.after) + entry.summary


def test_a_record_loaded_from_the_exchange_can_be_amended_but_not_rewritten(service, clock, sign_in):
    clock("2026-02-18 12:00")
    d1 = sign_in("D1")
    page = text(d1.get("/cases/E1/records/discussion/V1/amend/"))
    assert "Amend the record" in page and "written in the case-management system" in page
    assert d1.get("/cases/E1/records/discussion/NOPE/amend/").status_code == 404
    assert d1.get("/cases/E1/records/other/V1/amend/").status_code == 404
    assert sign_in("SO1").get("/cases/E1/records/discussion/V1/amend/").status_code == 404
