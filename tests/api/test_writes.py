"""The writes the pages offer, through the API: the pages' services, the pages' permission checks
(404 when refused, audited), the API's JSON errors (422 per field, 400 for an unreadable moment) and
a 409 saying what changed when what the caller read is stale. Each change is then on the pages.

The worked example (tests/conftest): D1 manages Y1, Y2 and SO1; T1 is above D1 and A1 above T1. Y1
holds E1 and E2, SO1 holds E3. Y1's leave L1 has no return recorded.
"""

from datetime import date, timedelta

import pytest

from oversight.audit.models import AuditEvent
from oversight.cover.models import CoverConfirmation, Reallocation
from oversight.cover.services_team import absence_record_unplanned
from oversight.dataprotection.services import case_anonymise
from oversight.people.models import Case, Staff
from oversight.store import revisions
from oversight.supervision.models import Action, GapRecord, OversightEvent, RecordAmendment, Supervision
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db
JSON = "application/json"

# Everyone who is not a manager above the people concerned: refused with 404, as on the pages.
NOT_MANAGERS = [("Y1", {}), ("Y2", {}), ("SO1", {}), (None, {"administrator": True}),
                (None, {"performance": True, "username": "u-performance"})]


def post(client, path, body):
    return client.post(path, body, content_type=JSON)


def put(client, path, body):
    return client.put(path, body, content_type=JSON)


def not_managers(token_for) -> list:
    """A client for each of NOT_MANAGERS."""
    return [token_for(staff, **flags) for staff, flags in NOT_MANAGERS]


def refused(response) -> None:
    assert response.status_code == 404, response.content
    assert error_of(response)["code"] == "not_found"


def session_body(**changes) -> dict:
    body = {
        "supervisee": "Y1", "held": "2026-03-10T10:00", "minutes": 75,
        "discussions": [
            {"case": "E1", "depth": "check_in", "notes": "Reparation going well.",
             "actions": [{"text": "Book the panel review", "due": "2026-04-01"}]},
            {"case": "E2", "depth": "in_depth", "significant": True},
        ],
    }
    return {**body, **changes}


# -- a formal supervision session --------------------------------------------------------------------


def test_a_line_manager_records_a_whole_caseload_session(token_for, session_for):
    d1 = token_for("D1")
    prep = d1.get("/api/supervisees/Y1/preparation").json()
    assert [c["case"] for c in prep["cases"]] == ["E1", "E2"] and prep["previous_actions"] == []
    response = post(d1, "/api/supervisions", session_body())
    assert response.status_code == 201, response.content
    session = response.json()
    assert (session["supervisor"], session["supervisees"], session["minutes"]) == ("D1", ["Y1"], 75)
    e1, e2 = session["discussions"]
    assert e1["recorded"] is not None and e1["recorded_by"] == "D1" and e2["recorded"] is None
    assert e1["actions"][0]["owner"] == "Y1" and e1["actions"][0]["due"] == "2026-04-01"
    assert AuditEvent.objects.filter(action="create", object_type="supervision", object_ref=session["id"],
                                     actor="u-D1 (D1) (API)").exists()
    # The pages show it: the session on the supervision page, its record on the child's file, and the
    # record still to write among the manager's records.
    page = session_for("D1").get("/supervision/").content.decode()
    assert session["id"] in page
    assert "Reparation going well." in session_for("D1").get("/cases/E1/").content.decode()
    records = {(r["source_id"], r["case"]): r["state"] for r in d1.get("/api/records?limit=500").json()["items"]}
    assert records.get((session["id"], "E2")) == "overdue", (records, d1.get("/api/supervisions").json())


def test_managers_above_the_line_may_record_it_too_and_nobody_else(token_for):
    for client in not_managers(token_for):
        refused(post(client, "/api/supervisions", session_body()))
        refused(client.get("/api/supervisees/Y1/preparation"))
    assert Supervision.objects.filter(held__date=date(2026, 3, 10)).count() == 0
    assert AuditEvent.objects.filter(action="denied", object_ref="/api/supervisions").count() == len(NOT_MANAGERS)
    # Nobody records their own supervision: D1's is recorded by T1 (or A1), who are above D1.
    refused(post(token_for("D1"), "/api/supervisions", session_body(supervisee="D1", discussions=[])))
    response = post(token_for("T1"), "/api/supervisions", session_body(supervisee="D1", discussions=[]))
    assert response.status_code == 201, response.content
    assert post(token_for("A1"), "/api/supervisions", session_body()).status_code == 201


