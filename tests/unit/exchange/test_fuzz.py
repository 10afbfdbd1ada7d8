"""No JSON value makes the exchange reader fail with anything but `InvalidDocument`.

Arbitrary values, documents shaped like the format with random values, and valid documents with
keys deleted, values replaced by wrong types, lists truncated and elements repeated: each gives
either facts (which then survive the round trip) or `InvalidDocument` with problems at `$` paths.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime
from zoneinfo import available_timezones

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.exchange import InvalidDocument, load_json_file, parse_document, to_document
from oversight.exchange.layout import ACTION, DISCUSSION, LEAVE_SHEET_LINE, LISTS, SERVICE
from oversight.policy.facts import ServiceFacts
from tests.unit.exchange.documents import SMALL_SERVICE, full_document, small_service

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)

# Values that are right somewhere in a document, so that random documents get past the type checks
# and reach the checks across records.
PLAUSIBLE = [
    "S1", "S2", "S10", "C1", "C2", "A1", "SV1", "AC1", "", " ",
    "2025-01-01", "2025-06-30", "2025-12-22", "2026-02-30", "2025-12",
    "2025-12-18T16:00", "2025-10-26T01:30", "2026-03-29T01:30", "2025-07-01T10:00+01:00",
    "9999-12-31T23:59-01:00", "1900-01-01T00:00+01:00", "1900-01-01T00:00", "2199-12-31T23:59:59.999999",
    "Africa/Monrovia", "Australia/Lord_Howe", "America/St_Johns",
    "formal", "group", "youth_justice_officer", "specialist", "health", "permanent", "low", "very_high",
    "referral_order", "detention_and_training_order", "annual_leave", "face_to_face", "assessment",
    "in_depth", "management_decision", "Europe/London", "england-and-wales",
    0, 1, 2, -1, 14, 1.5, True, False, None, [], ["S1"], ["S1", "S2"], {}, {"record_working_days": 3},
]
plausible = st.sampled_from(PLAUSIBLE) | json_values
NESTED = {"discussions": DISCUSSION, "actions": ACTION, "cases": LEAVE_SHEET_LINE}


def shaped_record(layout, depth: int = 0):
    """A record with the layout's keys (some left out) and plausible or arbitrary values."""
    entries = {}
    for field in layout.fields:
        nested = NESTED.get(field.name) if layout is not LISTS["cases"] else None
        value = st.lists(shaped_record(nested, depth + 1), max_size=2) if nested and depth < 2 else plausible
        entries[field.name] = value
    return st.fixed_dictionaries({}, optional=entries)


shaped_documents = st.fixed_dictionaries(
    {"format": st.just("oversight-exchange/1"), "service": shaped_record(SERVICE)},
    optional={name: st.lists(shaped_record(layout), max_size=3) for name, layout in LISTS.items()},
)


def assert_read_or_rejected(document) -> None:
    try:
        facts = parse_document(document)
    except InvalidDocument as invalid:
        assert invalid.problems
        for problem in invalid.problems:
            assert problem.path.startswith("$"), problem
            assert isinstance(problem.message, str) and problem.message, problem
        return
    assert isinstance(facts, ServiceFacts)
    exported = to_document(facts)
    assert parse_document(json.loads(json.dumps(exported))) == facts
    assert to_document(parse_document(exported)) == exported


@FUZZ
@given(json_values)
def test_any_json_value(value):
    assert_read_or_rejected(value)


@FUZZ
@given(shaped_documents)
def test_documents_shaped_like_the_format(document):
    assert_read_or_rejected(document)


def _places(value, path=()):
    """Every place in a document: the path to each value."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _places(item, (*path, index))


def _at(document, path):
    for step in path:
        document = document[step]
    return document


@st.composite
def mutated_documents(draw):
    document = draw(st.sampled_from([small_service, full_document]))()
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_places(document))))
        if not path:
            continue
        parent, key = _at(document, path[:-1]), path[-1]
        value = parent[key]
        operation = draw(st.sampled_from(["replace", "delete", "truncate", "repeat", "add_key"]))
        if operation == "replace":
            parent[key] = draw(plausible)
        elif operation == "delete":
            del parent[key]
        elif operation == "truncate" and isinstance(value, list):
            del value[draw(st.integers(0, len(value))):]
        elif operation == "repeat" and isinstance(value, list) and value:
            value.append(json.loads(json.dumps(value[draw(st.integers(0, len(value) - 1))])))
        elif operation == "add_key" and isinstance(value, dict):
            value[draw(st.sampled_from(["colour", "id", "to", "from", "notes"]))] = draw(plausible)
    return document


@FUZZ
@given(mutated_documents())
def test_mutated_documents(document):
    assert_read_or_rejected(document)


@FUZZ
@given(st.binary(max_size=40) | st.integers(0, SMALL_SERVICE.stat().st_size).map(
    lambda cut: SMALL_SERVICE.read_bytes()[:cut]
))
def test_any_file_content(content):
    handle, name = tempfile.mkstemp(suffix=".json")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        try:
            data = load_json_file(name)
        except InvalidDocument as invalid:
            assert [problem.path for problem in invalid.problems] == ["$"]
            return
        assert isinstance(data, dict)
        assert_read_or_rejected(data)
    finally:
        os.unlink(name)


def test_the_examples_are_valid():
    # The fuzzing above starts from these; make sure they start valid.
    parse_document(small_service())
    parse_document(full_document())


@FUZZ
@given(
    service_zone=st.sampled_from(sorted(available_timezones())),
    moment=st.datetimes(datetime(1899, 1, 1), datetime(2200, 12, 31), timezones=st.timezones()),
    with_offset=st.booleans(),
)
def test_any_moment_in_any_zone_reads_back_from_export(service_zone, moment, with_offset):
    document = full_document()
    document["service"]["timezone"] = service_zone
    written = moment.isoformat() if with_offset else moment.replace(tzinfo=None).isoformat()
    document["cover_confirmations"][0]["confirmed"] = written

    assert_read_or_rejected(document)
