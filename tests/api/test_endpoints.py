"""Each endpoint: the same permission policy as the pages, scoping, pagination and filters."""

from datetime import UTC

import pytest
from django.test import Client

from oversight.audit.models import AuditEvent
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item.get("id") or item.get("case") for item in response.json()["items"]]


# -- cases -----------------------------------------------------------------------------------------


def test_a_practitioner_cannot_read_another_teams_case(token_for):
    so1 = token_for("SO1")
    response = so1.get("/api/cases/E1")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert AuditEvent.objects.filter(action="denied", object_ref="E1").count() == 1
    # Indistinguishable from a case that does not exist.
    assert so1.get("/api/cases/NOPE").json() == response.json()
    assert so1.get("/api/cases/E1/cover").status_code == 404


def test_a_case_view_is_audited_with_its_lawful_basis(token_for):
    response = token_for("Y2").get("/api/cases/E1")
    assert response.status_code == 200
    body = response.json()
    assert body["access"] == {"basis": "cover for Y1 during absence L1", "can_act": True, "writes_records": False}
    assert body["allocations"] == [{"staff": "Y1", "start": "2026-01-05", "end": None}]
    entry = AuditEvent.objects.filter(action="view", case_ref="E1").last()
    assert entry.basis == "cover for Y1 during absence L1" and entry.actor == "u-Y2 (Y2)"


def test_the_case_list_is_the_caseload(token_for):
    assert ids(token_for("SO1").get("/api/cases")) == ["E3"]
    assert ids(token_for("Y2").get("/api/cases")) == ["E1", "E2"]
    assert ids(token_for("D1").get("/api/cases")) == ["E1", "E2", "E3"]
    assert ids(token_for(None, administrator=True).get("/api/cases")) == []


def test_case_filters(token_for):
    d1 = token_for("D1")
    assert ids(d1.get("/api/cases?risk=high")) == ["E2"]
    assert ids(d1.get("/api/cases?order_type=detention_and_training_order")) == ["E2"]
    assert ids(d1.get("/api/cases?open=false")) == []
    assert error_of(d1.get("/api/cases?risk=extreme"))["code"] == "invalid"


def test_a_cases_cover_names_the_contact_and_who_was_passed_over(token_for):
    body = token_for("Y2").get("/api/cases/E1/cover?at=2026-02-17T10:00").json()
    assert (body["contact"], body["via"], body["open"]) == ("Y2", "leave_sheet", True)
    assert body["passed_over"][0]["staff"] == "Y1"
    before = token_for("Y1").get("/api/cases/E1/cover?at=2026-01-10").json()
    assert (before["contact"], before["via"]) == ("Y1", "case_manager")


# -- pagination ------------------------------------------------------------------------------------


def test_pagination_gives_the_total_and_the_page(token_for):
    client = token_for("SO1")
    everyone = client.get("/api/staff").json()
    assert everyone["count"] == 6 and len(everyone["items"]) == 6
    page = client.get("/api/staff?limit=2&offset=3").json()
    assert (page["count"], page["limit"], page["offset"]) == (6, 2, 3)
    assert [s["id"] for s in page["items"]] == [s["id"] for s in everyone["items"][3:5]]
    assert client.get("/api/staff?offset=99").json()["items"] == []
    for bad in ("limit=0", "limit=501", "offset=-1", "limit=ten"):
        assert client.get(f"/api/staff?{bad}").status_code == 422


def test_staff_filters(token_for):
    client = token_for("SO1")
    assert ids(client.get("/api/staff?role=youth_justice_officer")) == ["Y1", "Y2"]
    assert ids(client.get("/api/staff?employed=false")) == []
    d1 = next(s for s in client.get("/api/staff").json()["items"] if s["id"] == "D1")
    assert d1["line_manager"] == "T1"


# -- absences and leave sheets ---------------------------------------------------------------------


def test_absences_are_mine_and_for_managers_their_lines(token_for):
    assert ids(token_for("Y1").get("/api/absences")) == ["L1"]
    assert ids(token_for("D1").get("/api/absences")) == ["L1"]
    assert ids(token_for("A1").get("/api/absences")) == ["L1"]
    assert ids(token_for("SO1").get("/api/absences")) == []
    assert ids(token_for("D1").get("/api/absences?on=2026-02-18")) == ["L1"]
    assert ids(token_for("D1").get("/api/absences?on=2026-02-10")) == []