def test_a_session_that_leaves_out_an_open_case_is_refused(token_for):
    d1 = token_for("D1")
    body = session_body(discussions=[{"case": "E1", "depth": "check_in"}])
    response = post(d1, "/api/supervisions", body)
    assert response.status_code == 422
    error = error_of(response)
    assert "E2" in error["message"] and "cases" in error["details"]
    assert Supervision.objects.filter(held__date=date(2026, 3, 10)).count() == 0


@pytest.mark.parametrize(("changes", "status", "field"), [
    ({"held": "yesterday"}, 400, "held"),
    ({"held": ""}, 422, "held"),
    ({"held": "2099-01-01T10:00"}, 422, "held"),
    ({"minutes": 0}, 422, "minutes"),
    ({"supervisee": "NOPE"}, 404, None),
    ({"discussions": [{"case": "E1", "depth": "deep"}]}, 422, "depth"),
    ({"discussions": [{"case": "NOPE", "depth": "check_in"}]}, 422, "cases"),
    ({"discussions": [{"case": "E1", "depth": "check_in", "actions": [{"text": "x", "owner": "SO1"}]},
                      {"case": "E2", "depth": "check_in"}]}, 422, "actions"),
    ({"previous_actions": [{"action": "AC999999", "outcome": "done", "version": "x"}]}, 422, "previous_actions"),
])
def test_bad_sessions_are_refused_as_json(token_for, changes, status, field):
    body = session_body(**changes)
    if "discussions" not in changes:
        body["discussions"] = session_body()["discussions"]
    response = post(token_for("D1"), "/api/supervisions", body)
    assert response.status_code == status, response.content
    error = error_of(response)
    if field:
        assert field in str(error["details"]), error
    assert Supervision.objects.filter(held__date=date(2026, 3, 10)).count() == 0


def _open_action(token) -> dict:
    assert post(token, "/api/supervisions", session_body()).status_code == 201
    return token.get("/api/supervisees/Y1/preparation").json()["previous_actions"][0]


def next_session(action: dict, **outcome) -> dict:
    return session_body(held="2026-04-14T10:00", discussions=[
        {"case": "E1", "depth": "check_in"}, {"case": "E2", "depth": "check_in"},
    ], previous_actions=[{"action": action["id"], "version": action["version"], **outcome}])


def test_previous_actions_are_marked_done_at_the_next_session(token_for):
    d1 = token_for("D1")
    action = _open_action(d1)
    assert (action["case"], action["text"]) == ("E1", "Book the panel review")
    response = post(d1, "/api/supervisions", next_session(action, outcome="not_done", reason=" "))
    assert response.status_code == 422 and "previous" in error_of(response)["details"]
    response = post(d1, "/api/supervisions", next_session(action, outcome="done"))
    assert response.status_code == 201, response.content
    assert Action.objects.get(ref=action["id"]).done == date(2026, 4, 14)
    assert d1.get("/api/supervisees/Y1/preparation").json()["previous_actions"] == []


def test_a_stale_action_is_refused_with_what_changed(token_for):
    d1, t1 = token_for("D1"), token_for("T1")
    action = _open_action(d1)  # D1 reads the action...
    # ...T1 records the next session meanwhile, noting why it was not done.
    assert post(t1, "/api/supervisions", next_session(action, outcome="not_done", reason="Panel postponed")) \
        .status_code == 201
    response = post(d1, "/api/supervisions", next_session(action, outcome="done") | {"held": "2026-04-15T10:00"})
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "conflict"
    changed = error["details"]["changed"][f"action {action['id']} reason_not_done"]
    assert changed == {"you_saw": None, "now": "Panel postponed"}
    assert Supervision.objects.filter(held__date=date(2026, 4, 15)).count() == 0
    assert Action.objects.get(ref=action["id"]).done is None


# -- a gap in supervision --------------------------------------------------------------------------


