"""The CSV import: every bad line reported with its number, nothing written unless every row is good."""

from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from oversight.audit.models import AuditEvent
from oversight.demo.generate import generate_service
from oversight.exchange.document import parse_document
from oversight.imports.csv_import import ALL_COLUMNS, COLUMNS, csv_import, parse_date
from oversight.imports.report import ImportRefused
from oversight.people.models import Allocation, Case, ReportingLine, Service, Staff
from oversight.store.write import replace_service

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "cms-export.csv"
HEADER = ",".join(ALL_COLUMNS)


def row(record_type: str, **cells) -> str:
    values = {"RecordType": record_type, **cells}
    return ",".join(values.get(column, "") for column in ALL_COLUMNS)


def csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def counts(service) -> tuple[int, int, int, int]:
    return (Staff.objects.filter(service=service).count(), ReportingLine.objects.filter(service=service).count(),
            Case.objects.filter(service=service).count(), Allocation.objects.filter(service=service).count())


GOOD = csv(
    row("staff", StaffID="N1", Name="New Person", Role="Youth Justice Officer", StartDate="01/03/2026"),
    row("reporting_line", StaffID="N1", ManagerID="D1", From="2026-03-01"),
    row("case", CaseID="E9", ChildName="Child E9", DOB="01/02/2011", OrderType="Referral Order", Risk="Low",
        Opened="02/03/2026"),
    row("allocation", CaseID="E9", StaffID="N1", From="02/03/2026"),
)


def test_the_dry_run_reports_what_would_change_and_writes_nothing(service):
    before = counts(service)
    report = csv_import(GOOD, service=service, actor="test", dry_run=True)
    assert report.valid and not report.applied and report.rows_read == 4
    assert {k: v["added"] for k, v in report.tables.items() if v["added"]} == {
        "staff": 1, "reporting_lines": 1, "cases": 1, "allocations": 1}
    assert counts(service) == before
    assert not AuditEvent.objects.filter(action="load", summary__contains="EX").exclude(
        actor="command line: oversight load").exists()


def test_applying_adds_and_updates_and_is_audited(service):
    before = counts(service)
    report = csv_import(GOOD, service=service, actor="test import", dry_run=False)
    assert report.applied and counts(service) == (before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 1)
    assert Staff.objects.get(service=service, ref="N1").role == "youth_justice_officer"
    assert Case.objects.get(service=service, ref="E9").case_manager.ref == "N1"
    assert AuditEvent.objects.filter(action="load", actor="test import").count() == 1
    # The same file again changes nothing; a changed row updates in place.
    assert csv_import(GOOD, service=service, actor="test", dry_run=False).unchanged
    # A file without a DOB column keeps the stored date of birth; a present, empty cell clears it.
    update = b"RecordType,CaseID,ChildName,OrderType,Risk,Opened\ncase,E9,Child E9,referral_order,high,2026-03-02\n"
    report = csv_import(update, service=service, actor="test", dry_run=False)
    assert report.tables["cases"] == {"added": 0, "changed": 1, "removed": 0}
    case = Case.objects.get(service=service, ref="E9")
    assert case.risk == "high" and case.date_of_birth == date(2011, 2, 1)  # DOB left out: kept
    assert counts(service)[3] == before[3] + 1  # nothing removed
    cleared = csv(row("case", CaseID="E9", ChildName="Child E9", OrderType="referral_order", Risk="high",
                      Opened="2026-03-02"))
    csv_import(cleared, service=service, actor="test", dry_run=False)
    assert Case.objects.get(service=service, ref="E9").date_of_birth is None


