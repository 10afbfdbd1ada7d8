"""Data protection: the subject access export (complete, audited as a disclosure with its recipient),
and retention (listed, anonymised only with --apply, legal holds respected, audit trail untouched)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from oversight.audit.models import AuditEvent
from oversight.audit.services import verify_chain
from oversight.cover.models import LeaveSheetLine
from oversight.dataprotection.models import Anonymisation, RetentionRule
from oversight.dataprotection.services import legal_hold_place
from oversight.messages.models import ContactPreference
from oversight.people.models import Case
from oversight.supervision.models import Discussion

from tests.reports.fixtures import needs_poppler, pdf_text, pdf_to_png, words

pytestmark = pytest.mark.django_db


def test_subject_access_json_is_complete_and_audited_as_a_disclosure(service, tmp_path, capsys):
    out = tmp_path / "e1.json"
    call_command("subject_access", "E1", "--recipient", "Mx Parent of E1", "--format", "json", "--out", str(out))
    document = json.loads(out.read_text())
    record = document["record"]
    assert document["format"] == "oversight-subject-access/1" and document["recipient"] == "Mx Parent of E1"
    assert record["case"]["name"] == "Child E1" and record["case"]["date_of_birth"] == "2010-06-01"
    assert [a["case_manager"]["id"] for a in record["allocations"]] == ["Y1"]
    assert record["leave_cover"][0]["notes"] == "Reparation session Wed 18th"
    assert record["leave_cover"][0]["cover"] == {"id": "Y2", "name": "Example Y2"}
    assert [d["session"] for d in record["discussions"]] == ["V1"]
    assert [c["day"] for c in record["contacts"]] == ["2026-02-13"]
    entry = AuditEvent.objects.get(action="disclosure", case_ref="E1")
    assert entry.details["recipient"] == "Mx Parent of E1" and entry.details["format"] == "json"
    assert entry.basis.startswith("subject access request") and "Mx Parent of E1" in entry.summary
    # A second export lists the first among the record's disclosures.
    call_command("subject_access", "E1", "--recipient", "Solicitor", "--out", str(tmp_path / "again.json"))
    again = json.loads((tmp_path / "again.json").read_text())["record"]["earlier_disclosures"]
    assert [d["recipient"] for d in again] == ["Mx Parent of E1"]


def test_subject_access_refuses_bad_input(service, tmp_path):
    with pytest.raises(CommandError, match="no case 'NOPE'"):
        call_command("subject_access", "NOPE", "--recipient", "x", "--out", str(tmp_path / "x.json"))
    with pytest.raises(CommandError, match="Enter who the export is for"):
        call_command("subject_access", "E1", "--recipient", "  ", "--out", str(tmp_path / "x.json"))
    assert not AuditEvent.objects.filter(action="disclosure").exists()


@needs_poppler
def test_subject_access_pdf(service, tmp_path):
    out = tmp_path / "e1.pdf"
    call_command("subject_access", "E1", "--recipient", "Mx Parent of E1", "--format", "pdf", "--out", str(out))
    text = pdf_text(out.read_bytes(), tmp_path)
    assert "Subject access: everything held about Child E1" in text and "for Mx Parent of E1" in text
    assert "Reparation session Wed 18th" in text
    assert pdf_to_png(out.read_bytes(), tmp_path / "png", "sar")


def test_the_subject_access_page_is_for_senior_managers(service, clock, sign_in, performance_client):
    clock("2026-02-18 12:00")
    a1 = sign_in("A1")
    page = a1.get("/cases/E1/subject-access/")
    assert page.status_code == 200 and "Subject access export: case E1 – Oversight" in words(page)
    refused = a1.post("/cases/E1/subject-access/", {"recipient": "", "fmt": "pdf"})
    assert refused.status_code == 200 and "Enter who the export is for" in words(refused)
    assert not AuditEvent.objects.filter(action="disclosure").exists()
    download = a1.post("/cases/E1/subject-access/", {"recipient": "The young person", "fmt": "json"})
    assert download.status_code == 200 and download["Content-Type"] == "application/json"
    assert json.loads(download.content)["record"]["case"]["id"] == "E1"
    entry = AuditEvent.objects.get(action="disclosure")
    assert (entry.actor, entry.details["recipient"]) == ("user-a1 (A1)", "The young person")
    # The performance team (no case narrative), a case manager (not a reports reader): 404.
    assert performance_client.get("/cases/E1/subject-access/").status_code == 404
    assert sign_in("Y1").get("/cases/E1/subject-access/").status_code == 404


@pytest.fixture
def closed(service):
    """E3 (out-of-court disposal, 3 years) and E1 (referral order, 3 years) closed long ago;
    E2 (detention and training order, 5 years) closed at the same time as E3."""
    Case.objects.filter(service=service, ref__in=["E2", "E3"]).update(opened="2020-01-06", closed="2022-01-31")
    Case.objects.filter(service=service, ref="E1").update(opened="2020-01-06", closed="2022-06-30")
    ContactPreference.objects.create(service=service, case=Case.objects.get(ref="E1"), channel="email",
                                     address="family@example.org")


def test_retention_lists_then_anonymises_only_with_apply(service, closed, capsys):
    hold = legal_hold_place(case=Case.objects.get(ref="E1"), reason="Civil claim", start=date(2025, 1, 1), until=None,
                            actor="test")
    call_command("retention", "--as-of", "2026-02-18")
    listed = capsys.readouterr().out
    assert "E3    out_of_court_disposal  2022-01-31  3      2025-02-01  due" in listed
    assert "E1    referral_order         2022-06-30  3      2025-07-01  on legal hold: kept" in listed
    assert "E2" not in listed  # five years for a detention and training order
    assert "1 records past retention to anonymise, 1 on legal hold" in listed
    assert Case.objects.get(ref="E3").name == "Child E3" and not Anonymisation.objects.exists()

    audit_before = list(AuditEvent.objects.values_list("id", "hash"))
    call_command("retention", "--as-of", "2026-02-18", "--apply")
    assert "Anonymised 1 records; 1 on legal hold were kept." in capsys.readouterr().out
    e3 = Case.objects.get(ref="E3")
    assert (e3.name, e3.date_of_birth, e3.order_type, str(e3.closed)) == ("[anonymised]", None,
                                                                          "out_of_court_disposal", "2022-01-31")
    assert not Case.history.filter(name="Child E3").exists()  # earlier versions too
    assert Discussion.objects.filter(case=e3).count() == 1  # identifiers and dates stay
    assert Case.objects.get(ref="E1").name == "Child E1"  # on hold
    assert ContactPreference.objects.get().address == "family@example.org"
    # The audit trail is only added to: every earlier entry is as it was, and the chain holds.
    assert list(AuditEvent.objects.filter(id__lte=audit_before[-1][0]).values_list("id", "hash")) == audit_before
    entry = AuditEvent.objects.get(action="change", object_type="case", case_ref="E3")
    assert entry.summary == "Case E3 anonymised after its retention period" and "Child E3" not in json.dumps(
        [entry.before, entry.after, entry.details])
    assert verify_chain().intact

    # Once the hold ends, E1 is due: its leave sheet notes and contact details go too.
    from oversight.dataprotection.services import legal_hold_release

    legal_hold_release(hold=hold, last_day=date(2026, 2, 1), actor="test")
    call_command("retention", "--as-of", "2026-02-18", "--apply")
    e1 = Case.objects.get(ref="E1")
    assert e1.name == "[anonymised]"
    assert LeaveSheetLine.objects.get(case=e1).notes is None
    assert not LeaveSheetLine.history.filter(notes="Reparation session Wed 18th").exists()
    assert ContactPreference.objects.get().address == ""
    call_command("retention", "--as-of", "2026-02-18")
    assert "0 records past retention" in capsys.readouterr().out.splitlines()[-1]


def test_records_are_never_anonymised_as_of_a_day_to_come(service, closed, capsys):
    # Listing as of a later day shows what will fall due; applying it would dispose of records early.
    far = (date.today() + timedelta(days=3660)).isoformat()
    call_command("retention", "--as-of", far)
    listed = capsys.readouterr().out.splitlines()
    assert any(line.startswith("E2 ") and line.endswith(" due") for line in listed)  # due by then, listed
    with pytest.raises(CommandError, match="is after today") as refused:
        call_command("retention", "--as-of", far, "--apply")
    assert refused.value.returncode == 2
    assert not Anonymisation.objects.exists() and Case.objects.get(ref="E2").name == "Child E2"


def test_a_service_sets_its_own_retention_period(service, closed, capsys):
    RetentionRule.objects.create(service=service, order_type="out_of_court_disposal", years=6)
    call_command("retention", "--as-of", "2026-02-18")
    out = capsys.readouterr().out
    assert "E3" not in out and "E1    referral_order" in out
