"""Bad documents through `oversight load`: always exit 2 with the problems listed, never a traceback,
and nothing written.

In-process (hypothesis): a service is loaded, then documents broken in one to three places are
loaded over it (wrong types, values the format or the database cannot hold, unknown references,
repeated records, unknown and missing keys, records and lists that are not objects or lists) and
broken files (truncated, not UTF-8, not an object, nested too deeply, repeated keys, NaN). Each
must raise CommandError with status 2 listing problems at `$` paths – where a document is broken
in one place, a problem at that place – and leave every table exactly as it was.

As separate processes (the real console script): the same for a 50 MB document with one bad
record near its end, truncated files and values only PostgreSQL refuses, checking that standard
error holds the problems and no traceback.
"""

from __future__ import annotations

import copy
import json
import os
import re
import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from oversight.exchange.layout import (
    ACTION,
    DISCUSSION,
    DOCUMENT,
    EMAIL,
    ID,
    LEAVE_SHEET_LINE,
    LISTS,
    SERVICE,
    TITLE,
)
from oversight.exchange.values import BOOL, DATE, MOMENT, MONTH, NAME, TEXT, TIMEZONE
from oversight.people.models import Service
from oversight.store.read import service_facts, service_for
from tests.unit.exchange.documents import full_document

FUZZ = settings(
    max_examples=120, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
NESTED = {("supervisions", "discussions"): DISCUSSION, ("discussions", "actions"): ACTION,
          ("leave_sheets", "cases"): LEAVE_SHEET_LINE}

# Values of the right JSON type that the format, or a database column, refuses.
BAD_VALUES = {
    id(DATE): ["2026-02-30", "26-02-03", "1899-12-31", "2026-02-03T10:00"],
    id(MOMENT): ["2026-02-30T10:00", "tomorrow", "2026-03-29T01:30", "2026-02-03"],
    id(MONTH): ["2026-13", "2026-1", "January"],
    id(TIMEZONE): ["Mars/Olympus_Mons", "GMT+25"],
    id(ID): ["", "   ", "x" * 65, "a\x00b", "\ud800"],
    id(TITLE): ["", "x" * 201, "\udfff"],
    id(EMAIL): ["x" * 255, "a\x00@example.org"],
    id(NAME): ["", " \t", "a\x00b"],
    id(TEXT): ["a\x00b", "\ud83d alone"],
}
WRONG_TYPES = {
    str: [0, 1.5, True, [], {}],
    bool: ["true", 1, 0, [], {}],
    int: ["3", 2.5, True, [], {}, -1, 10**20],
    float: ["1.5", [], {}],
    list: ["S1", 3, {}],
    dict: ["x", 3, []],
}


# -- where a document can be broken -------------------------------------------------------------------
def records(document) -> list[tuple[tuple, object]]:
    """(path, layout) of every record of the document that is still an object, the document first."""
    found = [((), DOCUMENT)]
    if isinstance(document.get("service"), dict):
        found.append((("service",), SERVICE))
    for name, layout in LISTS.items():
        items = document.get(name)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                found.extend(_with_nested((name, index), name, item, layout))
    return found


def _with_nested(path, name, item, layout):
    yield path, layout
    for (parent, child), inner in NESTED.items():
        if parent == name and isinstance(item.get(child), list):
            for index, nested in enumerate(item[child]):
                if isinstance(nested, dict):
                    yield from _with_nested((*path, child, index), child, nested, inner)


def at(document, path):
    for step in path:
        document = document[step]
    return document


def text(path) -> str:
    return "$" + "".join(f".{step}" if isinstance(step, str) else f"[{step}]" for step in path)


@st.composite
def breakage(draw, document):
    """Break the document in one place; return the path where a problem must be reported."""
    path, layout = draw(st.sampled_from(records(document)))
    record = at(document, path)
    fields = [f for f in layout.fields if f.name in record]
    how = draw(st.sampled_from(["wrong type", "bad value", "unknown reference", "repeated", "unknown key",
                                "missing key", "not an object"]))
    if how == "wrong type" and fields:
        field = draw(st.sampled_from(fields))
        value = record[field.name]
        if value is None:  # an optional key left empty: an object is wrong for every kind but settings
            if field.name == "settings":
                return None
            record[field.name] = {}
        else:
            record[field.name] = draw(st.sampled_from(WRONG_TYPES[type(value)]))
        return (*path, field.name)
    if how == "bad value":
        choices = [f for f in fields if isinstance(record[f.name], str) and f.kind is not BOOL]
        if not choices:
            return None
        field = draw(st.sampled_from(choices))
        # Kinds not listed are enumerations and the format constant: any other word is wrong.
        record[field.name] = draw(st.sampled_from(BAD_VALUES.get(id(field.kind), ["wizard", "Formal"])))
        return (*path, field.name)
    if how == "unknown reference":
        refs = [f for f in layout.fields if f.ref]
        if not refs:
            return None
        field = draw(st.sampled_from(refs))
        record[field.name] = ["NOPE1"] if field.name == "supervisees" else "NOPE1"
        return (*path, field.name)
    if how == "repeated" and path and isinstance(at(document, path[:-1]), list):
        items = at(document, path[:-1])
        items.append(copy.deepcopy(record))  # the same id, or the same natural key
        return (*path[:-1], len(items) - 1)
    if how == "unknown key":
        record["colour"] = "blue"
        return path
    if how == "missing key":
        required = [f for f in fields if f.required]
        if not required:
            return None
        field = draw(st.sampled_from(required))
        del record[field.name]
        return (*path, field.name)
    if how == "not an object" and path:
        at(document, path[:-1])[path[-1]] = draw(st.sampled_from([42, "record", [], None, True]))
        return path
    return None


@st.composite
def broken_documents(draw):
    """A valid document broken in one to three places, and the place of each break."""
    document = full_document()
    places, wanted = [], draw(st.integers(1, 3))
    for _ in range(20):
        if len(places) == wanted:
            break
        attempt = copy.deepcopy(document)
        place = draw(breakage(attempt))
        # Breaking a place again could mend it (a wrong type for the wrong type can be the right one).
        if place is not None and not any(place[:len(p)] == p or p[:len(place)] == place for p in places):
            document = attempt
            places.append(place)
    assume(places)
    return json.dumps(document), places


def truncated(draw_from: str):
    end = draw_from.rindex("}")  # every proper prefix before the last brace is unfinished JSON
    return st.integers(0, end).map(lambda cut: (draw_from[:cut], [()]))


FULL = json.dumps(full_document(), indent=1)
broken_files = st.sampled_from([
    ("[]", [()]),
    ('"oversight-exchange/1"', [()]),
    ("", [()]),
    ("[" * 100_000 + "]" * 100_000, [()]),
    (FULL.replace('"rank": 1', '"rank": NaN', 1), [()]),
    (FULL.replace('"name": "Asha Khan"', '"name": "Asha Khan", "name": "A. Khan"', 1), [("staff", 0)]),
    (FULL.replace('"kind": "formal"', '"kind": "formal", "kind": "group"', 1), [("supervisions", 0)]),
    (FULL.replace('"rank": 1', '"rank": 1e999', 1), [("buddies", 0, "rank")]),
]) | truncated(FULL)


# -- the checks ----------------------------------------------------------------------------------------
def database_state() -> tuple[dict[str, int], str]:
    """How many rows every table holds (history and audit trail included), and the service's export."""
    with connection.cursor() as cursor:
        counts = {}
        for name in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
            counts[name] = cursor.fetchone()[0]
    from oversight.exchange import to_document

    return counts, json.dumps(to_document(service_facts(service_for("MCR"))))


def problem_paths(message: str) -> list[str]:
    return [line.strip().split(": ", 1)[0] for line in message.splitlines()[1:] if line.strip().startswith("$")]


def reported(place: str, paths: list[str]) -> bool:
    """A problem at the place, inside it, or at a record or list holding it."""
    return any(p == place or p.startswith((place + ".", place + "[")) or place.startswith((p + ".", p + "["))
               for p in paths)


def load_is_refused(folder: Path, content: str | bytes, places: list[tuple]) -> None:
    if Service.objects.filter(ref="MCR").count() == 0:
        good = folder / "good.json"
        good.write_text(json.dumps(full_document()))
        call_command("load", str(good))
    before = database_state()
    path = folder / "bad.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    with pytest.raises(CommandError) as refused:
        call_command("load", str(path))
    assert refused.value.returncode == 2
    paths = problem_paths(str(refused.value))
    assert paths, str(refused.value)
    if len(places) == 1:  # broken in one place: that place is reported
        assert reported(text(places[0]), paths), (text(places[0]), str(refused.value))
    assert database_state() == before, "a refused document changed the database"


pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory(prefix="oversight-fuzz-") as name:
        yield Path(name)


def changed(path: tuple, value) -> tuple[str, list[tuple]]:
    """The full document with one value changed (or, for a list index past the end, one record
    repeated): the breaks the fuzzing found once, kept as explicit examples."""
    document = full_document()
    parent = at(document, path[:-1])
    if isinstance(parent, list) and path[-1] == len(parent):
        parent.append(copy.deepcopy(parent[value]))
    else:
        parent[path[-1]] = value
    return json.dumps(document), [path]


@FUZZ
@given(broken_documents())
# Found by this test: repeated records the database refuses twice (exit 1 before the loader checked them),
@example(changed(("reallocations", 1), 0))
@example(changed(("cover_confirmations", 1), 0))
@example(changed(("frequency_overrides", 1), 0))
# values PostgreSQL refuses (exit 1) or no database can encode (a traceback),
@example(changed(("staff", 0, "name"), "Asha\x00Khan"))
@example(changed(("cases", 0, "id"), "C\ud800"))
@example(changed(("cases", 0, "id"), "C" * 65))
@example(changed(("staff", 1, "email"), "b" * 255))
# and numbers too large for their column (a traceback on SQLite).
@example(changed(("buddies", 0, "rank"), 40_000))
@example(changed(("supervisions", 0, "minutes"), 2**31))
def test_a_broken_document_is_refused_whole(folder, broken):
    content, places = broken
    load_is_refused(folder, content, places)


@FUZZ
@given(broken_files)
def test_a_broken_file_is_refused_whole(folder, broken):
    content, places = broken
    load_is_refused(folder, content, places)


def test_a_file_that_is_not_utf_8_is_refused(folder):
    load_is_refused(folder, FULL.encode().replace(b"Asha", b"\xffsha", 1), [()])


# -- the real console script ---------------------------------------------------------------------------
def refused_by_the_console_script(database, path: Path, *expected: str) -> str:
    result = database.oversight("load", str(path))
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    for text_ in expected:
        assert text_ in result.stderr, result.stderr[-2000:]
    assert result.stdout == ""
    return result.stderr


def huge_document(megabytes: int = 50) -> tuple[str, str]:
    """A document of about `megabytes` MB – 100,000 contacts and long leave-sheet notes – whose
    last-but-one contact is bad; and that contact's path."""
    document = full_document()
    cases = [c["id"] for c in document["cases"]]
    days = [f"{year}-{month:02d}-{day:02d}" for year in range(1990, 2100) for month in range(1, 13)
            for day in range(1, 29)]
    taken = {(c["case"], c["date"], c["kind"]) for c in document["contacts"]}
    contacts = [{"case": case, "date": day, "kind": kind}
                for day in days for case in cases for kind in ("face_to_face", "phone")
                if (case, day, kind) not in taken][:100_000]
    bad = len(document["contacts"]) + len(contacts) - 2
    contacts[-2]["kind"] = "carrier_pigeon"
    document["contacts"] += contacts
    size = len(json.dumps(document))
    line = document["leave_sheets"][0]["cases"][0]
    line["notes"] = "Call before visiting. " * ((megabytes * 1_000_000 - size) // 22 + 1)
    return json.dumps(document), f"$.contacts[{bad}].kind"


@pytest.mark.slow
def test_the_console_script_refuses_bad_files_with_exit_2_and_no_traceback(throwaway, tmp_path):
    database = throwaway.new()
    good = tmp_path / "good.json"
    good.write_text(json.dumps(full_document()))
    database.ok("load", str(good))
    before = database.fingerprint()

    content, place = huge_document()
    huge = tmp_path / "huge.json"
    huge.write_text(content)
    assert huge.stat().st_size >= 50_000_000
    stderr = refused_by_the_console_script(database, huge, "1 problem in the document", place)
    assert len(stderr) < 2000, "one bad record, one line: the huge values are not echoed back"

    for cut in (0, 1, len(FULL) // 3, len(FULL) - 2):
        cut_short = tmp_path / f"cut-{cut}.json"
        cut_short.write_text(FULL[:cut])
        refused_by_the_console_script(database, cut_short, "$: is not valid JSON")

    # Values SQLite would store but PostgreSQL refuses: refused on both, by the loader.
    document = full_document()
    document["staff"][0]["name"] = "Asha\x00Khan"
    document["cases"][0]["id"] = "C" * 65
    document["buddies"][0]["rank"] = 40_000
    document["cases"][1]["name"] = "K. \ud800Jones"
    unstorable = tmp_path / "unstorable.json"
    unstorable.write_text(json.dumps(document))
    stderr = refused_by_the_console_script(database, unstorable, "$.staff[0].name", "$.cases[0].id",
                                           "$.buddies[0].rank", "$.cases[1].name")
    assert re.search(r"must be at most 32,?767", stderr)
    assert database.fingerprint() == before, "nothing was written"
    os.remove(huge)
