"""The CSV import: every bad line reported with its number, nothing written unless every row is good."""

import csv as std_csv
import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.audit.models import AuditEvent
from oversight.demo.generate import generate_service
from oversight.exchange.document import parse_document
from oversight.imports.csv_import import ALL_COLUMNS, COLUMNS, MAX_BYTES, choice, csv_import, parse_date
from oversight.imports.report import ImportRefused
from oversight.people.models import Allocation, Case, ReportingLine, Service, Staff
from oversight.policy.facts import ORDER_TYPES, RISKS, ROLES
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


# -- fuzzing: hostile and broken files (issue 7: "malformed, truncated, wrong types, unknown references,
# duplicate ids, huge files — always exit 2 with the problems listed, never a traceback, nothing written")
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
GOOD_ROWS = [
    {"RecordType": "staff", "StaffID": "N1", "Name": "New Person", "Role": "youth_justice_officer",
     "StartDate": "01/03/2026"},
    {"RecordType": "reporting_line", "StaffID": "N1", "ManagerID": "D1", "From": "2026-03-01"},
    {"RecordType": "case", "CaseID": "E9", "ChildName": "Child E9", "DOB": "01/02/2011",
     "OrderType": "referral_order", "Risk": "low", "Opened": "02/03/2026", "PairedWorkerID": "Y2"},
    {"RecordType": "allocation", "CaseID": "E9", "StaffID": "N1", "From": "02/03/2026"},
]
DATE_CELLS = [(0, "StartDate"), (1, "From"), (2, "DOB"), (2, "Opened"), (3, "From")]
CHOICE_CELLS = {(0, "Role"): "role", (2, "OrderType"): "order_type", (2, "Risk"): "risk"}
REFERENCES = [(1, "ManagerID"), (2, "PairedWorkerID"), (3, "StaffID"), (3, "CaseID")]
REQUIRED_CELLS = [(0, "StaffID"), (0, "Name"), (0, "Role"), (1, "ManagerID"), (2, "ChildName"), (2, "Risk"),
                  (3, "From")]
LONGEST = {"StaffID": 64, "CaseID": 64, "Name": 200, "ChildName": 200}
PLAUSIBLE = ["staff", "case", "allocation", "Y1", "E1", "2026-03-01", '"']  # so that some rows get further
cell_text = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=12)


def not_a_date(text: str) -> bool:
    try:
        parse_date(text)
    except ValueError:
        return bool(text.strip())
    return False


@st.composite
def broken_files(draw):
    """The good rows, broken in one to three ways; each way on its own makes the file bad."""
    rows = [dict(r) for r in GOOD_ROWS]
    extra_cells: dict[int, list[str]] = {}
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["wrong date", "wrong choice", "unknown reference", "repeated row",
                                    "huge field", "missing cell", "extra cells", "unknown record type",
                                    "NUL character", "unclosed quote"]))
        if how == "wrong date":
            at, column = draw(st.sampled_from(DATE_CELLS))
            rows[at][column] = draw(st.sampled_from(["31/02/2026", "2026-13-01", "1/1/26", "soon"])
                                    | cell_text.filter(not_a_date))
        elif how == "wrong choice":
            (at, column), name = draw(st.sampled_from(sorted(CHOICE_CELLS.items())))
            options = {"role": ROLES, "order_type": ORDER_TYPES, "risk": RISKS}[name]
            wrong = cell_text.filter(lambda t, o=options: t.strip() and choice(t, o) not in o)
            rows[at][column] = draw(wrong)
        elif how == "unknown reference":
            at, column = draw(st.sampled_from(REFERENCES))
            rows[at][column] = "NOBODY-" + draw(st.from_regex(r"[A-Z0-9]{1,6}", fullmatch=True))
        elif how == "repeated row":
            rows.append(dict(rows[draw(st.sampled_from([0, 2, 3]))]))  # same id or same key
        elif how == "huge field":
            column = draw(st.sampled_from(sorted(LONGEST)))
            at = {"StaffID": 0, "Name": 0, "CaseID": 2, "ChildName": 2}[column]
            rows[at][column] = "x" * draw(st.integers(LONGEST[column] + 1, 200_000))
        elif how == "missing cell":
            at, column = draw(st.sampled_from(REQUIRED_CELLS))
            rows[at][column] = ""
        elif how == "extra cells":
            extra_cells[draw(st.integers(0, len(rows) - 1))] = ["surplus"] * draw(st.integers(1, 3))
        elif how == "unknown record type":
            rows[draw(st.integers(0, len(rows) - 1))]["RecordType"] = draw(
                cell_text.filter(lambda t: choice(t, tuple(COLUMNS)) not in COLUMNS))
        elif how == "NUL character":
            at, column = draw(st.sampled_from([(0, "Name"), (2, "ChildName")]))
            rows[at][column] += "\x00"
        else:  # an opening quote never closed: the rest of the file is one cell
            rows[draw(st.integers(0, len(rows) - 1))]["RecordType"] = '"staff'
    lines = [HEADER]
    for index, cells in enumerate(rows):
        values = [cells.get(column, "") for column in ALL_COLUMNS] + extra_cells.get(index, [])
        out = io.StringIO()
        std_csv.writer(out, lineterminator="").writerow(values)
        line = out.getvalue()
        lines.append(line.replace('"""staff"', '"staff', 1))  # keep the unclosed quote unescaped
    return ("\n".join(lines) + "\n").encode()