def test_a_gap_in_supervision_is_recorded_once_by_a_manager_above(token_for, session_for):
    for client in not_managers(token_for):
        refused(post(client, "/api/gap-records", {"staff": "Y1", "month": "2026-03"}))
    refused(post(token_for("D1"), "/api/gap-records", {"staff": "T1", "month": "2026-03"}))
    d1 = token_for("D1")
    response = post(d1, "/api/gap-records", {"staff": "Y1", "month": "2026-03"})
    assert response.status_code == 201, response.content
    assert response.json()["by"] == "D1" and GapRecord.objects.get().month == "2026-03"
    assert "already recorded" in error_of(post(d1, "/api/gap-records", {"staff": "Y1", "month": "2026-03"}))["message"]
    assert post(d1, "/api/gap-records", {"staff": "Y1", "month": "2026-13"}).status_code == 422
    future = f"{date.today().year + 1}-01"
    response = post(d1, "/api/gap-records", {"staff": "Y1", "month": future})
    assert response.status_code == 422 and "month" in error_of(response)["details"]
    page = session_for("D1").get("/supervision/Y1/gaps/2026-03/").content.decode()
    assert "This gap was recorded on" in page and "by Example D1" in page


# -- management decisions and records on the child's file ------------------------------------------


EVENT = {"case": "E3", "kind": "marp", "held": "2026-03-02T14:00", "significant": True}


def test_a_manager_records_a_marp_outcome_on_the_file(token_for, session_for):
    for client in not_managers(token_for):
        refused(post(client, "/api/oversight-events", EVENT))
    assert not OversightEvent.objects.exists()
    d1 = token_for("D1")
    response = post(d1, "/api/oversight-events", EVENT | {"notes": "Panel agreed a safety plan."})
    assert response.status_code == 201, response.content
    event = response.json()
    assert (event["case"], event["kind"], event["by"], event["significant"]) == ("E3", "marp", "D1", True)
    assert event["recorded_by"] == "D1"
    assert AuditEvent.objects.filter(object_type="oversight_event", object_ref=event["id"], case_ref="E3").exists()
    assert [e["id"] for e in d1.get("/api/oversight-events?case=E3").json()["items"]] == [event["id"]]
    page = session_for("D1").get("/cases/E3/").content.decode()
    assert event["id"] in page and "Panel agreed a safety plan." in page


@pytest.mark.parametrize(("changes", "status"), [
    ({"kind": "meeting"}, 422), ({"held": "2099-01-01T10:00"}, 422), ({"held": "soon"}, 400),
    ({"case": "NOPE"}, 404), ({"significant": "very"}, 422),
])
def test_bad_oversight_events_are_refused_as_json(token_for, changes, status):
    response = post(token_for("D1"), "/api/oversight-events", EVENT | changes)
    assert response.status_code == status and error_of(response)
    assert not OversightEvent.objects.exists()


def _event_without_record(token) -> dict:
    response = post(token, "/api/oversight-events", EVENT | {"kind": "management_decision"})
    assert response.status_code == 201
    return response.json()


def test_a_record_is_written_then_amended_keeping_the_original(token_for, session_for):
    d1 = token_for("D1")
    event = _event_without_record(d1)
    path = f"/api/cases/E3/records/event/{event['id']}"
    record = d1.get(path).json()
    assert record["recorded"] is None and record["text"] == ""
    refused(put(token_for("SO1"), path, {"text": "x", "version": record["version"]}))
    written = put(d1, path, {"text": "Decision: step down to fortnightly visits.", "version": record["version"]})
    assert written.status_code == 200, written.content
    assert written.json()["recorded_by"] == "D1"
    amend = {"text": "Decision: step down to weekly visits.", "reason": "Typo: weekly, not fortnightly."}
    for client in not_managers(token_for):
        refused(post(client, f"{path}/amendments", amend))
    response = post(d1, f"{path}/amendments", amend)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["text"] == "Decision: step down to fortnightly visits."
    assert body["current_text"] == amend["text"] and body["amendments"][0]["reason"] == amend["reason"]
    assert RecordAmendment.objects.get().by == Staff.objects.get(ref="D1")
    assert AuditEvent.objects.filter(action="amend", object_ref=event["id"]).exists()
    page = session_for("D1").get("/cases/E3/").content.decode()
    assert "weekly visits" in page


