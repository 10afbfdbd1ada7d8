"""The bulk first load (PostgreSQL COPY) writes what the ordinary load writes, and the set-wise
cover selector gives the same answers as the whole service."""

from datetime import date, datetime, time, timedelta
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


def _records_on_the_edge(facts):
    """The demo with records made at the last moment surely in time, and a microsecond after, for
    sessions held on each weekday in winter and in summer time and for every event (significant or
    not, as they were)."""
    from dataclasses import replace

    from oversight.policy.calendar import WorkingCalendar
    from oversight.policy.records import weekday_reach

    calendar, reach = WorkingCalendar(), weekday_reach(facts.settings.record_working_days)

    def last_moment(held, significant):
        if significant:
            return calendar.hours_deadline(held, facts.settings.urgent_record_hours)
        day = calendar.local_date(held)
        return calendar.end_of(day + timedelta(days=reach[day.weekday()]))

    wanted = {(weekday, summer) for weekday in range(7) for summer in (False, True)}
    sessions = []
    for session in facts.supervisions:
        local = session.held.astimezone(LONDON)
        key = (local.weekday(), bool(local.dst()))
        if key in wanted and session.is_formal and len(session.discussions) >= 2:
            wanted.discard(key)
            on_time, late = session.discussions[:2]
            session = replace(session, discussions=(
                replace(on_time, recorded=last_moment(session.held, on_time.significant),
                        recorded_by=on_time.recorded_by or session.supervisor),
                replace(late, recorded=last_moment(session.held, late.significant) + timedelta(microseconds=1),
                        recorded_by=late.recorded_by or session.supervisor),
                *session.discussions[2:],
            ))
        sessions.append(session)
    assert not wanted - {(5, False), (5, True), (6, False), (6, True)}  # every working weekday, both times
    # Events held at half past midnight: in summer time the day before in UTC, which must not count.
    past_midnight = (
        datetime.combine(e.held.astimezone(LONDON).date(), time(0, 30), tzinfo=LONDON) for e in facts.oversight_events
    )
    events = tuple(
        replace(e, held=held, recorded=last_moment(held, e.significant) + timedelta(microseconds=i % 2),
                recorded_by=e.recorded_by or e.by)
        for i, (e, held) in enumerate(zip(facts.oversight_events, past_midnight, strict=True))
    )
    return replace(facts, supervisions=tuple(sessions), oversight_events=events)


def test_the_records_made_in_time_are_left_unread_by_the_database_as_by_the_rule(demo_facts):
    """On PostgreSQL the database tells the records surely made in time apart (store.read); on
    SQLite the rules do. Either way the same records are left out and REC-DEADLINE finds the same."""
    from oversight.policy.catalogue import BY_ID
    from oversight.policy.engine import evaluate
    from oversight.policy.records import without_records_made_in_time
    from oversight.store.read import rule_facts

    replace_service(_records_on_the_edge(demo_facts), actor="test")
    service = Service.objects.get(ref="BULK")
    whole = service_facts(service).only(BY_ID["REC-DEADLINE"].reads)

    def by_id(rows):  # the database's order is its own
        return sorted(rows, key=lambda row: row.id)

    read = {}
    for moment in MOMENTS:
        as_of = datetime.fromisoformat(moment).replace(tzinfo=LONDON)
        narrow = read[moment] = rule_facts(service, ["REC-DEADLINE"], as_of)
        expected = without_records_made_in_time(whole, as_of)
        assert by_id(narrow.supervisions) == by_id(expected.supervisions), moment
        assert by_id(narrow.oversight_events) == by_id(expected.oversight_events), moment
        assert narrow.in_time_left_out_by == as_of and narrow.tables == whole.tables
        found = evaluate(narrow, as_of, ["REC-DEADLINE"])
        assert found == evaluate(whole, as_of, ["REC-DEADLINE"]) and found, moment
    # Of the records on the edge, those made a microsecond after it (…001) are read, the others are
    # not unless made after the moment judged; and most of the history is not read.
    after_the_edge = {e.id for e in whole.oversight_events if e.recorded.microsecond % 1000 == 1}
    assert len(after_the_edge) == len(whole.oversight_events) // 2
    assert {e.id for e in narrow.oversight_events} == after_the_edge | {
        e.id for e in whole.oversight_events if e.recorded > as_of}
    edge_discussions = [(s.id, d.case) for s in narrow.supervisions for d in s.discussions
                        if d.recorded and d.recorded.microsecond % 1000 == 1]
    assert len(edge_discussions) >= 10
    # A moment without an offset is the service's local time, as everywhere else.
    plain = datetime.fromisoformat(MOMENTS[0])
    assert evaluate(rule_facts(service, ["REC-DEADLINE"], plain), plain, ["REC-DEADLINE"]) == evaluate(
        whole, plain, ["REC-DEADLINE"])
    today = sum(len(s.discussions) for s in read[MOMENTS[0]].supervisions)
    assert today * 2 < sum(len(s.discussions) for s in whole.supervisions)
