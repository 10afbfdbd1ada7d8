"""`oversight load` and `oversight export` (EXCHANGE.md): idempotent, all-or-nothing, round trip."""

import copy
import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection

from oversight.audit.models import AuditEvent
from oversight.people.models import Case, Staff
from oversight.store import statistics
from oversight.supervision.models import Discussion

pytestmark = pytest.mark.django_db


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        names = [t for t in connection.introspection.table_names(cursor) if t.split("_")[0] in {
            "people", "cover", "supervision", "audit"}]
        counts = {}
        for name in names:
            cursor.execute(f'SELECT COUNT(*) FROM "{name}"')
            counts[name] = cursor.fetchone()[0]
    return counts


def test_loading_twice_changes_nothing(small_document, write_document, run_command):
    path = write_document(small_document)
    first = run_command("load", str(path))
    assert "Loaded service EX" in first
    before = table_counts()
    second = run_command("load", str(path))
    assert "nothing changed" in second
    assert table_counts() == before


@pytest.mark.django_db(transaction=True)
def test_export_load_export_is_a_fixed_point(small_document, write_document, run_command):
    run_command("load", str(write_document(small_document)))
    exported = run_command("export")
    document = json.loads(exported)
    assert document["format"] == "oversight-exchange/1"
    assert len(document["supervisions"]) == 3
    # Into an empty database: remove everything, load the export, export again.
    call_command("flush", "--no-input")
    run_command("load", str(write_document(exported, "exported.json")))
    assert run_command("export") == exported


def test_a_changed_document_updates_in_place_and_keeps_history(small_document, write_document, run_command):
    run_command("load", str(write_document(small_document)))
    changed = copy.deepcopy(small_document)
    changed["absences"][0]["actual_last_day"] = "2026-02-20"
    changed["supervisions"][1]["discussions"][0]["recorded"] = "2026-01-21T09:00"
    out = run_command("load", str(write_document(changed, "changed.json")))
    assert "0 added, 2 changed, 0 removed" in out
    discussion = Discussion.objects.get(supervision__ref="V2")
    assert discussion.history.count() == 2  # the earlier version is kept, not overwritten
    assert AuditEvent.objects.filter(action="load").count() == 2


def test_records_dropped_from_the_document_are_removed_and_reported(small_document, write_document, run_command):
    run_command("load", str(write_document(small_document)))
    smaller = copy.deepcopy(small_document)
    smaller["contacts"] = smaller["contacts"][:1]
    out = run_command("load", str(write_document(smaller, "smaller.json")))
    assert "2 removed" in out
    audit = AuditEvent.objects.order_by("-id").first()
    assert audit.details["contacts"]["removed"] == 2


def test_a_bad_document_is_rejected_whole_with_every_problem(small_document, write_document, run_command):
    run_command("load", str(write_document(small_document)))
    before = table_counts()
    bad = copy.deepcopy(small_document)
    bad["staff"][0]["role"] = "wizard"
    bad["cases"][1]["risk"] = "extreme"
    bad["cases"].append(copy.deepcopy(bad["cases"][0]))  # a duplicate id
    bad["cases"][0]["name"] = "Renamed, but the document is bad so nothing may change"
    with pytest.raises(CommandError) as raised:
        call_command("load", str(write_document(bad, "bad.json")))
    assert raised.value.returncode == 2
    message = str(raised.value)
    assert "$.staff[0].role" in message and "$.cases[1].risk" in message and "$.cases[3]" in message
    assert table_counts() == before
    assert Case.objects.get(ref="E1").name == "Child E1"


def test_several_services_live_side_by_side(small_document, write_document, run_command):
    run_command("load", str(write_document(small_document)))
    other = copy.deepcopy(small_document)
    other["service"]["id"] = "EX2"
    run_command("load", str(write_document(other, "other.json")))
    assert Staff.objects.filter(service__ref="EX2").count() == 6
    with pytest.raises(CommandError, match="choose one with --service"):
        call_command("findings", "--as-of", "2026-02-18")
    assert json.loads(run_command("export", "--service", "EX2"))["service"]["id"] == "EX2"