def test_every_bad_line_is_reported_and_nothing_is_written(service):
    before = counts(service)
    bad = csv(
        row("staff", StaffID="N1", Name="New Person", Role="Officer", StartDate="01/03/2026"),  # line 2
        row("staff", StaffID="N2", Name="Another", Role="support_officer", StartDate="31/02/2026"),  # line 3
        row("case", CaseID="E9", ChildName="Child E9", OrderType="referral_order", Risk="low",
            Opened="02/03/2026", Closed="01/03/2026"),  # line 4
        row("allocation", CaseID="E9", StaffID="NOBODY", From="02/03/2026"),  # line 5
        row("allocation", CaseID="E1", StaffID="Y2", From="2026-02-01"),  # line 6: overlaps Y1's
        row("holiday", StaffID="Y1"),  # line 7
        row("reporting_line", StaffID="Y2", From="2026-03-01"),  # line 8: no manager
        row("staff", StaffID="N3", Name="Specialist", Role="specialist", StartDate="2026-01-01"),  # line 9
    )
    with pytest.raises(ImportRefused) as refused:
        csv_import(bad, service=service, actor="test", dry_run=False)
    problems = [str(p) for p in refused.value.report.problems]
    assert [p.line for p in refused.value.report.problems] == [2, 3, 4, 5, 6, 7, 8, 9]
    assert problems[0].startswith("line 2: Role 'Officer' must be one of: ") and "youth_justice_officer" in problems[0]
    assert "line 3: StartDate '31/02/2026' is not a date written DD/MM/YYYY or YYYY-MM-DD" == problems[1]
    assert "line 4: Closed '01/03/2026'" in problems[2]
    assert "line 5: StaffID" in problems[3] and "NOBODY" in problems[3]
    assert problems[4].startswith("line 6: this allocation overlaps the stored allocation")
    assert "line 7: RecordType 'holiday' is not one of" in problems[5]
    assert "line 8: ManagerID is empty" in problems[6]
    assert "line 9: Discipline" in problems[7]
    assert counts(service) == before


def test_a_file_that_is_not_csv_or_has_unknown_columns_is_refused(service):
    for raw, expected in [
        (b"", "the file is empty"),
        (b"Name,Colour\nx,y\n", "column 2 'Colour' is not known"),
        (b"Name\nx\n", "there is no RecordType column"),
        (HEADER.encode() + b'\nstaff,"unclosed\n', "not readable CSV"),
    ]:
        with pytest.raises(ImportRefused) as refused:
            csv_import(raw, service=service, actor="test", dry_run=True)
        assert any(expected in str(p) for p in refused.value.report.problems), (raw, refused.value.report.problems)


def test_column_names_are_matched_loosely_and_dates_take_two_forms(service):
    loose = ("record type,staff_id,NAME,role,start date\n"
             "Staff,N5,Five,Support Officer,2026-03-01\n").encode("utf-8-sig")
    report = csv_import(loose, service=service, actor="test", dry_run=False)
    assert report.tables["staff"]["added"] == 1
    assert Staff.objects.get(service=service, ref="N5").start == date(2026, 3, 1)
    assert parse_date("01/03/2026") == parse_date("2026-03-01") == date(2026, 3, 1)


def test_every_column_is_documented():
    text = (Path(__file__).resolve().parents[2] / "docs" / "imports.md").read_text()
    for record_type, columns in COLUMNS.items():
        assert f"`{record_type}`" in text
        for column in columns:
            assert f"`{column}`" in text, column


def test_the_command_exits_2_listing_every_bad_line(service, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv(row("staff", StaffID="N1", Name="X", Role="Officer", StartDate="01/03/2026"),
                         row("holiday")))
    with pytest.raises(CommandError) as failed:
        call_command("import_csv", str(path), "--service", "EX")
    assert failed.value.returncode == 2
    assert "line 2: Role 'Officer'" in str(failed.value) and "line 3: RecordType" in str(failed.value)
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD)
    call_command("import_csv", str(good), "--service", "EX", "--dry-run")
    assert "dry run: nothing written" in capsys.readouterr().out
    assert not Staff.objects.filter(service=service, ref="N1").exists()
    call_command("import_csv", str(good), "--service", "EX")
    assert Staff.objects.filter(service=service, ref="N1").exists()


@pytest.mark.slow
def test_the_sample_file_imports_cleanly_into_the_demo_service():
    replace_service(parse_document(generate_service(seed=1, today=date(2026, 11, 23))), actor="test")
    demo = Service.objects.get(ref="DEMO")
    report = csv_import(SAMPLE.read_bytes(), service=demo, actor="test", dry_run=False)
    assert report.valid and report.rows_read == 20
    assert {k: v["added"] for k, v in report.tables.items() if v["added"]} == {
        "staff": 6, "reporting_lines": 6, "cases": 4, "allocations": 4}
    assert Case.objects.get(service=demo, ref="CMS-C003").paired_worker.ref == "CMS-Y2"
