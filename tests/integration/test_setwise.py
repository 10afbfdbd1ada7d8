"""Findings and cover for a whole service come from a fixed number of queries (set-wise evaluation)."""

import copy
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oversight.exchange.document import parse_document
from oversight.policy.engine import cover_at, evaluate
from oversight.store.read import fresh_service_facts, service_for
from oversight.store.write import replace_service

pytestmark = pytest.mark.django_db
AS_OF = datetime(2026, 2, 18, 12, 0, tzinfo=ZoneInfo("Europe/London"))


def grown(document: dict, n_cases: int) -> dict:
    """The small service with `n_cases` extra cases, each with history in every table that has one."""
    doc = copy.deepcopy(document)
    doc["service"]["id"] = f"N{n_cases}"
    holders = ["Y1", "Y2", "SO1"]
    for i in range(n_cases):
        case, holder = f"X{i}", holders[i % 3]
        doc["cases"].append({**doc["cases"][0], "id": case, "name": f"Child X{i}"})
        doc["allocations"].append({"case": case, "staff": holder, "from": "2026-01-05", "to": None})
        doc["contacts"].append({"case": case, "date": "2026-02-02", "kind": "face_to_face"})
        doc["milestones"].append({"case": case, "kind": "plan", "due": "2026-02-01", "completed": None})
        doc["oversight_events"].append({"id": f"M{i}", "case": case, "kind": "marp", "held": "2026-02-03T10:00",
                                        "by": "D1", "significant": i % 2 == 0, "recorded": None, "recorded_by": None})
        doc["supervisions"].append({"id": f"SX{i}", "kind": "formal", "supervisor": "D1", "supervisees": [holder],
                                    "held": "2026-01-21T10:00", "minutes": 30, "discussions": [
                                        {"case": case, "depth": "check_in", "significant": False,
                                         "recorded": "2026-01-22T10:00", "recorded_by": "D1",
                                         "actions": [{"id": f"AX{i}", "text": "Visit", "owner": holder,
                                                      "due": "2026-02-01", "done": None, "reason_not_done": None}]}]})
    return doc


def queries_for(document: dict) -> tuple[int, int]:
    replace_service(parse_document(document), actor="test")
    service = service_for(document["service"]["id"])
    with CaptureQueriesContext(connection) as captured:
        facts = fresh_service_facts(service)  # read from the database, not the facts kept per revision
        findings = evaluate(facts, AS_OF)
        cover_at(facts, AS_OF)
    return len(captured), len(findings)


def test_query_count_does_not_grow_with_the_number_of_cases(small_document):
    small_queries, small_findings = queries_for(grown(small_document, 10))
    large_queries, large_findings = queries_for(grown(small_document, 200))
    assert large_findings > small_findings  # the larger service really has more to report
    assert small_queries == large_queries
    assert small_queries <= 20