def test_booking_leave_goes_through_the_service_and_reports_its_errors(token_for):
    client = token_for("SO1")
    response = client.post("/api/absences", {"kind": "sickness", "first_day": "2031-01-06", "last_day": "2031-01-05"},
                           content_type="application/json")
    assert response.status_code == 422
    error = error_of(response)
    assert "kind" in str(error["details"])
    response = client.post("/api/absences", {"kind": "annual_leave", "first_day": "2031-01-06",
                                             "last_day": "2031-01-05"}, content_type="application/json")
    assert response.status_code == 422 and "last_day" in error_of(response)["details"]
    assert client.get("/api/absences").json()["count"] == 0
    response = client.post("/api/absences", {"kind": "annual_leave", "first_day": "2031-01-06",
                                             "last_day": "2031-01-10"}, content_type="application/json")
    assert response.status_code == 201
    assert AuditEvent.objects.filter(action="create", object_type="absence", object_ref=response.json()["id"]).exists()


def test_a_leave_sheet_is_read_by_its_owner_and_their_managers_only(token_for):
    sheet = token_for("Y1").get("/api/absences/L1/leave-sheet").json()
    assert sheet["cases_to_cover"] == ["E1", "E2"] and sheet["lines"][0]["cover"] == "Y2"
    assert token_for("D1").get("/api/absences/L1/leave-sheet").status_code == 200
    assert token_for("SO1").get("/api/absences/L1/leave-sheet").status_code == 404
    assert token_for("Y2").get("/api/absences/NOPE/leave-sheet").status_code == 404


def test_leave_sheet_reads_and_refusals_through_the_api_are_audited_as_on_the_page(token_for):
    """A manager reading a colleague's sheet (notes on their cases) is audited with its basis, as the
    page does; every refusal is audited; the absent person reading their own sheet is not."""
    token_for("Y1").get("/api/absences/L1/leave-sheet")
    assert not AuditEvent.objects.filter(object_type="leave_sheet", action__in=["view", "denied"]).exists()
    assert token_for("D1").get("/api/absences/L1/leave-sheet").status_code == 200
    read = AuditEvent.objects.filter(object_type="leave_sheet", action="view").get()
    assert (read.object_ref, read.basis, read.actor) == ("L1", "line manager of Y1", "u-D1 (D1)")
    assert token_for("SO1").get("/api/absences/L1/leave-sheet").status_code == 404
    assert token_for("Y2").get("/api/absences/NOPE/leave-sheet").status_code == 404
    d1 = token_for("D1")
    assert d1.put("/api/absences/L1/leave-sheet", {"version": "x", "lines": []},
                  content_type="application/json").status_code == 404  # a manager reads it, never changes it
    refused = AuditEvent.objects.filter(object_type="leave_sheet", action="denied").order_by("id")
    assert [(e.actor, e.object_ref, e.summary) for e in refused] == [
        ("u-SO1 (SO1)", "L1", "Refused: read the leave sheet through the API (view)"),
        ("u-Y2 (Y2)", "NOPE", "Refused: read the leave sheet through the API (view)"),
        ("u-D1 (D1)", "L1", "Refused: change the leave sheet through the API (change)"),
    ]


