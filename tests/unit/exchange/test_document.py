"""Reading, writing and loading whole `oversight-exchange/1` documents."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from oversight.exchange import (
    FORMAT,
    InvalidDocument,
    Problem,
    document_summary,
    load_json_file,
    parse_document,
    to_document,
)
from oversight.policy import facts as f
from oversight.policy.settings import PolicySettings
from tests.unit.exchange.documents import SMALL_SERVICE, full_document, small_service

KEY_ORDER = {  # EXCHANGE.md, key by key
    None: ["format", "service", "staff", "reporting_lines", "cases", "allocations", "buddies", "absences",
           "leave_sheets", "cover_confirmations", "reallocations", "duty_rota", "supervisions",
           "gap_records", "frequency_overrides", "oversight_events", "contacts", "milestones"],
    "service": ["id", "name", "timezone", "holidays", "settings"],
    "staff": ["id", "name", "role", "discipline", "employment", "email", "start", "end"],
    "reporting_lines": ["staff", "manager", "from", "to"],
    "cases": ["id", "name", "date_of_birth", "order_type", "risk", "opened", "closed", "paired_worker"],
    "allocations": ["case", "staff", "from", "to"],
    "buddies": ["staff", "buddy", "rank", "from", "to", "approved_by"],
    "absences": ["id", "staff", "kind", "planned", "first_day", "expected_last_day", "actual_last_day"],
    "leave_sheets": ["absence", "submitted", "submitted_to", "cases"],
    "leave_sheet_cases": ["case", "cover", "young_person_informed", "notes"],
    "cover_confirmations": ["absence", "confirmed", "by"],
    "reallocations": ["case", "staff", "from", "to", "by"],
    "duty_rota": ["date", "staff"],
    "supervisions": ["id", "kind", "supervisor", "supervisees", "held", "minutes", "discussions"],
    "discussions": ["case", "depth", "significant", "recorded", "recorded_by", "actions"],
    "actions": ["id", "text", "owner", "due", "done", "reason_not_done"],
    "gap_records": ["staff", "month", "recorded", "by"],
    "frequency_overrides": ["staff", "every_days", "from", "to"],
    "oversight_events": ["id", "case", "kind", "held", "by", "significant", "recorded", "recorded_by"],
    "contacts": ["case", "date", "kind"],
    "milestones": ["case", "kind", "due", "completed"],
}


# -- the shared example --------------------------------------------------------------------
def test_the_small_service_example_parses():
    facts = parse_document(load_json_file(SMALL_SERVICE))

    assert facts.service == f.Service("EX", "Example Youth Justice Service")
    assert document_summary(facts) == {
        "staff": 6, "reporting_lines": 5, "cases": 3, "allocations": 3, "buddies": 3, "absences": 1,
        "leave_sheets": 1, "cover_confirmations": 0, "reallocations": 0, "duty_rota": 1,
        "supervisions": 3, "gap_records": 0, "frequency_overrides": 0, "oversight_events": 0,
        "contacts": 3, "milestones": 0,
    }
    assert facts.staff_by_id["SO1"] == f.Staff(
        "SO1", "Example SO1", "support_officer", date(2024, 1, 8), email="so1@example.org"
    )
    assert facts.leave_sheet_by_absence["L1"] == f.LeaveSheet(
        "L1",
        datetime(2026, 2, 12, 15, 30, tzinfo=UTC),
        "D1",
        (f.LeaveSheetLine("E1", "Y2", True, "Reparation session Wed 18th"),),
    )
    assert facts.case_by_id["E2"].paired_worker == "Y2"
    assert f.DutyShift(date(2026, 2, 17), "SO1") in facts.duty_rota
    v1 = next(s for s in facts.supervisions if s.id == "V1")
    assert v1.supervisees == ("Y1",) and [d.case for d in v1.discussions] == ["E1", "E2"]
    assert facts.settings == PolicySettings()


@pytest.mark.parametrize("make", [small_service, full_document], ids=["small-service", "full"])
def test_round_trip_is_a_fixed_point(make):
    document = make()
    facts = parse_document(document)

    exported = to_document(facts)

    assert parse_document(exported) == facts
    assert to_document(parse_document(exported)) == exported
    # And it survives being written as JSON text.
    assert parse_document(json.loads(json.dumps(exported))) == facts


def test_a_draft_leave_sheet_keeps_an_unanswered_question_unanswered():
    # COV-INFORMED: true, false and "not answered yet" (null, on a draft) each come back as they went in.
    document = full_document()
    sheet = document["leave_sheets"][0]
    sheet["submitted"] = sheet["submitted_to"] = None
    sheet["cases"][1]["young_person_informed"] = None
    facts = parse_document(document)

    assert [ln.young_person_informed for ln in facts.leave_sheets[0].lines] == [True, None]
    exported = to_document(facts)
    assert [ln["young_person_informed"] for ln in exported["leave_sheets"][0]["cases"]] == [True, None]
    assert parse_document(exported) == facts


def test_the_full_document_fills_every_list():
    facts = parse_document(full_document())

    assert all(count > 0 for count in document_summary(facts).values())
    assert facts.settings == PolicySettings.from_mapping(
        {
            "record_working_days": 4,
            "paired_worker_orders": ["detention_and_training_order", "youth_rehabilitation_order"],
            "contact_interval_days": {"low": 21},
            "stat_wednesday_anchor": "2025-01-15",
            "compliance_start": "2025-10",
            "closure_days": ["2025-12-24"],
        }
    )
    session = next(s for s in facts.supervisions if s.id == "SV1")
    assert session.discussions[0].actions[1] == f.Action("AC2", "Book review", None, None, date(2025, 12, 20))


# -- moments -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "written, meant",
    [
        ("2025-12-18T16:00", datetime(2025, 12, 18, 16, 0, tzinfo=UTC)),  # GMT: local = UTC
        ("2025-07-01T10:00", datetime(2025, 7, 1, 9, 0, tzinfo=UTC)),  # BST: local = UTC+1
        ("2025-07-01T10:00:30.25", datetime(2025, 7, 1, 9, 0, 30, 250000, tzinfo=UTC)),
        ("2025-07-01T10:00Z", datetime(2025, 7, 1, 10, 0, tzinfo=UTC)),
        ("2025-07-01T10:00+02:00", datetime(2025, 7, 1, 8, 0, tzinfo=UTC)),
        ("2025-07-01T10:00-05", datetime(2025, 7, 1, 15, 0, tzinfo=UTC)),
        # The hour repeated when the clocks go back: the first of the two.
        ("2025-10-26T01:30", datetime(2025, 10, 26, 0, 30, tzinfo=UTC)),
    ],
)
def test_moments_without_an_offset_are_local_time_of_the_service(written, meant):
    document = full_document()
    document["cover_confirmations"][0]["confirmed"] = written

    (confirmation,) = parse_document(document).cover_confirmations

    assert confirmation.confirmed == meant
    assert confirmation.confirmed.utcoffset() is not None


def test_the_two_moments_of_the_hour_repeated_in_autumn_stay_apart():
    document = full_document()
    document["cover_confirmations"].append(dict(document["cover_confirmations"][0]))
    document["cover_confirmations"][0]["confirmed"] = "2025-10-26T01:30+01:00"
    document["cover_confirmations"][1]["confirmed"] = "2025-10-26T01:30+00:00"

    facts = parse_document(document)

    first, second = (c.confirmed for c in facts.cover_confirmations)
    assert second - first == timedelta(hours=1)
    assert [c["confirmed"] for c in to_document(facts)["cover_confirmations"]] == [
        "2025-10-26T01:30:00+01:00",
        "2025-10-26T01:30:00+00:00",
    ]


def test_moments_follow_the_services_time_zone():
    document = full_document()
    document["service"]["timezone"] = "America/New_York"
    document["cover_confirmations"][0]["confirmed"] = "2026-01-06T11:00"

    facts = parse_document(document)

    assert facts.cover_confirmations[0].confirmed == datetime(2026, 1, 6, 16, 0, tzinfo=UTC)
    assert to_document(facts)["cover_confirmations"][0]["confirmed"] == "2026-01-06T11:00:00-05:00"


# -- export --------------------------------------------------------------------------------
def _key_orders(document: dict) -> dict:
    first = {name: document[name][0] for name in KEY_ORDER if isinstance(document.get(name), list)}
    sheet = document["leave_sheets"][0]
    discussion = document["supervisions"][0]["discussions"][0]
    return {
        None: list(document),
        "service": list(document["service"]),
        **{name: list(record) for name, record in first.items()},
        "leave_sheet_cases": list(sheet["cases"][0]),
        "discussions": list(discussion),
        "actions": list(discussion["actions"][0]),
    }


def test_export_writes_every_key_in_exchange_order():
    exported = to_document(parse_document(full_document()))

    assert _key_orders(exported) == KEY_ORDER
    assert exported["format"] == FORMAT


def test_export_writes_optional_keys_as_null_and_moments_with_the_local_offset():
    exported = to_document(parse_document(full_document()))

    assert exported["staff"][1] == {
        "id": "S2", "name": "Ben Ode", "role": "youth_justice_officer", "discipline": None,
        "employment": "agency", "email": None, "start": "2024-02-01", "end": None,
    }
    assert exported["leave_sheets"][0]["submitted"] == "2025-12-18T16:00:00+00:00"
    audit = next(e for e in exported["oversight_events"] if e["id"] == "M2")
    assert audit["held"] == "2025-07-01T10:00:00+01:00"
    assert audit["recorded"] == "2025-07-02T09:15:30+01:00"
    group = next(s for s in exported["supervisions"] if s["id"] == "SV2")
    assert group["held"] == "2025-12-11T14:00:00+00:00"
    assert group["minutes"] is None


def test_export_writes_only_the_settings_that_differ_from_the_defaults():
    document = full_document()
    document["service"]["settings"] = {"record_working_days": 5, "urgent_record_hours": 12}

    exported = to_document(parse_document(document))

    assert exported["service"]["settings"] == {"urgent_record_hours": 12}


def test_export_sorts_lists_in_natural_order_whatever_order_they_were_written_in():
    document = full_document()
    shuffled = full_document()
    for value in shuffled.values():
        if isinstance(value, list):
            value.reverse()
    shuffled["supervisions"][2]["discussions"].reverse()
    shuffled["leave_sheets"][0]["cases"].reverse()

    exported = to_document(parse_document(shuffled))

    assert parse_document(shuffled) == parse_document(document)
    assert exported == to_document(parse_document(document))
    assert [s["id"] for s in exported["staff"]] == ["S1", "S2", "S3", "S4", "S5", "S10", "S11"]
    assert [(a["case"], a["from"]) for a in exported["allocations"]] == [
        ("C1", "2025-10-01"), ("C2", "2025-10-01"), ("C3", "2025-06-01"), ("C3", "2025-09-01"),
    ]
    assert next(s for s in exported["supervisions"] if s["id"] == "SV2")["supervisees"] == ["S1", "S2", "S3"]


def test_optional_keys_and_lists_may_be_left_out():
    document = {
        "format": FORMAT,
        "service": {"id": "X", "name": "Tiny"},
        "staff": [{"id": "S1", "name": "A", "role": "youth_justice_officer", "start": "2025-01-01"}],
        "cases": [{"id": "C1", "name": "B", "order_type": "other", "risk": "low", "opened": "2025-02-01"}],
    }

    facts = parse_document(document)

    assert facts.service == f.Service("X", "Tiny", "Europe/London", "england-and-wales", PolicySettings())
    assert facts.staff == (f.Staff("S1", "A", "youth_justice_officer", date(2025, 1, 1)),)
    assert facts.cases == (f.Case("C1", "B", "other", "low", date(2025, 2, 1)),)
    assert facts.allocations == () and facts.milestones == ()
    exported = to_document(facts)
    assert exported["allocations"] == [] and exported["staff"][0]["employment"] == "permanent"
    assert parse_document(exported) == facts


# -- files ---------------------------------------------------------------------------------
def _problems_loading(path) -> list[Problem]:
    with pytest.raises(InvalidDocument) as caught:
        load_json_file(path)
    return caught.value.problems


def test_load_json_file_reports_a_missing_file(tmp_path):
    missing = tmp_path / "nowhere.json"

    assert _problems_loading(missing) == [Problem("$", f"cannot read {missing}: No such file or directory")]


def test_load_json_file_reports_invalid_json_with_line_and_column(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n  "format": "oversight-exchange/1",\n  "service": {"id": "X" "name": 1}\n}\n')

    assert _problems_loading(path) == [
        Problem("$", "is not valid JSON: Expecting ',' delimiter (line 3, column 25)")
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"[1, 2]", "must be an object, not a list"),
        (b'{"a": NaN}', "is not valid JSON: NaN is not allowed"),
        (b'{"a": "\xff"}', "is not UTF-8 text (byte 7)"),
        (b"[" * 100_000, "is not valid JSON: nested too deeply"),
        (b'{"a": ' + b"1" * 5000 + b"}", None),  # longer than Python converts: still a problem at $
    ],
)
def test_load_json_file_reports_content_that_is_not_one_json_object(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)

    (problem,) = _problems_loading(path)

    assert problem.path == "$"
    assert message is None or problem.message == message


def test_load_json_file_accepts_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + SMALL_SERVICE.read_bytes())

    assert parse_document(load_json_file(path)) == parse_document(small_service())


def test_keys_written_twice_are_reported_where_they_are(tmp_path):
    path = tmp_path / "twice.json"
    text = json.dumps(small_service()).replace('"name": "Example Y2"', '"name": "Y", "name": "Example Y2"')
    path.write_text(text)

    with pytest.raises(InvalidDocument) as caught:
        parse_document(load_json_file(path))

    assert caught.value.problems == [Problem("$.staff[1]", "key 'name' appears more than once")]


def test_invalid_document_lists_its_problems_in_its_message():
    with pytest.raises(InvalidDocument) as caught:
        parse_document({"format": "x"})

    assert str(caught.value) == (
        "2 problems in the document:\n"
        "  $.format: must be 'oversight-exchange/1'\n"
        "  $.service: is required"
    )
