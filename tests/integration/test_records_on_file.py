"""A load never removes or changes a record on the child's file that was written in Oversight
(decision 0003): the document is refused whole, with a problem per record, and nothing is written."""

import copy
import json
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from oversight.people.models import Case, Service, Staff
from oversight.supervision.models import Discussion, OversightEvent
from oversight.supervision.services import oversight_event_record, record_amend, record_write
from tests.integration.test_load_export import table_counts

pytestmark = pytest.mark.django_db

WRITTEN = datetime(2026, 11, 3, 10, 30, 15, 123456, tzinfo=UTC)  # with microseconds, as the pages write


@pytest.fixture
def loaded(small_document, write_document, run_command):
    """The worked example with V2's discussion of E3 not yet recorded, then recorded in Oversight by D1
    (and amended), and a management decision on E1 recorded in Oversight: neither is in the document."""
    document = copy.deepcopy(small_document)
    discussion = document["supervisions"][1]["discussions"][0]
    discussion["recorded"] = discussion["recorded_by"] = None
    run_command("load", str(write_document(document, "first.json")))
    service = Service.objects.get(ref="EX")
    d1 = Staff.objects.get(service=service, ref="D1")
    record = Discussion.objects.get(supervision__ref="V2", case__ref="E3")
    record_write(service=service, text="E3: plan agreed with the family.", by=d1, actor="test",
                 discussion=record, now=WRITTEN)
    record_amend(service=service, text="E3: plan agreed with the family and school.", reason="School omitted",
                 by=d1, actor="test", discussion=record, now=WRITTEN)
    oversight_event_record(service=service, case=Case.objects.get(service=service, ref="E1"),
                           kind="management_decision", held=datetime(2026, 2, 17, 9, 0, tzinfo=UTC),
                           significant=True, notes="Decision: increase contact.", by=d1, actor="test", now=WRITTEN)
    return document


def refused(write_document, document) -> str:
    with pytest.raises(CommandError) as raised:
        call_command("load", str(write_document(document, "again.json")))
    assert raised.value.returncode == 2
    return str(raised.value)


def notes() -> dict:
    return {
        "V2/E3": Discussion.objects.get(supervision__ref="V2", case__ref="E3").notes,
        "M0001": OversightEvent.objects.get(ref="M0001").notes,
    }


def test_a_document_that_would_remove_or_change_them_is_refused_whole(loaded, write_document):
    before, kept = table_counts(), notes()
    again = copy.deepcopy(loaded)  # the first document again: it predates both records
    again["cases"][0]["risk"] = "very_high"  # a change that would be fine on its own
    message = refused(write_document, again)
    assert "2 problems in the document" in message
    assert (
        "$.supervisions[1].discussions[0]: discussion of case E3 in session V2: its record on the child's file "
        "was written in Oversight on 2026-11-03 and cannot be changed by a load, but the document changes its "
        "recorded, recorded_by; amend it in Oversight instead"
    ) in message
    assert (
        "$.oversight_events: oversight event M0001 (management decision on case E1): its record on the child's "
        "file was written in Oversight on 2026-11-03 and cannot be removed by a load, but the document does "
        "not hold it"
    ) in message
    assert table_counts() == before and notes() == kept
    assert Case.objects.get(ref="E1").risk == "medium"


def test_removing_the_session_that_holds_one_is_refused(loaded, write_document, run_command):
    exported = json.loads(run_command("export"))
    exported["supervisions"] = [s for s in exported["supervisions"] if s["id"] != "V2"]
    before = table_counts()
    message = refused(write_document, exported)
    assert "1 problem in the document" in message
    assert "$.supervisions: discussion of case E3 in session V2: its record" in message
    assert "cannot be removed by a load, but the document does not hold session V2" in message
    assert table_counts() == before


