"""POST /api/imports/exchange and /api/imports/csv: administrators only, dry run first, all or nothing."""

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oversight.people.models import Case, Staff
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(token_for):
    return token_for(None, administrator=True)


def riskier(document: dict) -> dict:
    document = copy.deepcopy(document)
    document["cases"][0]["risk"] = "very_high"
    return document


def test_only_administrators_may_import(token_for, small_document):
    for person in ("SO1", "D1", "A1"):
        response = token_for(person).post("/api/imports/exchange", small_document, content_type="application/json")
        assert response.status_code == 404


def test_a_dry_run_says_what_would_change_and_writes_nothing(admin, small_document, service):
    response = admin.post("/api/imports/exchange?dry_run=true", riskier(small_document),
                          content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["valid"], body["applied"]) == (True, False)
    assert body["tables"]["cases"] == {"added": 0, "changed": 1, "removed": 0}
    assert Case.objects.get(service=service, ref="E1").risk == "medium"


def test_a_dry_run_lists_every_problem_with_its_json_path(admin, small_document):
    bad = riskier(small_document)
    bad["staff"][1]["role"] = "boss"
    bad["cases"][2]["risk"] = "dreadful"
    body = admin.post("/api/imports/exchange?dry_run=true", bad, content_type="application/json").json()
    assert body["valid"] is False
    assert [p["path"] for p in body["problems"]] == ["$.staff[1].role", "$.cases[2].risk"]


def test_applying_a_bad_document_is_400_with_every_problem_and_writes_nothing(admin, small_document, service):
    bad = riskier(small_document)
    bad["staff"][1]["role"] = "boss"
    response = admin.post("/api/imports/exchange", bad, content_type="application/json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["details"]["problems"][0]["path"] == "$.staff[1].role"
    assert Case.objects.get(service=service, ref="E1").risk == "medium"


def test_a_document_that_would_remove_a_record_written_in_oversight_is_400(admin, small_document,
                                                                         record_written_in_oversight):
    response = admin.post("/api/imports/exchange", riskier(small_document), content_type="application/json")
    assert response.status_code == 400
    [problem] = error_of(response)["details"]["problems"]
    assert problem["path"] == "$.oversight_events"
    assert problem["message"].startswith(
        "oversight event M0001 (management decision on case E1): its record on the child's file was written "
        "in Oversight on 2026-11-03 and cannot be removed by a load")
    assert Case.objects.get(ref="E1").risk == "medium"
    record_written_in_oversight.refresh_from_db()
    assert record_written_in_oversight.notes == "Decision: increase contact."
    dry = admin.post("/api/imports/exchange?dry_run=true", riskier(small_document), content_type="application/json")
    assert dry.json()["valid"] is False and dry.json()["problems"] == [problem]


def test_applying_a_good_document_uploaded_as_a_file(admin, small_document, service):
    upload = SimpleUploadedFile("service.json", json.dumps(riskier(small_document)).encode(), "application/json")
    response = admin.post("/api/imports/exchange", {"file": upload})
    assert response.status_code == 200, response.content
    assert response.json()["applied"] is True
    assert Case.objects.get(service=service, ref="E1").risk == "very_high"


def test_a_service_document_over_djangos_body_limit_is_accepted_up_to_100_mb(admin, small_document, service):
    # 3 MB, over the 2.5 MB Django takes in a request body elsewhere: the padding is JSON whitespace,
    # the document the worked example with one case's risk changed.
    body = json.dumps(riskier(small_document), indent=1) + " " * (3 * 1024 * 1024)
    response = admin.post("/api/imports/exchange?dry_run=true", body, content_type="application/json")
    assert response.status_code == 200, response.content[:300]
    report = response.json()
    assert (report["valid"], report["applied"]) == (True, False)
    assert report["tables"]["cases"] == {"added": 0, "changed": 1, "removed": 0}
    assert Case.objects.get(service=service, ref="E1").risk == "medium"
    # Over the route's own limit: refused before the body is read.
    over = admin.post("/api/imports/exchange?dry_run=true", "{}", content_type="application/json",
                      CONTENT_LENGTH=str(100 * 1024 * 1024 + 1))
    assert over.status_code == 400
    assert error_of(over)["message"] == "The document is larger than 100 MB."


def test_a_nul_in_a_document_is_a_problem_at_its_path(admin, small_document):
    bad = riskier(small_document)
    bad["cases"][0]["name"] = "Child\u0000E1"
    body = admin.post("/api/imports/exchange?dry_run=true", bad, content_type="application/json").json()
    assert body["valid"] is False
    assert body["problems"][0]["path"] == "$.cases[0].name" and "NUL" in body["problems"][0]["message"]


def test_not_json_is_a_bad_request(admin):
    for body, content_type in [("{nope", "application/json"), ("[1, 2]", "application/json"),
                               ("a,b", "text/csv")]:
        response = admin.post("/api/imports/exchange?dry_run=true", body, content_type=content_type)
        assert response.status_code == 400, (body, response.content)
        error_of(response)


def test_a_bad_csv_is_400_listing_every_bad_line(admin, service):
    raw = (b"RecordType,StaffID,Name,Role,StartDate\n"
           b"staff,N1,New,Officer,01/03/2026\n"
           b"staff,N2,Two,support_officer,30/02/2026\n")
    response = admin.post("/api/imports/csv", {"file": SimpleUploadedFile("x.csv", raw, "text/csv")})
    assert response.status_code == 400
    problems = error_of(response)["details"]["problems"]
    assert [(p["line"], p["column"]) for p in problems] == [(2, "Role"), (3, "StartDate")]
    assert not Staff.objects.filter(service=service, ref__in=["N1", "N2"]).exists()
    good = b"RecordType,StaffID,Name,Role,StartDate\nstaff,N1,New,Support Officer,01/03/2026\n"
    dry = admin.post("/api/imports/csv?dry_run=true", {"file": SimpleUploadedFile("x.csv", good, "text/csv")})
    assert dry.json()["tables"]["staff"]["added"] == 1 and not Staff.objects.filter(ref="N1").exists()
    done = admin.post("/api/imports/csv", {"file": SimpleUploadedFile("x.csv", good, "text/csv")})
    assert done.json()["applied"] is True and Staff.objects.filter(service=service, ref="N1").exists()


def test_the_imports_page_is_in_the_navigation_of_administrators_only(session_for):
    admin = session_for(None, administrator=True).get("/").content.decode()
    assert 'href="/imports/"' in admin
    assert 'href="/imports/"' not in session_for("D1").get("/").content.decode()