def test_amending_needs_a_reason_and_a_record_on_file(token_for):
    d1 = token_for("D1")
    event = _event_without_record(d1)
    path = f"/api/cases/E3/records/event/{event['id']}"
    response = post(d1, f"{path}/amendments", {"text": "New text", "reason": "Because"})
    assert response.status_code == 422 and "write it first" in error_of(response)["message"]
    version = d1.get(path).json()["version"]
    assert put(d1, path, {"text": "Original", "version": version}).status_code == 200
    assert post(d1, f"{path}/amendments", {"text": "New text"}).status_code == 422
    response = post(d1, f"{path}/amendments", {"text": "New text", "reason": "   "})
    assert response.status_code == 422 and "reason" in error_of(response)["details"]
    assert not RecordAmendment.objects.exists()
    assert d1.get("/api/cases/E3/records/event/NOPE").status_code == 404
    assert d1.get(f"/api/cases/E3/records/meeting/{event['id']}").status_code == 422
    refused(token_for("Y1").get(path))  # Y1 may not see E3


def test_a_stale_record_write_is_refused_with_what_changed(token_for):
    d1, t1 = token_for("D1"), token_for("T1")
    event = _event_without_record(d1)
    path = f"/api/cases/E3/records/event/{event['id']}"
    seen_by_d1 = d1.get(path).json()["version"]
    version = t1.get(path).json()["version"]
    assert put(t1, path, {"text": "T1's record", "version": version}).status_code == 200
    response = put(d1, path, {"text": "D1's record", "version": seen_by_d1})
    assert response.status_code == 409
    changed = error_of(response)["details"]["changed"]
    assert changed["the record notes"] == {"you_saw": "", "now": "T1's record"}
    assert d1.get(path).json()["text"] == "T1's record"
    assert put(d1, path, {"text": "D1's record", "version": "not a version"}).status_code == 409


def test_the_record_of_a_discussion_is_written_through_the_api(token_for):
    d1 = token_for("D1")
    session = post(d1, "/api/supervisions", session_body()).json()
    path = f"/api/cases/E2/records/discussion/{session['id']}"
    record = d1.get(path).json()
    assert (record["kind"], record["depth"], record["held_by"]) == ("discussion", "in_depth", "D1")
    assert put(d1, path, {"text": "Discussed the resettlement plan.", "version": record["version"]}).status_code == 200
    discussion = d1.get("/api/supervisions?staff=Y1").json()["items"][0]["discussions"][1]
    assert discussion["case"] == "E2" and discussion["recorded_by"] == "D1"


def _owed_on_e3_closed_yesterday(d1) -> tuple[str, str, str]:
    """A decision's record owed on E3, which then closed: the decision's id, its path and version."""
    event = _event_without_record(d1)
    path = f"/api/cases/E3/records/event/{event['id']}"
    version = d1.get(path).json()["version"]
    Case.objects.filter(ref="E3").update(closed=date.today() - timedelta(days=1))
    revisions.bump(Case.objects.get(ref="E3").service_id)
    return event["id"], path, version


def test_the_record_owed_on_a_case_closed_since_is_still_written_and_amended(token_for):
    # Decision 0004: a closed case is read-only but for the records still owed on its file.
    d1 = token_for("D1")
    _, path, version = _owed_on_e3_closed_yesterday(d1)
    access = d1.get("/api/cases/E3").json()["access"]
    assert (access["can_act"], access["writes_records"], access["basis"]) == (False, True, "line manager")
    refused(post(d1, "/api/oversight-events", EVENT | {"kind": "management_decision"}))  # no new decision on a closed case
    written = put(d1, path, {"text": "Decision made before closure.", "version": version})
    assert written.status_code == 200, written.content
    assert written.json()["recorded_by"] == "D1"
    amended = post(d1, f"{path}/amendments", {"text": "Decision made the day before closure.", "reason": "Date."})
    assert amended.status_code == 201, amended.content
    refused(post(token_for("SO1"), f"{path}/amendments", {"text": "x", "reason": "y"}))


def test_nothing_is_written_through_the_api_on_an_anonymised_file(token_for):
    d1 = token_for("D1")
    ident, path, version = _owed_on_e3_closed_yesterday(d1)
    case_anonymise(case=Case.objects.get(ref="E3"), today=date.today() + timedelta(days=3660), actor="test")
    # The case tells the client it no longer takes records, as the file's page does.
    assert d1.get("/api/cases/E3").json()["access"]["writes_records"] is False
    listed = {c["id"]: c["access"] for c in d1.get("/api/cases?open=false").json()["items"]}
    assert listed["E3"]["writes_records"] is False
    response = put(d1, path, {"text": "Written after disposal.", "version": version})
    assert response.status_code == 422 and "anonymised" in error_of(response)["message"]
    assert OversightEvent.objects.get(ref=ident).recorded is None


