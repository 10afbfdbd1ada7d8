"""The worked example of ../shared/examples/small-service.md, through the command line, end to end."""

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_EXAMPLES = REPO_ROOT.parent / "shared" / "examples"


@pytest.mark.parametrize("name", ["small-service.json", "small-service.md"])
def test_the_suites_copy_of_the_example_is_the_binding_one(name):
    """The suite reads its own copy (tests/fixtures) so that it runs wherever the checkout is; where the
    binding example sits beside the checkout, the copy must be it, byte for byte."""
    binding = SHARED_EXAMPLES / name
    if not binding.exists():
        pytest.skip("../shared/examples is not beside this checkout")
    assert (REPO_ROOT / "tests" / "fixtures" / name).read_bytes() == binding.read_bytes()


@pytest.fixture
def loaded(small_document, write_document, run_command):
    run_command("load", str(write_document(small_document)))


def test_findings_are_exactly_those_the_example_requires(loaded, run_command):
    """As of 2026-02-18T12:00 the example lists five findings and says which must not appear."""
    findings = json.loads(run_command("findings", "--as-of", "2026-02-18T12:00", "--format", "json"))
    got = {(f["rule"], f["subject"], f["case"], f["period"], f["status"]) for f in findings}
    assert got == {
        ("COV-LEAVE-SHEET", "Y1", "E2", None, "breach"),
        ("REC-DEADLINE", "E3", "E3", None, "breach"),
        ("SUP-CHAIN", "T1", None, "2026-01", "breach"),
        ("SUP-MONTHLY", "Y1", None, "2026-02", "due"),
        ("SUP-MONTHLY", "SO1", None, "2026-02", "due"),
    }


def test_findings_carry_deadlines_with_offsets_and_sentences(loaded, run_command):
    findings = json.loads(run_command("findings", "--as-of", "2026-02-18T12:00", "--format", "json"))
    late = next(f for f in findings if f["rule"] == "REC-DEADLINE")
    # Discussed Tue 2026-01-20: 5 working days after is the end of Tue 2026-01-27.
    assert late["due"] == "2026-01-27T23:59:59.999+00:00"
    assert "late" in late["detail"]
    monthly = next(f for f in findings if f["rule"] == "SUP-MONTHLY")
    assert monthly["due"].startswith("2026-02-27T23:59:59.999")  # February's last working day
    assert [f["due"] for f in findings] == sorted(f["due"] for f in findings)  # soonest first


def test_cover_while_the_case_manager_is_on_leave(loaded, run_command):
    cover = json.loads(run_command("cover", "--at", "2026-02-17T10:00", "--format", "json"))
    assert [(c["case"], c["contact"], c["via"]) for c in cover] == [
        ("E1", "Y2", "leave_sheet"),
        ("E2", "Y2", "paired_worker"),
        ("E3", "SO1", "case_manager"),
    ]
    e2 = cover[1]
    assert {"staff": "Y1", "reason": "case manager Y1 absent 2026-02-16 to 2026-02-20 (return not recorded)"} in e2[
        "passed_over"
    ]


def test_tables_are_for_people(loaded, run_command):
    out = run_command("findings", "--as-of", "2026-02-18T12:00", "--format", "table")
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["DUE", "STATUS", "RULE", "SUBJECT"]
    assert "5 findings for EX" in out
    # Columns are aligned: the RULE column starts at the same place on every row.
    start = lines[0].index("RULE")
    assert all(line[start:].split()[0].startswith(("RULE", "---", "REC", "SUP", "COV")) for line in lines[:7])
    cover = run_command("cover", "--at", "2026-02-17T10:00")
    assert "E2" in cover and "paired_worker" in cover