def test_a_stale_leave_sheet_save_is_refused_with_what_changed(token_for):
    client = token_for("SO1")
    ref = client.post("/api/absences", {"kind": "annual_leave", "first_day": "2031-01-06", "last_day": "2031-01-10"},
                      content_type="application/json").json()["id"]
    seen = client.get(f"/api/absences/{ref}/leave-sheet").json()
    assert seen["exists"] is False and seen["cases_to_cover"] == ["E3"]
    first = {"version": seen["version"], "lines": [{"case": "E3", "cover": "Y2", "young_person_informed": True}]}
    saved = client.put(f"/api/absences/{ref}/leave-sheet", first, content_type="application/json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["lines"][0]["cover"] == "Y2"
    second = {"version": seen["version"], "lines": [{"case": "E3", "cover": "Y1", "young_person_informed": True}]}
    stale = client.put(f"/api/absences/{ref}/leave-sheet", second, content_type="application/json")
    assert stale.status_code == 409
    error = error_of(stale)
    assert error["code"] == "conflict" and "the leave sheet" in error["details"]["changed"]
    assert client.get(f"/api/absences/{ref}/leave-sheet").json()["lines"][0]["cover"] == "Y2"
    # Someone else's leave sheet cannot be written, even by their manager.
    other = token_for("D1").put(f"/api/absences/{ref}/leave-sheet", first, content_type="application/json")
    assert other.status_code == 404


def test_submitting_a_leave_sheet_sends_it_to_the_line_manager(token_for):
    client = token_for("SO1")
    ref = client.post("/api/absences", {"kind": "annual_leave", "first_day": "2031-01-06", "last_day": "2031-01-10"},
                      content_type="application/json").json()["id"]
    version = client.get(f"/api/absences/{ref}/leave-sheet").json()["version"]
    body = {"version": version, "submit": True, "lines": [{"case": "E3", "cover": "Y2"}]}
    refused = client.put(f"/api/absences/{ref}/leave-sheet", body, content_type="application/json")
    assert refused.status_code == 422 and "lines.E3.young_person_informed" in error_of(refused)["details"]
    body["lines"][0]["young_person_informed"] = False
    sent = client.put(f"/api/absences/{ref}/leave-sheet", body, content_type="application/json").json()
    assert sent["submitted_to"] == "D1" and sent["submitted"] is not None


@pytest.mark.parametrize("cover, words", [
    ("D1", "Example D1 cannot cover case E3: cover is given by a youth justice officer, support officer or "
           "specialist"),
    ("SO1", "Select a colleague to cover case E3: you will be away"),
])
def test_leave_sheet_cover_must_be_someone_who_can_cover(token_for, cover, words):
    client = token_for("SO1")
    leave = {"kind": "annual_leave", "first_day": "2031-01-06", "last_day": "2031-01-10"}
    ref = client.post("/api/absences", leave, content_type="application/json").json()["id"]
    version = client.get(f"/api/absences/{ref}/leave-sheet").json()["version"]
    line = {"case": "E3", "cover": cover, "young_person_informed": True}
    body = {"version": version, "submit": True, "lines": [line]}
    refused = client.put(f"/api/absences/{ref}/leave-sheet", body, content_type="application/json")
    assert refused.status_code == 422
    assert error_of(refused)["details"]["lines.E3.cover"] == [words]
    assert client.get(f"/api/absences/{ref}/leave-sheet").json()["exists"] is False


def test_a_draft_leave_sheet_keeps_the_young_person_question_unanswered(token_for):
    client = token_for("SO1")
    leave = {"kind": "annual_leave", "first_day": "2031-01-06", "last_day": "2031-01-10"}
    ref = client.post("/api/absences", leave, content_type="application/json").json()["id"]
    version = client.get(f"/api/absences/{ref}/leave-sheet").json()["version"]
    draft = {"version": version, "lines": [{"case": "E3", "cover": "Y2", "young_person_informed": None}]}
    saved = client.put(f"/api/absences/{ref}/leave-sheet", draft, content_type="application/json")
    assert saved.status_code == 200, saved.content
    sheet = client.get(f"/api/absences/{ref}/leave-sheet").json()
    assert sheet["lines"][0]["young_person_informed"] is None  # not answered, not "false"
    # Sending it as it stands is refused, naming the case; the draft stays a draft.
    body = {"version": sheet["version"], "submit": True, "lines": sheet["lines"]}
    refused = client.put(f"/api/absences/{ref}/leave-sheet", body, content_type="application/json")
    assert refused.status_code == 422
    assert "case E3" in error_of(refused)["details"]["lines.E3.young_person_informed"][0]
    after = client.get(f"/api/absences/{ref}/leave-sheet").json()
    assert after["submitted"] is None and after["lines"][0]["young_person_informed"] is None


# -- cover, supervision, records, oversight events, findings ---------------------------------------


def test_cover_is_for_managers_over_their_line(token_for):
    assert token_for("SO1").get("/api/cover").status_code == 404
    response = token_for("D1").get("/api/cover?at=2026-02-17T10:00")
    assert ids(response) == ["E1", "E2", "E3"]
    by_case = {a["case"]: a for a in response.json()["items"]}
    assert (by_case["E1"]["contact"], by_case["E1"]["via"]) == ("Y2", "leave_sheet")
    assert ids(token_for("D1").get("/api/cover?at=2026-02-17T10:00&via=leave_sheet")) == ["E1"]
    assert token_for("D1").get("/api/cover?at=yesterday").status_code == 400


def test_supervisions_held_or_received_and_the_managers_line(token_for):
    assert ids(token_for("SO1").get("/api/supervisions")) == ["V2"]
    d1 = ids(token_for("D1").get("/api/supervisions"))
    assert {"V1", "V2"} <= set(d1)
    assert ids(token_for("D1").get("/api/supervisions?staff=SO1")) == ["V2"]
    session = token_for("D1").get("/api/supervisions?staff=Y1").json()["items"][0]
    assert session["supervisees"] == ["Y1"] and [d["case"] for d in session["discussions"]] == ["E1", "E2"]


def test_records_with_deadline_and_state(token_for):
    items = token_for("D1").get("/api/records").json()["items"]
    late = next(r for r in items if r["source_id"] == "V2")
    assert (late["case"], late["state"], late["responsible"]) == ("E3", "late", "D1")
    assert late["deadline"].startswith("2026-01-27T23:59:59")
    assert {r["state"] for r in token_for("D1").get("/api/records?state=late").json()["items"]} == {"late"}
    assert token_for("SO1").get("/api/records").json()["count"] == 0  # SO1 makes no records


def test_oversight_events_follow_the_caseload(token_for, service):
    from datetime import datetime

    from oversight.people.models import Case, Staff
    from oversight.supervision.models import OversightEvent

    OversightEvent.objects.create(service=service, ref="OE1", case=Case.objects.get(service=service, ref="E1"),
                                  kind="management_decision", held=datetime(2026, 2, 2, 10, tzinfo=UTC),
                                  by=Staff.objects.get(service=service, ref="D1"))
    assert ids(token_for("D1").get("/api/oversight-events")) == ["OE1"]
    assert ids(token_for("D1").get("/api/oversight-events?recorded=true")) == []
    assert ids(token_for("SO1").get("/api/oversight-events")) == []


def test_findings_service_wide_only_for_seniors_and_performance(token_for):
    everything = token_for("A1").get("/api/findings?as_of=2026-02-18").json()
    performance = token_for(None, performance=True).get("/api/findings?as_of=2026-02-18").json()
    assert everything["count"] == performance["count"] > 0
    mine = token_for("SO1").get("/api/findings?as_of=2026-02-18&limit=500").json()
    assert 0 < mine["count"] < everything["count"]
    assert all(f["subject"] in ("SO1", "E3") for f in mine["items"])
    breaches = token_for("A1").get("/api/findings?as_of=2026-02-18&status=breach&rule=SUP-CHAIN").json()
    assert breaches["count"] > 0 and {(f["rule"], f["status"]) for f in breaches["items"]} == {("SUP-CHAIN", "breach")}
    assert token_for("A1").get("/api/findings?rule=NOT-A-RULE").status_code == 422


def test_the_performance_team_gets_findings_without_their_detail(token_for):
    """Issue "Access control": the performance role reads reports without case narrative, in the API
    as on the pages; a senior manager still reads the detail, and so does a practitioner their own."""
    query = "/api/findings?as_of=2026-02-18&limit=500"
    performance = token_for(None, performance=True).get(query).json()["items"]
    senior = token_for("A1").get(query).json()["items"]
    assert len(performance) == len(senior) > 0
    assert {f["detail"] for f in performance} == {None}
    assert all(f["detail"] for f in senior)
    # Same findings otherwise: only the narrative is withheld.
    assert [{**f, "detail": None} for f in senior] == performance
    assert all(f["detail"] for f in token_for("SO1").get(query).json()["items"])
    assert {f["detail"] for f in token_for(None, administrator=True).get(query).json()["items"]} <= {None}


def test_every_query_is_scoped_to_the_callers_service(token_for, small_document, tmp_path):
    import json

    from django.core.management import call_command

    other = dict(small_document, service={**small_document["service"], "id": "EX2"})
    path = tmp_path / "other.json"
    path.write_text(json.dumps(other))
    call_command("load", str(path))
    d1 = token_for("D1")  # D1 of EX
    assert ids(d1.get("/api/cases")) == ["E1", "E2", "E3"]
    assert d1.get("/api/staff").json()["count"] == 6
    assert ids(d1.get("/api/absences")) == ["L1"]
    assert d1.get("/api/supervisions").json()["count"] == 3


def test_unknown_paths_and_methods_answer_json(token_for):
    client = token_for("SO1")
    assert error_of(client.get("/api/nothing-here"))["code"] == "not_found"
    response = client.delete("/api/staff")
    assert response.status_code == 405 and error_of(response)["code"] == "method_not_allowed"
    assert Client().get("/api/").json()["docs"] == "/api/docs"