def test_what_the_record_is_of_cannot_be_changed_either(loaded, write_document, run_command):
    exported = json.loads(run_command("export"))
    exported["supervisions"][1]["held"] = "2026-01-20T15:00"
    exported["supervisions"][1]["discussions"][0]["depth"] = "in_depth"
    event = exported["oversight_events"][0]
    event["kind"], event["significant"] = "marp", False
    message = refused(write_document, exported)
    assert "$.supervisions[1].discussions[0]: discussion of case E3 in session V2" in message
    assert "the document changes its held, depth;" in message
    assert "$.oversight_events[0]: oversight event M0001" in message and "changes its kind, significant;" in message


def test_problems_point_at_the_records_place_in_the_document_as_written(loaded, write_document, run_command):
    exported = json.loads(run_command("export"))
    exported["supervisions"].reverse()  # V3, V2, V1: not the natural order the facts keep
    exported["supervisions"][1]["discussions"][0]["significant"] = True
    assert "$.supervisions[1].discussions[0]: discussion of case E3 in session V2" in refused(write_document, exported)


def test_an_export_loads_back_unchanged_and_the_notes_stay(loaded, write_document, run_command):
    exported = run_command("export")
    assert "nothing changed" in run_command("load", str(write_document(exported, "exported.json")))
    assert notes() == {"V2/E3": "E3: plan agreed with the family.", "M0001": "Decision: increase contact."}
    # A later document that changes other things loads, and leaves the records and their notes alone.
    document = json.loads(exported)
    document["cases"][0]["risk"] = "very_high"
    document["supervisions"][1]["minutes"] = 45
    out = run_command("load", str(write_document(document, "later.json")))
    assert "0 added, 2 changed, 0 removed" in out
    assert notes() == {"V2/E3": "E3: plan agreed with the family.", "M0001": "Decision: increase contact."}
    assert all(version.notes for version in Discussion.objects.get(supervision__ref="V2").history.all()
               if version.recorded is not None)
    assert run_command("export") != exported and json.loads(run_command("export")) == document


def test_a_record_not_written_in_oversight_still_follows_the_document(loaded, small_document, write_document,
                                                                       run_command):
    exported = json.loads(run_command("export"))
    exported["supervisions"][0]["discussions"][0]["recorded"] = "2026-01-17T12:00"  # V1/E1: loaded, no notes
    out = run_command("load", str(write_document(exported, "corrected.json")))
    assert "0 added, 1 changed, 0 removed" in out


def test_the_demo_is_not_loaded_again_over_a_record_written_in_oversight():
    """`make run` on a later day loads the demo again: a record someone wrote while trying the demo keeps
    the demo from loading (status 2, saying how to start afresh), and the database is as it was."""
    call_command("demo", "--seed", "1", "--today", "2026-11-23", "--no-logins")
    service = Service.objects.get(ref="DEMO")
    record = Discussion.objects.filter(service=service, recorded__isnull=True).select_related("supervision").first()
    record_write(service=service, text="Discussed the plan.", by=record.supervision.supervisor, actor="test",
                 discussion=record, now=WRITTEN)
    before = table_counts()
    with pytest.raises(CommandError) as raised:
        call_command("demo", "--seed", "1", "--today", "2026-11-24", "--no-logins")
    assert raised.value.returncode == 2
    assert "the demo was not loaded again, so that nothing written in Oversight is lost" in str(raised.value)
    assert "rm -rf var/" in str(raised.value)
    assert table_counts() == before
    assert Discussion.objects.get(pk=record.pk).notes == "Discussed the plan."


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's statistics are PostgreSQL's")
@pytest.mark.django_db(transaction=True)  # they are gathered once the load is committed
def test_the_loaded_demo_leaves_the_planner_statistics_that_match_it():
    """Loading ends with ANALYZE: a planner that still believed the discussions nearly empty read one
    service's records a hundred times slower (docs/performance.md, sixth round)."""
    call_command("demo", "--seed", "1", "--today", "2026-11-23", "--no-logins")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Discussion._meta.db_table])
        estimated = cursor.fetchone()[0]
    assert estimated == Discussion.objects.count() > 1000