def stored(service) -> dict:
    """Everything an import could change, with the audit trail and the history of each record."""
    ours = {"service": service}
    tables = {
        "staff": Staff.objects.filter(**ours).values_list("ref", "name", "role", "start", "end"),
        "lines": ReportingLine.objects.filter(**ours).values_list("staff__ref", "manager__ref", "start"),
        "cases": Case.objects.filter(**ours).values_list("ref", "name", "risk", "paired_worker__ref"),
        "allocations": Allocation.objects.filter(**ours).values_list("case__ref", "staff__ref", "start"),
        "audit": AuditEvent.objects.values_list("id", "action"),
        "staff history": Staff.history.values_list("history_id"),
        "case history": Case.history.values_list("history_id"),
    }
    return {name: sorted(map(repr, rows)) for name, rows in tables.items()}


def test_the_good_rows_the_fuzzing_breaks_are_good(service):
    good = csv(*(row(r["RecordType"], **r) for r in GOOD_ROWS))
    assert csv_import(good, service=service, actor="test", dry_run=True).valid


@FUZZ
@given(raw=broken_files())
def test_a_broken_file_is_refused_whole_with_its_problems_listed(service, raw):
    before = stored(service)
    with pytest.raises(ImportRefused) as refused:
        csv_import(raw, service=service, actor="test", dry_run=False)
    problems = refused.value.report.problems
    assert problems and all(p.line is not None or p.path for p in problems), problems
    assert stored(service) == before


@FUZZ
@given(raw=st.binary(max_size=400) | st.builds(
    lambda rows: (HEADER + "\n" + "\n".join(",".join(r) for r in rows)).encode("utf-8", "surrogatepass"),
    st.lists(st.lists(cell_text | st.sampled_from(PLAUSIBLE), max_size=len(ALL_COLUMNS) + 2), max_size=6)))
def test_the_command_never_fails_with_a_traceback_on_any_bytes(service, tmp_path, raw):
    """Any file at all: either refused with exit status 2 and its problems listed, and nothing written,
    or accepted (rows that happen to be good)."""
    path = tmp_path / "any.csv"
    path.write_bytes(raw)
    before = stored(service)
    try:
        call_command("import_csv", str(path), "--service", "EX", stdout=io.StringIO())
    except CommandError as failed:
        assert failed.returncode == 2 and "line" in str(failed), str(failed)
        assert stored(service) == before


def test_a_huge_file_is_refused_before_it_is_read(service):
    before = stored(service)
    huge = HEADER.encode() + b"\n" + b"staff,N1,Name\n" * (MAX_BYTES // 14 + 1)
    with pytest.raises(ImportRefused) as refused:
        csv_import(huge, service=service, actor="test", dry_run=False)
    assert [str(p) for p in refused.value.report.problems] == ["the file is larger than 20 MB"]
    assert stored(service) == before