@pytest.mark.parametrize(
    "args, expected",
    [
        (["findings", "--as-of", "yesterday-ish"], "is not an ISO 8601"),
        (["findings", "--service", "NOPE"], "no service with id 'NOPE'"),
        (["findings", "--rule", "SUP-MONTHLY", "--rule", "SUP-WEEKLY"], "--rule: no such rule SUP-WEEKLY"),
        (["cover", "--at", "2026-13-40"], "is not an ISO 8601"),
    ],
)
def test_bad_arguments_exit_2_with_the_problem(small_document, write_document, run_command, args, expected):
    run_command("load", str(write_document(small_document)))
    with pytest.raises(CommandError, match=expected) as raised:
        call_command(*args)
    assert raised.value.returncode == 2


def test_findings_of_some_rules_are_theirs_on_the_whole_service(small_document, write_document, run_command):
    run_command("load", str(write_document(small_document)))
    every = json.loads(run_command("findings", "--as-of", "2026-02-18", "--format", "json"))
    for rules in (["SUP-MONTHLY"], ["REC-DEADLINE", "SUP-CASE"]):
        asked = [arg for rule in rules for arg in ("--rule", rule)]
        found = json.loads(run_command("findings", "--as-of", "2026-02-18", "--format", "json", *asked))
        assert found == [f for f in every if f["rule"] in rules] and found, rules


def oversight(tmp_path, *args, stdin=None):
    """The real console script, against a throw-away SQLite database."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["OVERSIGHT_VAR_DIR"] = str(tmp_path / "var")
    script = os.path.join(os.path.dirname(sys.executable), "oversight")
    return subprocess.run([script, *args], capture_output=True, text=True, env=env, input=stdin, timeout=120)


@pytest.mark.django_db(transaction=False)
def test_the_console_script_exits_2_without_a_traceback(tmp_path, write_document):
    assert oversight(tmp_path, "migrate", "-v", "0").returncode == 0
    cases = [
        ("{not json", "$"),
        ('{"format": "oversight-exchange/2"}', "$.format"),
        ("[]", "$"),
    ]
    for text, path in cases:
        result = oversight(tmp_path, "load", str(write_document(text, "broken.json")))
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr and path in result.stderr
    missing = oversight(tmp_path, "load", str(tmp_path / "nowhere.json"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    unset = oversight(tmp_path, "findings")
    assert unset.returncode == 2 and "no service is loaded" in unset.stderr


def planner_believes(model) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [model._meta.db_table])
        return cursor.fetchone()[0]


def times_analysed(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = %s", [model._meta.db_table])
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's statistics are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_load_leaves_the_planner_statistics_that_match_what_it_wrote(small_document, write_document, run_command):
    """A planner that still believed a table just filled to be empty read one service's records a hundred
    times slower until autovacuum came by (docs/performance.md, sixth round): a load gathers the
    statistics of what it changed much, at once, and of nothing else."""
    with connection.cursor() as cursor:  # as in a database just made: the planner believes them empty
        for model in (Case, Discussion, Staff):
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    assert planner_believes(Discussion) == 0
    path = write_document(small_document)
    run_command("load", str(path))
    for model in (Case, Discussion, Staff):
        assert planner_believes(model) == model.objects.count() > 0, model
    before = times_analysed(Discussion)
    run_command("load", str(path))  # nothing changed: nothing to gather
    assert times_analysed(Discussion) == before


@pytest.mark.django_db(transaction=True)
def test_a_load_stands_when_its_statistics_cannot_be_gathered(small_document, write_document, run_command,
                                                              monkeypatch, caplog):
    """The statistics are gathered once the load has committed: should that fail (a lost connection, a
    user not allowed to ANALYZE), the service is loaded all the same and the command does not fail."""
    def cannot_gather(rows_written):
        raise DatabaseError("must be owner of table")

    monkeypatch.setattr(statistics, "gather_after_load", cannot_gather)
    run_command("load", str(write_document(small_document)))
    assert Case.objects.count() == len(small_document["cases"]) > 0
    assert "must be owner of table" in caplog.text  # logged for the operator, not swallowed
