"""The import page (/imports/): administrators check an upload, see every change and problem, then apply."""

import copy
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oversight.audit.models import AuditEvent
from oversight.people.models import Case, Staff
from oversight.supervision.models import OversightEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_var(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def admin(session_for):
    client = session_for(None, administrator=True)
    client.get("/imports/")
    client.csrf = client.cookies["csrftoken"].value
    return client


def upload(client, name: str, content: bytes, kind: str):
    return client.post("/imports/", {"kind": kind, "file": SimpleUploadedFile(name, content)},
                       HTTP_X_CSRFTOKEN=client.csrf)


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def test_only_administrators_reach_the_page(session_for, service):
    assert session_for("D1").get("/imports/").status_code == 404
    assert session_for("A1").get("/imports/").status_code == 404


def test_the_page_shows_the_changes_then_applies_exactly_that_upload(admin, small_document, service):
    page = admin.get("/imports/").content.decode()
    assert "<title>Import data – Oversight</title>" in page and 'enctype="multipart/form-data"' in page
    document = copy.deepcopy(small_document)
    document["cases"][0]["risk"] = "very_high"
    response = upload(admin, "service.json", json.dumps(document).encode(), "exchange")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Check what the import will change" in html and ">Cases</th>" in html
    assert Case.objects.get(service=service, ref="E1").risk == "medium"  # nothing written yet
    token, sha256 = hidden(html, "token"), hidden(html, "sha256")
    applied = admin.post("/imports/apply/", {"token": token, "sha256": sha256}, HTTP_X_CSRFTOKEN=admin.csrf,
                         follow=True)
    assert "Imported service.json: 0 added, 1 changed, 0 removed." in applied.content.decode()
    assert Case.objects.get(service=service, ref="E1").risk == "very_high"
    assert AuditEvent.objects.filter(action="load", actor__contains="(import page)").count() == 1
    assert AuditEvent.objects.filter(action="admin", object_type="import").count() == 1
    # The upload is gone once applied: applying again changes nothing.
    again = admin.post("/imports/apply/", {"token": token, "sha256": sha256}, HTTP_X_CSRFTOKEN=admin.csrf,
                       follow=True)
    assert "expired or was already applied" in again.content.decode()


def test_apply_refuses_a_changed_hash(admin, small_document, service):
    document = copy.deepcopy(small_document)
    document["cases"][0]["risk"] = "very_high"
    html = upload(admin, "service.json", json.dumps(document).encode(), "exchange").content.decode()
    response = admin.post("/imports/apply/", {"token": hidden(html, "token"), "sha256": "0" * 64},
                          HTTP_X_CSRFTOKEN=admin.csrf, follow=True)
    assert "expired or was already applied" in response.content.decode()
    assert Case.objects.get(service=service, ref="E1").risk == "medium"


def test_a_bad_csv_shows_every_problem_by_line_and_offers_no_apply(admin, service):
    raw = (b"RecordType,StaffID,Name,Role,StartDate\n"
           b"staff,N1,New,Officer,01/03/2026\n"
           b"staff,N2,Two,support_officer,30/02/2026\n")
    html = upload(admin, "staff.csv", raw, "csv").content.decode()
    assert "The file has 2 problems" in html and "Apply" not in html
    assert "Role &#x27;Officer&#x27; must be one of" in html and "30/02/2026" in html
    assert not Staff.objects.filter(service=service, ref__in=["N1", "N2"]).exists()


def test_the_preview_lists_a_record_written_in_oversight_that_the_file_would_remove(
        admin, small_document, service, record_written_in_oversight):
    html = upload(admin, "service.json", json.dumps(small_document).encode(), "exchange").content.decode()
    assert "The file has 1 problem" in html and "Apply" not in html
    assert "<code>$.oversight_events</code>: oversight event M0001 (management decision on case E1): its record on " \
        "the child&#x27;s file was written in Oversight on 2026-11-03 and cannot be removed by a load" in html
    assert OversightEvent.objects.filter(service=service, ref="M0001").exists()


def test_the_form_says_what_is_missing(admin):
    response = admin.post("/imports/", {}, HTTP_X_CSRFTOKEN=admin.csrf)
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Import data – Oversight</title>" in html
    assert "Select what you are importing" in html and "Select a file to import" in html