# -- cover decisions -------------------------------------------------------------------------------


@pytest.fixture
def sick_so1(service):
    today = date.today()
    return absence_record_unplanned(
        staff=Staff.objects.get(ref="SO1"), kind="sickness", first_day=today,
        expected_last_day=today + timedelta(days=2),
        by=Staff.objects.get(ref="D1"), actor="test",
    )


def test_a_line_manager_confirms_cover_for_an_unplanned_absence(token_for, session_for, sick_so1):
    path = f"/api/absences/{sick_so1.ref}/cover-confirmation"
    for client in not_managers(token_for):
        refused(post(client, path, {}))
    refused(post(token_for("D1"), "/api/absences/NOPE/cover-confirmation", {}))
    response = post(token_for("D1"), path, {})
    assert response.status_code == 201, response.content
    assert (response.json()["absence"], response.json()["by"]) == (sick_so1.ref, "D1")
    again = post(token_for("T1"), path, {})
    assert again.status_code == 422 and "already confirmed" in error_of(again)["message"]
    assert CoverConfirmation.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="cover_confirmation", object_ref=sick_so1.ref).exists()
    page = session_for("D1").get(f"/team/absences/{sick_so1.ref}/").content.decode()
    assert "Example D1" in page
    planned = post(token_for("D1"), "/api/absences/L1/cover-confirmation", {})
    assert planned.status_code == 422 and "leave sheet" in error_of(planned)["message"]


REALLOCATION = {"cases": ["E3"], "staff": "Y2", "start": "2031-01-06", "end": "2031-01-10"}


def test_a_manager_reallocates_cases_temporarily(token_for, session_for):
    for client in not_managers(token_for):
        refused(post(client, "/api/reallocations", REALLOCATION))
    d1 = token_for("D1")
    response = post(d1, "/api/reallocations", REALLOCATION | {"cases": ["E3", "E2", "E3"]})
    assert response.status_code == 201, response.content
    assert [(r["case"], r["staff"], r["end"]) for r in response.json()["items"]] == [
        ("E2", "Y2", "2031-01-10"), ("E3", "Y2", "2031-01-10")]
    cover = d1.get("/api/cases/E3/cover?at=2031-01-07T10:00").json()
    assert (cover["contact"], cover["via"]) == ("Y2", "reallocation")
    assert "Example Y2" in session_for("D1").get("/team/reallocate/").content.decode()
    clash = post(d1, "/api/reallocations", REALLOCATION)
    assert clash.status_code == 422 and "already reallocated" in error_of(clash)["message"]


@pytest.mark.parametrize(("changes", "status", "field"), [
    ({"end": "2031-01-05"}, 422, "end"),
    ({"start": "2020-01-06"}, 422, "start"),
    ({"staff": "NOPE"}, 422, "staff"),
    ({"staff": "E3"}, 422, "staff"),
    ({"cases": []}, 422, "cases"),
    ({"cases": ["NOPE"]}, 404, None),
    ({"cases": ["E1"], "staff": "Y1"}, 422, "cases"),  # Y1 is E1's case manager already
    ({"start": "6 Jan 2031"}, 422, "start"),
])
def test_bad_reallocations_are_refused_as_json(token_for, changes, status, field):
    response = post(token_for("D1"), "/api/reallocations", REALLOCATION | changes)
    assert response.status_code == status, response.content
    if field:
        assert field in str(error_of(response)["details"])
    assert not Reallocation.objects.exists()


# -- the second factor ---------------------------------------------------------------------------


def test_a_session_without_its_second_factor_gets_the_api_error_shape(account, client):
    owner = account("D1")
    client.force_login(owner.user)
    response = client.get("/api/cases")
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "two_factor_required" and "Two-factor" in error["message"]
    assert error["details"]["two_factor"].startswith("/sign-in/two-factor/")
    assert client.post("/api/reallocations", REALLOCATION, content_type=JSON).status_code == 403
    assert not Reallocation.objects.exists()
    page = client.get("/supervision/")  # the pages still send the person to give their code
    assert page.status_code == 302 and page["Location"].startswith("/sign-in/two-factor/")
