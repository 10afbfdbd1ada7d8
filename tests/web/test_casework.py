"""The home page and the case manager's pages, on the worked example (tests/fixtures/small-service.md).

Y1 and Y2 are youth justice officers and each other's buddy; SO1 a support officer with Y1 as an approved
buddy; all three report to D1 (deputy team manager) > T1 > A1. Y1 manages E1 and E2 (Y2 is E2's paired
worker), SO1 manages E3. Y1's leave L1 starts on Mon 16 February 2026 with no return recorded, and its
leave sheet (sent to D1 on 12 February) names Y2 as cover for E1 only.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.accounts import two_factor
from oversight.accounts.services import account_set
from oversight.audit.models import AuditEvent
from oversight.dataprotection.services import case_anonymise
from oversight.cover.models import Absence, BuddyNomination, LeaveSheet
from oversight.people.models import Allocation, Case, Service, Staff
from oversight.store import revisions
from oversight.supervision.models import Discussion
from oversight.supervision.services import record_write

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
    """Set the time the pages judge at: clock("2026-02-18 12:00") (London time). Sessions outlast the
    jumps in time (they end after 30 idle minutes otherwise)."""
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600

    def set_to(when: str) -> datetime:
        moment = datetime.fromisoformat(when).replace(tzinfo=LONDON)
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(UTC))
        return moment

    return set_to


@pytest.fixture
def sign_in(service):
    """A browser signed in as a member of the example's staff (with a second factor where needed)."""

    def as_staff(ref: str, client: Client | None = None) -> Client:
        client = client or Client()
        staff = Staff.objects.get(service=service, ref=ref)
        account = getattr(staff, "account", None) or account_set(
            service=service, username=f"user-{ref.lower()}", password=PASSWORD, staff=staff, actor="test")
        client.force_login(account.user)
        if two_factor.required(account.user):
            device = TOTPDevice.objects.create(user=account.user, name="Authenticator app", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return as_staff


def text(response) -> str:
    """The page's visible words, in order, with tags removed and white space collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def main(response) -> str:
    return text(response).split("Skip to main content", 1)[-1]


def table_rows(response, caption: str) -> list[str]:
    page = response.content.decode()
    table = page.split(caption, 1)[1].split("</table>", 1)[0]
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in re.findall(r"<tr\b.*?</tr>", table, re.DOTALL)[1:]]


# -- my caseload and the cases I cover -------------------------------------------------------------


def test_a_practitioner_sees_only_their_own_cases_on_their_caseload(service, clock, sign_in):
    clock("2026-02-13 17:00")
    rows = table_rows(sign_in("Y1").get("/caseload/"), "Cases you manage")
    assert [row.split(":")[0] for row in rows] == ["E1", "E2"]
    assert rows[0] == (
        "E1: Child E1 Medium Referral order Example Y1 (case manager) Fri 13 February 2026 (today) "
        "By Fri 27 February 2026"
    )
    assert "High" in rows[1] and "Detention and training order" in rows[1]
    support = table_rows(sign_in("SO1").get("/caseload/"), "Cases you manage")
    assert [row.split(":")[0] for row in support] == ["E3"]
    assert "Low" in support[0] and "Out of court disposal" in support[0]


def test_the_caseload_shows_the_named_contact_found_by_cover_resolution(service, clock, sign_in):
    clock("2026-02-17 10:00")  # Y1 on leave: E1 goes to Y2 by the leave sheet, E2 to its paired worker Y2
    rows = table_rows(sign_in("Y1").get("/caseload/"), "Cases you manage")
    assert "Example Y2 (cover named on the leave sheet)" in rows[0]
    assert "Example Y2 (paired worker)" in rows[1]
    # Y2 manages no case, but is E2's paired worker every day.
    page = sign_in("Y2").get("/caseload/")
    assert table_rows(page, "Cases you manage") == ["You manage no open cases today."]
    assert table_rows(page, "Cases you are the paired worker on") == [
        "E2: Child E2 High Detention and training order Example Y1 Example Y2 (paired worker)"]


def test_a_buddy_sees_a_colleagues_cases_only_while_the_colleague_is_away(service, clock, sign_in):
    y2 = sign_in("Y2")
    clock("2026-02-13 10:00")  # the Friday before the leave
    assert table_rows(y2.get("/covering/"), "Cases you cover today") == ["You cover no colleague’s cases today."]
    for day in ("2026-02-16 09:00", "2026-02-20 16:00", "2026-02-23 09:00"):
        clock(day)  # the leave, and past its expected end: no return recorded, so Y1 still counts as away
        rows = table_rows(y2.get("/covering/"), "Cases you cover today")
        assert [row.split(":")[0] for row in rows] == ["E1"], day
        assert "You cover for Example Y1 during absence L1" in rows[0]
    # E2 is Y2's as its paired worker, every day, so it is not a case Y2 covers.
    Absence.objects.filter(ref="L1").update(actual_last_day=date(2026, 2, 20))
    clock("2026-02-20 16:00")
    assert len(table_rows(y2.get("/covering/"), "Cases you cover today")) == 1
    clock("2026-02-23 09:00")  # the day after the return recorded
    assert table_rows(y2.get("/covering/"), "Cases you cover today") == ["You cover no colleague’s cases today."]
    assert y2.get("/cases/E1/").status_code == 404  # and the case file is closed to the buddy again


def test_someone_who_covers_nothing_sees_nothing_on_the_covering_page(service, clock, sign_in):
    clock("2026-02-17 10:00")
    assert table_rows(sign_in("SO1").get("/covering/"), "Cases you cover today") == [
        "You cover no colleague’s cases today."
    ]


# -- the child's file ------------------------------------------------------------------------------


def test_a_guessed_or_unrelated_case_is_404(service, clock, sign_in):
    clock("2026-02-18 12:00")
    so1 = sign_in("SO1")
    assert so1.get("/cases/E1/").status_code == 404  # exists, but not SO1's
    assert so1.get("/cases/E9/").status_code == 404  # does not exist
    assert so1.get("/cases/E3/").status_code == 200
    refused = AuditEvent.objects.filter(action="denied", object_ref="E1").count()
    assert refused == 1


def test_the_childs_file_shows_the_named_contact_history_and_timeline(service, clock, sign_in):
    clock("2026-02-18 12:00")
    response = sign_in("D1").get("/cases/E3/")
    page = main(response)
    assert "Child E3 (E3)" in page and "<title>Case E3 – Oversight</title>" in response.content.decode()
    assert "Named contact today Example SO1 (case manager)" in page
    assert "Why you can see this file Line manager" in page
    # The timeline: V2 discussed E3 on Tue 20 January; recorded on the 29th, after its deadline.
    assert "Formal one-to-one supervision V2 by Example D1 Tue 20 January 2026 at 2:00pm" in page
    assert "Record on the child’s file: Thu 29 January 2026 at 9:00am by Example D1 Late" in page
    assert '/cases/E3/records/discussion/V2/amend/">Amend the record' in response.content.decode()  # D1 writes
    assert "Amend the record of supervision V2" in page


def test_only_managers_are_offered_to_write_records(service, clock, sign_in):
    clock("2026-02-18 12:00")
    html = sign_in("SO1").get("/cases/E3/").content.decode()
    assert "Formal one-to-one supervision V2" in html and "/records/" not in html


def test_the_childs_file_shows_cover_history_with_who_covered(service, clock, sign_in):
    clock("2026-02-18 12:00")
    page = main(sign_in("Y1").get("/cases/E1/"))
    assert "Example Y1 away (L1)" in page
    assert "Named Example Y2; young person told who to contact: Yes" in page
    assert "Reparation session Wed 18th" in page
    assert ("Example Y2 (cover named on the leave sheet): Mon 16 February 2026 to Fri 20 February 2026 "
            "(5 working days)") in page
    page = main(sign_in("Y2").get("/cases/E1/"))  # Y2, the cover, sees how they came to be the contact
    assert "Named contact today Example Y2 (cover named on the leave sheet)" in page
    assert "Case manager Example Y1 (Y1) absent 2026-02-16 to 2026-02-20 (return not recorded)" in page
    page = main(sign_in("Y1").get("/cases/E1/"))
    assert "Allocation history" in page and "Example Y1 Case manager From Mon 5 January 2026" in page
    assert "Formal one-to-one supervision V1 by Example D1 Wed 14 January 2026 at 10:00am" in page
    assert "Recorded in time" in page


# -- the home page ---------------------------------------------------------------------------------


def _cards(response, section: str) -> list[str]:
    page = response.content.decode()
    part = page.split(f'id="{section}"', 1)[1].split('<h2 class="govuk-heading-m"', 1)[0]
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in part.split('<div class="govuk-summary-card">')[1:]]


def _links(response, section: str) -> list[str]:
    page = response.content.decode()
    part = page.split(f'id="{section}"', 1)[1].split('<h2 class="govuk-heading-m"', 1)[0]
    return re.findall(r'govuk-summary-card__action"><a class="govuk-link" href="([^"]+)"', part)


def test_the_home_page_lists_my_findings_soonest_first_with_links(service, clock, sign_in):
    clock("2026-02-18 12:00")
    y1 = sign_in("Y1").get("/")
    assert y1.status_code == 200 and "<title>Home – Oversight</title>" in y1.content.decode()
    cards = _cards(y1, "yours")
    rules = [re.search(r"Rule (\S+)", c).group(1) for c in cards]
    assert rules == ["COV-LEAVE-SHEET", "SUP-MONTHLY"]  # the leave sheet was due first
    assert "no cover for case E2" in cards[0] and "Before Mon 16 February 2026" in cards[0]
    assert "By the end of Fri 27 February 2026" in cards[1]
    assert _links(y1, "yours")[0] == "/absences/L1/leave-sheet/"
    d1 = sign_in("D1").get("/")
    mine = _cards(d1, "yours")
    assert [re.search(r"Rule (\S+)", c).group(1) for c in mine] == ["REC-DEADLINE"]  # D1 held V2
    assert _links(d1, "yours") == ["/cases/E3/"]
    team = _cards(d1, "team")
    assert [re.search(r"Rule (\S+)", c).group(1) for c in team] == ["COV-LEAVE-SHEET", "SUP-MONTHLY", "SUP-MONTHLY"]
    assert "For Example Y1" in team[0]
    assert sign_in("SO1").get("/").status_code == 200


@pytest.mark.parametrize("ref", ["Y1", "Y2", "SO1", "D1", "T1", "A1"])
def test_every_link_on_the_home_page_opens(service, clock, sign_in, ref):
    # A case manager's SUP-MONTHLY used to link to the supervision page, which is for managers:
    # following it answered "Page not found".
    clock("2026-02-18 12:00")
    client = sign_in(ref)
    home = client.get("/")
    links = [href for section in ("yours", "team") if f'id="{section}"' in home.content.decode()
             for href in _links(home, section)]
    for href in links:
        assert client.get(href).status_code == 200, (ref, href)
    if ref == "Y1":  # her SUP-MONTHLY is her manager's to put right: no link to a page she cannot open
        assert [c for c in _cards(home, "yours") if "SUP-MONTHLY" in c] and "/supervision/" not in links


def test_an_overdue_record_on_a_closed_case_is_still_written_by_the_manager_who_held_it(service, clock, sign_in):
    # Closed cases are read-only but for the records still owed on the child's file (decision 0004):
    # a discussion's record is owed after the case closes too, and nothing else clears "overdue".
    Discussion.objects.filter(service=service, case__ref="E3").update(recorded=None, recorded_by=None)
    Case.objects.filter(service=service, ref="E3").update(closed=date(2026, 2, 17))
    revisions.bump(service.pk)
    clock("2026-02-18 12:00")
    d1 = sign_in("D1")
    [card] = [c for c in _cards(d1.get("/"), "yours") if "REC-DEADLINE" in c]
    [link] = _links(d1.get("/"), "yours")  # overdue: written on the record's page
    assert link.startswith("/cases/E3/records/discussion/") and "overdue" in card.lower()
    form = d1.get(link)
    assert form.status_code == 200
    assert f'href="{link}"' in d1.get("/supervision/").content.decode()  # "Records to write" leads there too
    file = main(d1.get("/cases/E3/"))
    assert "This case is closed. You can read the file, and write or amend the records" in file
    assert "Record a management decision" not in file  # a closed case takes no new decision
    assert d1.get("/cases/E3/oversight/new/").status_code == 404
    assert d1.post(link, {"text": "Discussed before closure: exit plan agreed.", "seen": _seen(form)}).status_code == 302
    [discussion] = Discussion.objects.filter(service=service, case__ref="E3")
    assert (discussion.notes, discussion.recorded_by.ref) == ("Discussed before closure: exit plan agreed.", "D1")
    assert not [c for c in _cards(d1.get("/"), "yours") if "REC-DEADLINE" in c and "overdue" in c.lower()]
    written = AuditEvent.objects.filter(case_ref="E3", action="change", object_type="discussion").latest("pk")
    decided = AuditEvent.objects.filter(case_ref="E3", action="change", object_type="case").latest("pk")
    assert "written on the file of case E3" in written.summary and decided.basis == "line manager"
    # Whoever could not act on the case while it was open writes nothing on it now.
    assert sign_in("SO1").post(link, {"text": "x", "seen": _seen(form)}).status_code == 404


def test_nothing_is_written_on_a_file_that_retention_has_anonymised(service, clock, sign_in):
    # A closed case's records may still be written (above), but not once retention has disposed of
    # what the file said: the record page says why, and no page offers it.
    Discussion.objects.filter(service=service, case__ref="E3").update(recorded=None, recorded_by=None)
    Case.objects.filter(service=service, ref="E3").update(closed=date(2026, 2, 17))
    clock("2026-02-18 12:00")
    [discussion] = Discussion.objects.filter(service=service, case__ref="E3")
    link = f"/cases/E3/records/discussion/{discussion.supervision.ref}/amend/"
    d1 = sign_in("D1")
    assert link in d1.get("/supervision/").content.decode()  # owed, and still to write on the closed case
    case_anonymise(case=Case.objects.get(service=service, ref="E3"), today=date(2032, 1, 1), actor="test")
    revisions.bump(service.pk)
    assert link not in d1.get("/").content.decode()
    assert link not in d1.get("/supervision/").content.decode()  # not among the records to write
    file = d1.get("/cases/E3/")
    assert link not in file.content.decode() and "write or amend the records" not in main(file)
    page = d1.get(link)
    assert "Write the record" not in main(page)
    assert "was anonymised on Wed 18 February 2026 at the end of its retention period" in main(page)
    assert 'name="text"' not in page.content.decode()
    with pytest.raises(ValidationError, match="anonymised"):
        record_write(service=service, text="Late words.", by=Staff.objects.get(service=service, ref="D1"),
                     actor="test", discussion=discussion)
    discussion.refresh_from_db()
    assert (discussion.recorded, discussion.notes) == (None, "")


def test_a_past_leave_sheet_links_only_to_the_files_its_reader_may_still_open(service, clock, sign_in):
    # After her leave, Y1's case E1 went to Y2: her sheet still names it, without a link to a file
    # that would now answer "Page not found".
    Allocation.objects.filter(service=service, case__ref="E1").update(end=date(2026, 2, 22))
    Allocation.objects.create(service=service, case=Case.objects.get(service=service, ref="E1"),
                              staff=Staff.objects.get(service=service, ref="Y2"), start=date(2026, 2, 23))
    revisions.bump(service.pk)
    clock("2026-03-02 10:00")
    y1 = sign_in("Y1")
    page = y1.get("/absences/L1/leave-sheet/").content.decode()
    assert "Case E1:" in page and "Case E2:" in page
    links = re.findall(r'href="(/cases/[^"]+)"', page)
    assert links and "/cases/E1/" not in links
    assert all(y1.get(href).status_code == 200 for href in links)


def test_only_the_manager_who_held_the_discussion_owns_its_record(service, clock, sign_in):
    clock("2026-02-18 12:00")
    so1 = _cards(sign_in("SO1").get("/"), "yours")
    assert not any("REC-DEADLINE" in c for c in so1)
    t1 = sign_in("T1").get("/")
    assert any("REC-DEADLINE" in c and "For Example D1" in c for c in _cards(t1, "team"))


# -- buddies ---------------------------------------------------------------------------------------


def _seen(response) -> str:
    return html.unescape(re.search(r'name="seen" value="([^"]*)"', response.content.decode()).group(1))


def test_my_buddies_show_their_order_and_approval(service, clock, sign_in):
    clock("2026-02-10 09:00")
    page = main(sign_in("SO1").get("/buddies/"))
    assert "1 Example Y1 Youth justice officer Approved By Example D1" in page
    assert "You are a buddy for" in page and "Nobody has nominated you" in page
    y2 = main(sign_in("Y2").get("/buddies/"))
    assert "1 Example Y1 Youth justice officer Not needed Same grade as you" in y2
    assert "Example Y1 (their buddy 1)" in y2


def test_nominating_reordering_and_ending_buddies(service, clock, sign_in):
    clock("2026-02-10 09:00")
    y1 = sign_in("Y1")
    page = y1.get("/buddies/")
    response = y1.post("/buddies/", {"action": "nominate", "buddy": "SO1", "seen": _seen(page)}, follow=True)
    assert "Example SO1 is now your buddy 2." in main(response)
    assert "2 Example SO1 Support officer Needed, not given" in main(response)
    # Y1 puts SO1 first: Y2's nomination since 2024 ends yesterday and a new one starts today.
    response = y1.post("/buddies/", {"action": "up", "buddy": "SO1", "seen": _seen(response)}, follow=True)
    assert "Example SO1 is now your buddy 1." in main(response)
    order = list(BuddyNomination.objects.filter(staff__ref="Y1", end__isnull=True).order_by("rank")
                 .values_list("buddy__ref", "rank", "start"))
    assert order == [("SO1", 1, date(2026, 2, 10)), ("Y2", 2, date(2026, 2, 10))]
    assert BuddyNomination.objects.get(staff__ref="Y1", buddy__ref="Y2", start=date(2024, 1, 8)).end == date(2026, 2, 9)
    response = y1.post("/buddies/", {"action": "end", "buddy": "SO1", "seen": _seen(response)}, follow=True)
    assert "Example SO1 is no longer your buddy." in main(response)
    assert AuditEvent.objects.filter(object_type="buddy_nomination", action="change").count() == 2
    assert AuditEvent.objects.filter(object_type="buddy_nomination", action="create").count() == 1


@pytest.mark.parametrize("buddy, message", [
    # None of these is offered; sent all the same, each is refused saying why.
    ("Y1", "You cannot be your own buddy"),
    ("D1", "Example D1 is a deputy team manager: a buddy must be a youth justice officer, support officer or "
           "specialist"),
    ("Y2", "Example Y2 is already your buddy"),
    ("NOPE", "Select the colleague you want as your buddy"),
    ("", "Select the colleague you want as your buddy"),
])
def test_a_buddy_must_be_another_practitioner_not_already_nominated(service, clock, sign_in, buddy, message):
    clock("2026-02-10 09:00")
    y1 = sign_in("Y1")
    response = y1.post("/buddies/", {"action": "nominate", "buddy": buddy, "seen": _seen(y1.get("/buddies/"))})
    assert response.status_code == 200 and message in main(response)
    assert "govuk-error-summary" in response.content.decode()
    assert BuddyNomination.objects.filter(staff__ref="Y1").count() == 1


def test_the_buddy_services_refuse_what_the_form_would_not_offer(service, clock):
    from django.core.exceptions import ValidationError

    from oversight.cover.services import buddy_nominate

    clock("2026-02-10 09:00")
    y1, d1, y2 = (Staff.objects.get(service=service, ref=r) for r in ("Y1", "D1", "Y2"))
    for buddy, words in ((y1, "your own buddy"), (d1, "a buddy must be a youth justice officer"),
                         (y2, "already your buddy")):
        with pytest.raises(ValidationError) as refused:
            buddy_nominate(staff=y1, buddy=buddy, actor="test")
        assert words in refused.value.message_dict["buddy"][0]
    Staff.objects.filter(ref="Y2").update(end=date(2026, 1, 31))
    y2.refresh_from_db()
    BuddyNomination.objects.filter(staff=y1).update(end=date(2026, 1, 31))
    with pytest.raises(ValidationError) as refused:
        buddy_nominate(staff=y1, buddy=y2, actor="test")
    assert "is not employed" in refused.value.message_dict["buddy"][0]


def test_a_stale_buddies_page_is_refused(service, clock, sign_in):
    clock("2026-02-10 09:00")
    first, second = sign_in("Y1"), sign_in("Y1", Client())
    old = _seen(second.get("/buddies/"))
    first.post("/buddies/", {"action": "nominate", "buddy": "SO1", "seen": _seen(first.get("/buddies/"))})
    response = second.post("/buddies/", {"action": "end", "buddy": "Y2", "seen": old})
    assert "Your buddies changed while you had this page open" in main(response)
    assert BuddyNomination.objects.get(staff__ref="Y1", buddy__ref="Y2").end is None


# -- absences and the leave sheet ------------------------------------------------------------------


def _book(client, first: str, last: str, kind="annual_leave"):
    fy, fm, fd = first.split("-")
    ly, lm, ld = last.split("-")
    return client.post("/absences/new/", {
        "kind": kind, "first_day-day": fd, "first_day-month": fm, "first_day-year": fy,
        "last_day-day": ld, "last_day-month": lm, "last_day-year": ly,
    })


@pytest.mark.parametrize("first, last, message", [
    ("2026-03-06", "2026-03-02", "The last day of your leave must be the same as or after the first day"),
    ("2026-02-19", "2026-02-24", "You are already away from Mon 16 February 2026 to Fri 20 February 2026"),
    ("2026-01-26", "2026-01-30", "The first day of your leave must be today (Mon 2 February 2026) or later"),
    ("2026-02-31", "2026-03-02", "The first day of your leave must be a real date"),
])
def test_bad_leave_dates_are_refused_with_a_clear_message(service, clock, sign_in, first, last, message):
    clock("2026-02-02 09:00")
    response = _book(sign_in("Y1"), first, last)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and message in text(response)
    assert "<title>Error: Request leave – Oversight</title>" in page
    assert Absence.objects.count() == 1


def test_booking_leave_leads_to_its_leave_sheet(service, clock, sign_in):
    clock("2026-02-02 09:00")
    response = _book(sign_in("Y1"), "2026-03-02", "2026-03-06")
    absence = Absence.objects.exclude(ref="L1").get()
    assert (absence.first_day, absence.expected_last_day, absence.planned, absence.actual_last_day) == (
        date(2026, 3, 2), date(2026, 3, 6), True, None)
    assert response["Location"] == f"/absences/{absence.ref}/leave-sheet/"
    assert AuditEvent.objects.filter(object_type="absence", object_ref=absence.ref, action="create").exists()


def _sheet_form(page, covers: dict[str, str], informed: dict[str, str], action="submit") -> dict:
    data = {"seen": _seen(page), "action": action}
    for case, cover in covers.items():
        data[f"case-{case}-cover"] = cover
        data[f"case-{case}-notes"] = f"Appointment for {case} on Tuesday"
    for case, answer in informed.items():
        data[f"case-{case}-young_person_informed"] = answer
    return data


def test_submitting_a_leave_sheet_sends_it_to_the_line_manager_and_clears_the_finding(service, clock, sign_in):
    clock("2026-02-02 09:00")
    y1 = sign_in("Y1")
    _book(y1, "2026-03-02", "2026-03-06")
    ref = Absence.objects.exclude(ref="L1").get().ref
    home = _cards(y1.get("/"), "yours")
    assert any("COV-LEAVE-SHEET" in c and ref in c and "Due" in c for c in home)
    assert f"/absences/{ref}/leave-sheet/" in _links(y1.get("/"), "yours")

    url = f"/absences/{ref}/leave-sheet/"
    page = y1.get(url)
    assert "Example Y2 – your buddy 1 – 0 cases on your first day" in text(page)  # E2 is not Y2's own case
    incomplete = y1.post(url, _sheet_form(page, {"E1": "Y2"}, {"E1": "yes"}))
    assert "Select who will cover case E2" in main(incomplete)
    assert "Select yes if the young person on case E2 has been told who to contact" in main(incomplete)
    assert not LeaveSheet.objects.filter(absence__ref=ref).exists()

    response = y1.post(url, _sheet_form(page, {"E1": "Y2", "E2": "SO1"}, {"E1": "yes", "E2": "no"}), follow=True)
    assert "Leave sheet sent to Example D1." in main(response)
    sheet = LeaveSheet.objects.get(absence__ref=ref)
    assert sheet.submitted_to.ref == "D1" and sheet.submitted is not None
    lines = {ln.case.ref: (ln.cover.ref, ln.young_person_informed, ln.notes) for ln in sheet.lines.all()}
    assert lines == {"E1": ("Y2", True, "Appointment for E1 on Tuesday"),
                     "E2": ("SO1", False, "Appointment for E2 on Tuesday")}
    entry = AuditEvent.objects.filter(object_type="leave_sheet", object_ref=ref).last()
    assert entry.after["submitted_to"] == "D1" and entry.after["lines"][0]["notes"] is True  # no narrative

    home = _cards(y1.get("/"), "yours")
    assert not any("COV-LEAVE-SHEET" in c and ref in c for c in home)
    assert any("COV-INFORMED" in c and "case E2" in c for c in home)  # the young person on E2 was not told
    # It can no longer be changed, and the manager can read it.
    assert y1.post(url, _sheet_form(page, {"E1": "Y1"}, {}, "save")).status_code == 404
    assert "Cover Example SO1" in main(sign_in("D1").get(url))
    read = AuditEvent.objects.filter(object_type="leave_sheet", action="view").get()
    assert (read.object_ref, read.basis, read.actor) == (ref, "line manager of Y1", "user-d1 (D1)")
    assert sign_in("SO1").get(url).status_code == 404
    assert sign_in("D1").post(url, _sheet_form(page, {"E1": "D1"}, {}, "save")).status_code == 404
    refused = AuditEvent.objects.filter(object_type="leave_sheet", action="denied").order_by("id")
    assert [(e.actor, e.object_ref, e.summary) for e in refused] == [
        ("user-so1 (SO1)", ref, "Refused: read the leave sheet (view)"),
        ("user-d1 (D1)", ref, "Refused: change the leave sheet (change)"),
    ]


def _informed_checked(page, case: str) -> list[str]:
    """The answers selected on the page for "was the young person on `case` told who to contact?"."""
    name = f"case-{case}-young_person_informed"
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page.content.decode())
    return [re.search(r'value="([^"]*)"', i).group(1) for i in inputs if re.search(r"\bchecked\b", i)]


def test_a_draft_keeps_the_young_person_question_unanswered_and_cannot_be_sent_so(service, clock, sign_in):
    clock("2026-02-02 09:00")
    y1 = sign_in("Y1")
    _book(y1, "2026-03-02", "2026-03-06")
    ref = Absence.objects.exclude(ref="L1").get().ref
    url = f"/absences/{ref}/leave-sheet/"
    draft = _sheet_form(y1.get(url), {"E1": "Y2", "E2": "SO1"}, {"E2": "no"}, "save")
    assert "Leave sheet saved as a draft" in main(y1.post(url, draft, follow=True))
    sheet = LeaveSheet.objects.get(absence__ref=ref)
    lines = {ln.case.ref: ln.young_person_informed for ln in sheet.lines.all()}
    assert lines == {"E1": None, "E2": False}

    reopened = y1.get(url)
    assert _informed_checked(reopened, "E1") == []  # not answered: neither yes nor no is selected
    assert _informed_checked(reopened, "E2") == ["no"]
    # Sending the sheet as reopened is refused, naming the case, and nothing is sent.
    refused = y1.post(url, _sheet_form(reopened, {"E1": "Y2", "E2": "SO1"}, {"E2": "no"}))
    assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    assert "Select yes if the young person on case E1 has been told who to contact" in main(refused)
    assert "case E2 has been told" not in main(refused)
    sheet = LeaveSheet.objects.get(absence__ref=ref)
    assert sheet.submitted is None and sheet.lines.get(case__ref="E1").young_person_informed is None


@pytest.mark.parametrize("cover, message", [
    ("D1", "Example D1 cannot cover case E1: cover is given by a youth justice officer, support officer or "
           "specialist"),
    ("Y1", "Select a colleague to cover case E1: you will be away"),
    ("NOPE", "Select a colleague to cover case E1"),
])
def test_cover_that_cannot_be_given_is_refused_saying_why(service, clock, sign_in, cover, message):
    clock("2026-02-02 09:00")
    y1 = sign_in("Y1")
    _book(y1, "2026-03-02", "2026-03-06")
    url = f"/absences/{Absence.objects.exclude(ref='L1').get().ref}/leave-sheet/"
    page = y1.get(url)
    assert f'value="{cover}"' not in page.content.decode()  # never offered
    refused = y1.post(url, _sheet_form(page, {"E1": cover, "E2": "SO1"}, {"E1": "yes", "E2": "yes"}, "save"))
    assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    assert message in main(refused)
    assert not LeaveSheet.objects.exclude(absence__ref="L1").exists()


def test_the_first_save_of_a_leave_sheet_refuses_a_second_first_save(service, clock, sign_in):
    clock("2026-02-02 09:00")
    first = sign_in("Y1")
    _book(first, "2026-03-02", "2026-03-06")
    url = f"/absences/{Absence.objects.exclude(ref='L1').get().ref}/leave-sheet/"
    second = sign_in("Y1", Client())
    page_one, page_two = first.get(url), second.get(url)
    first.post(url, _sheet_form(page_one, {"E1": "Y2"}, {}, "save"))
    refused = second.post(url, _sheet_form(page_two, {"E1": "SO1"}, {}, "save"))
    assert "The leave sheet changed while you were editing it (the leave sheet: in another window" in main(refused)


def test_two_people_saving_the_same_leave_sheet_the_second_is_refused(service, clock, sign_in):
    clock("2026-02-02 09:00")
    first = sign_in("Y1")
    _book(first, "2026-03-02", "2026-03-06")
    ref = Absence.objects.exclude(ref="L1").get().ref
    url = f"/absences/{ref}/leave-sheet/"
    first.post(url, _sheet_form(first.get(url), {"E1": "", "E2": ""}, {}, "save"))  # a draft
    second = sign_in("Y1", Client())
    page_one, page_two = first.get(url), second.get(url)
    saved = first.post(url, _sheet_form(page_one, {"E1": "Y2", "E2": ""}, {}, "save"), follow=True)
    assert "Leave sheet saved as a draft" in main(saved)
    refused = second.post(url, _sheet_form(page_two, {"E1": "SO1", "E2": "SO1"}, {}, "save"))
    assert refused.status_code == 200
    assert "The leave sheet changed while you were editing it (case E1: in another window" in main(refused)
    line = LeaveSheet.objects.get(absence__ref=ref).lines.get(case__ref="E1")
    assert line.cover.ref == "Y2"  # the first save stands
    assert LeaveSheet.objects.get(absence__ref=ref).lines.get(case__ref="E2").cover is None
    # A second save made after seeing the first goes through.
    again = second.post(url, _sheet_form(second.get(url), {"E1": "SO1", "E2": "SO1"}, {}, "save"), follow=True)
    assert "saved as a draft" in main(again)
    assert LeaveSheet.objects.get(absence__ref=ref).lines.get(case__ref="E1").cover.ref == "SO1"


def test_my_absences_show_the_state_of_each_leave_sheet(service, clock, sign_in):
    clock("2026-02-18 12:00")
    page = main(sign_in("Y1").get("/absences/"))
    assert "Mon 16 February 2026 to Fri 20 February 2026" in page
    assert "Away now: return not recorded yet" in page
    assert "Sent To Example D1 on Thu 12 February 2026 at 3:30pm" in page
    assert "names no cover for case E2" in page
