"""The bulk first load (PostgreSQL COPY) writes what the ordinary load writes, and the set-wise
cover selector gives the same answers as the whole service."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from oversight.demo.generate import generate_service
from oversight.exchange.document import parse_document, to_document
from oversight.people.models import Service
from oversight.policy.engine import cover_at
from oversight.store.read import cover_facts, service_facts
from oversight.store.write import replace_service

TODAY = date(2026, 11, 23)
LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db
MOMENTS = ("2026-11-23T12:00", "2026-11-02T09:00", "2026-12-18T16:00", "2026-11-28T10:00", "2025-08-01T12:00")


@pytest.fixture(scope="module")
def demo_facts():
    return parse_document(generate_service(seed=1, today=TODAY, service_id="BULK"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_bulk_load_writes_what_the_ordinary_load_writes(demo_facts):
    from oversight.audit.models import AuditEvent
    from oversight.store.bulk import BulkLoadRefused, bulk_load_service

    report = bulk_load_service(demo_facts, actor="test")
    assert report.totals().added > 50_000
    service = Service.objects.get(ref="BULK")
    assert to_document(service_facts(service)) == to_document(demo_facts)
    # Loading the same document again the ordinary way changes nothing; a second bulk load is refused.
    assert replace_service(demo_facts, actor="test").unchanged
    with pytest.raises(BulkLoadRefused):
        bulk_load_service(demo_facts, actor="test")
    assert AuditEvent.objects.filter(action="load", object_ref="BULK").count() == 1


def test_cover_from_the_set_wise_selector_is_the_same(demo_facts):
    replace_service(demo_facts, actor="test")
    service = Service.objects.get(ref="BULK")
    facts = service_facts(service)
    for moment in MOMENTS:
        at = datetime.fromisoformat(moment).replace(tzinfo=LONDON)
        whole = cover_at(facts, at)
        assert cover_at(cover_facts([service], at)["BULK"], at) == whole, moment
        assert len(whole) > 150


def test_the_tables_one_rule_reads_come_from_the_database_as_from_the_whole_service(demo_facts):
    from oversight.policy.catalogue import BY_ID, reads_of
    from oversight.policy.engine import evaluate
    from oversight.store.read import rule_facts

    replace_service(demo_facts, actor="test")
    service = Service.objects.get(ref="BULK")
    whole = service_facts(service)
    as_of = datetime(2026, 11, 23, 23, 59, tzinfo=LONDON)
    everything = evaluate(whole, as_of)
    for rules in (["SUP-MONTHLY"], ["REC-DEADLINE"], ["SUP-ACTION"], ["COV-CONTACT"], ["DQ-SEEN", "SUP-CASE"]):
        narrow = rule_facts(service, rules)
        assert narrow == whole.only(reads_of(rules)), rules
        found = evaluate(narrow, as_of, rules)
        assert found == [f for f in everything if f.rule in rules] and found, rules
    # Sessions without their discussions: SUP-MONTHLY reads no more than it needs.
    monthly = rule_facts(service, ["SUP-MONTHLY"])
    assert monthly.tables == BY_ID["SUP-MONTHLY"].reads
    assert monthly.supervisions and not any(s.discussions for s in monthly.supervisions)
    assert monthly.contacts == () and monthly.leave_sheets == ()
