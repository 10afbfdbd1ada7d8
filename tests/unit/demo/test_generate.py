"""The demo service generator: deterministic, realistic, well-formed, and showing every rule."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import date, datetime
from datetime import time as clock
from zoneinfo import ZoneInfo

import pytest

from oversight.demo.facts import facts_from_world
from oversight.demo.generate import (
    build_world,
    generate_fleet_facts,
    generate_fleet_service,
    generate_service,
)
from oversight.demo.scales import service_plan

TODAY = date(2026, 11, 23)
END_OF_TODAY = datetime.combine(TODAY, clock(23, 59, 59, 999000), tzinfo=ZoneInfo("Europe/London"))
KEYS = (
    "format",
    "service",
    "staff",
    "reporting_lines",
    "cases",
    "allocations",
    "buddies",
    "absences",
    "leave_sheets",
    "cover_confirmations",
    "reallocations",
    "duty_rota",
    "supervisions",
    "gap_records",
    "frequency_overrides",
    "oversight_events",
    "contacts",
    "milestones",
)

try:
    from oversight.exchange.document import InvalidDocument, parse_document, to_document
except ImportError:  # the exchange parser is written separately
    parse_document = None
try:
    from oversight.policy.catalogue import RULE_IDS
    from oversight.policy.engine import cover_at, evaluate
except ImportError:  # the rule engine is written separately
    evaluate = None

needs_parser = pytest.mark.skipif(parse_document is None, reason="oversight.exchange.document not there yet")
needs_engine = pytest.mark.skipif(
    parse_document is None or evaluate is None, reason="oversight.policy.engine not there yet"
)


@pytest.fixture(scope="module")
def document() -> dict:
    return generate_service(seed=1, today=TODAY)


@pytest.fixture(scope="module")
def facts(document):
    try:
        return parse_document(json.loads(json.dumps(document)))
    except InvalidDocument as invalid:
        pytest.fail("the demo document does not parse:\n" + "\n".join(map(str, invalid.problems[:50])))


# -- determinism -------------------------------------------------------------------------------
def test_the_same_seed_and_day_give_the_same_document(document):
    random.seed(12345)  # the global generator must play no part
    again = generate_service(seed=1, today=TODAY)
    assert json.dumps(again) == json.dumps(document)


def test_another_seed_gives_another_service(document):
    assert json.dumps(generate_service(seed=2, today=TODAY)) != json.dumps(document)


# -- shape and volumes -------------------------------------------------------------------------
def test_keys_in_exchange_order_and_settings_left_to_defaults(document):
    assert tuple(document) == KEYS
    assert document["format"] == "oversight-exchange/1"
    assert document["service"] == {
        "id": "DEMO",
        "name": "Demo Youth Justice Service",
        "timezone": "Europe/London",
        "holidays": "england-and-wales",
        "settings": {},
    }
    json.dumps(document)  # plain JSON values only


def test_volumes_of_the_demo_scale(document):
    staff, cases = document["staff"], document["cases"]
    assert 55 <= len(staff) <= 70
    assert 370 <= sum(c["closed"] is None for c in cases) <= 430
    assert 1400 <= sum(c["closed"] is not None for c in cases) <= 1600
    roles = Counter(s["role"] for s in staff)
    assert roles["team_manager"] == 4
    assert roles["assistant_director"] == roles["head_of_service"] == 1
    assert roles["operational_service_manager"] == 2
    assert sum(s["employment"] == "agency" for s in staff) >= 2
    assert sum(s["end"] is not None for s in staff) >= 2


def test_one_person_at_the_top_of_the_chain(document):
    managed = {line["staff"] for line in document["reporting_lines"]}
    top = [s for s in document["staff"] if s["id"] not in managed]
    assert [s["role"] for s in top] == ["assistant_director"]


def test_lists_are_sorted_by_their_natural_keys(document):
    orders = {
        "staff": ("id",),
        "reporting_lines": ("staff", "from"),
        "cases": ("id",),
        "allocations": ("case", "from"),
        "buddies": ("staff", "rank", "from", "buddy"),
        "absences": ("id",),
        "leave_sheets": ("absence",),
        "reallocations": ("case", "from"),
        "duty_rota": ("date", "staff"),
        "supervisions": ("id",),
        "gap_records": ("staff", "month"),
        "oversight_events": ("id",),
        "contacts": ("case", "date", "kind"),
        "milestones": ("case", "due", "kind"),
    }
    for name, keys in orders.items():
        rows = [tuple(row[k] for k in keys) for row in document[name]]
        assert rows == sorted(rows), name


def test_every_reference_resolves(document):
    staff = {s["id"] for s in document["staff"]}
    cases = {c["id"] for c in document["cases"]}
    absences = {a["id"] for a in document["absences"]}
    people, children, leave = [], [], []
    people += [c["paired_worker"] for c in document["cases"] if c["paired_worker"]]
    for line in document["reporting_lines"]:
        people += [line["staff"], line["manager"]]
    for row in document["allocations"] + document["reallocations"]:
        children.append(row["case"])
        people += [row["staff"], row.get("by") or row["staff"]]
    for n in document["buddies"]:
        people += [n["staff"], n["buddy"], n["approved_by"] or n["staff"]]
    people += [a["staff"] for a in document["absences"]]
    for sheet in document["leave_sheets"]:
        leave.append(sheet["absence"])
        people.append(sheet["submitted_to"])
        for line in sheet["cases"]:
            children.append(line["case"])
            people.append(line["cover"])
    for c in document["cover_confirmations"]:
        leave.append(c["absence"])
        people.append(c["by"])
    people += [d["staff"] for d in document["duty_rota"]]
    for session in document["supervisions"]:
        people += [session["supervisor"], *session["supervisees"]]
        for d in session["discussions"]:
            children.append(d["case"])
            people += [d["recorded_by"] or session["supervisor"]] + [a["owner"] for a in d["actions"]]
    for g in document["gap_records"]:
        people += [g["staff"], g["by"]]
    people += [o["staff"] for o in document["frequency_overrides"]]
    for e in document["oversight_events"]:
        children.append(e["case"])
        people += [e["by"], e["recorded_by"] or e["by"]]
    children += [c["case"] for c in document["contacts"]] + [m["case"] for m in document["milestones"]]
    assert set(people) <= staff
    assert set(children) <= cases
    assert set(leave) <= absences


def test_nothing_is_recorded_after_today(document):
    end = TODAY.isoformat() + "T23:59"
    moments = [s["held"] for s in document["supervisions"]]
    moments += [d["recorded"] for s in document["supervisions"] for d in s["discussions"] if d["recorded"]]
    moments += [e["held"] for e in document["oversight_events"]] + [
        e["recorded"] for e in document["oversight_events"] if e["recorded"]
    ]
    moments += [s["submitted"] for s in document["leave_sheets"]] + [
        c["confirmed"] for c in document["cover_confirmations"]
    ]
    moments += [g["recorded"] for g in document["gap_records"]]
    assert max(moments) <= end
    days = [c["date"] for c in document["contacts"]] + [
        m["completed"] for m in document["milestones"] if m["completed"]
    ]
    days += [
        a["done"]
        for s in document["supervisions"]
        for d in s["discussions"]
        for a in d["actions"]
        if a["done"]
    ]
    assert max(days) <= TODAY.isoformat()


def test_every_detention_and_training_order_but_one_has_a_paired_worker(document):
    dtos = [
        c for c in document["cases"] if c["order_type"] == "detention_and_training_order" and not c["closed"]
    ]
    assert dtos and sum(c["paired_worker"] is None for c in dtos) == 1


@pytest.mark.slow
def test_the_service_scale():
    document = generate_service(seed=3, today=TODAY, scale="service", service_id="BIG")
    assert 68 <= len(document["staff"]) <= 82
    assert 470 <= sum(c["closed"] is None for c in document["cases"]) <= 530
    assert min(c["opened"] for c in document["cases"]) < "2016-12"  # ten years of history


@pytest.mark.parametrize(("scale", "services", "open_cases"), [("region", 15, 3_000), ("national", 150, 30_000)])
def test_the_fleets_are_planned_service_by_service(scale, services, open_cases):
    plan = service_plan(scale)
    assert [ref for ref, _ in plan] == [f"YJS{i:03d}" for i in range(1, services + 1)]
    sizes = [size.open_cases for _, size in plan]
    assert sum(sizes) == open_cases and sizes[0] == 500 and min(sizes) >= 80
    assert sum(size.closed_cases for _, size in plan) == 10 * open_cases  # ten years: 300,000 nationally
    assert 7_500 <= sum(size.baseline_staff + 5 for _, size in plan) * 150 // services <= 8_500
    with pytest.raises(ValueError, match="generate_services"):
        generate_service(today=TODAY, scale=scale)


def test_a_fleet_service_depends_only_on_seed_index_and_day():
    small = min(range(15), key=lambda i: service_plan("region")[i][1].open_cases)
    document = generate_fleet_service(seed=1, today=TODAY, scale="region", index=small)
    assert document["service"]["id"] == f"YJS{small + 1:03d}"
    assert json.dumps(generate_fleet_service(seed=1, today=TODAY, scale="region", index=small)) == json.dumps(document)
    assert json.dumps(generate_fleet_service(seed=2, today=TODAY, scale="region", index=small)) != json.dumps(document)
    assert sum(c["closed"] is None for c in document["cases"]) == service_plan("region")[small][1].open_cases
    # The short way to the facts (used by the bulk load) gives what the document gives.
    facts = generate_fleet_facts(seed=1, today=TODAY, scale="region", index=small)
    assert to_document(facts) == to_document(parse_document(json.loads(json.dumps(document))))


def test_the_demo_facts_straight_from_the_generator_are_the_documents(document):
    world = build_world(seed=1, today=TODAY, scale="demo", service_id="DEMO")
    assert to_document(facts_from_world(world, document["service"]["name"])) == to_document(
        parse_document(json.loads(json.dumps(document)))
    )


def test_an_unknown_scale_is_refused():
    with pytest.raises(ValueError):
        generate_service(today=TODAY, scale="galaxy")


# -- with the exchange parser and the rule engine ----------------------------------------------
@needs_parser
def test_the_document_parses_without_problems(facts):
    assert len(facts.staff) and len(facts.cases)


@needs_engine
@pytest.mark.parametrize("today", [TODAY, date(2026, 2, 14)])  # a Monday; a Saturday
def test_every_rule_has_a_finding_as_of_the_end_of_today(facts, today):
    if today != TODAY:
        facts = parse_document(json.loads(json.dumps(generate_service(seed=4, today=today))))
    as_of = datetime.combine(today, clock(23, 59, 59, 999000), tzinfo=ZoneInfo("Europe/London"))
    found = Counter(f.rule for f in evaluate(facts, as_of))
    assert [rule for rule in RULE_IDS if not found[rule]] == []


@needs_engine
def test_the_service_is_mostly_compliant(facts):
    findings = evaluate(facts, END_OF_TODAY)
    breaches = Counter(f.rule for f in findings if str(f.status) == "breach")
    for rule in (
        "SUP-MONTHLY",
        "SUP-GAP",
        "SUP-RETURN",
        "SUP-CHAIN",
        "SUP-ACTION",
        "COV-BUDDY",
        "COV-PAIRED",
    ):
        assert breaches[rule] <= 3, rule
    discussions = sum(len(s.discussions) for s in facts.supervisions)
    assert breaches["REC-DEADLINE"] < 0.02 * discussions


@needs_engine
def test_today_every_kind_of_cover_is_in_use(facts):
    answers = cover_at(facts, datetime.combine(TODAY, clock(12, 0), tzinfo=ZoneInfo("Europe/London")))
    assert {str(a.via) for a in answers} >= {
        "reallocation",
        "case_manager",
        "leave_sheet",
        "paired_worker",
        "buddy",
        "duty",
    }
