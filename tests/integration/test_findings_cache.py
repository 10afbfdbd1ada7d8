"""Findings kept per data revision (store/cache.py, store/revisions.py) are never stale.

Whoever writes (the store, a page, the API, raw SQL), the service gets a new revision in the same
transaction, and what is served afterwards is what the rules give on a fresh read. Served findings
are compared with `evaluate` on facts read straight from the database, never with each other.
"""

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oversight.accounts.services import account_set
from oversight.cover.models import Absence
from oversight.people.models import Service, Staff
from oversight.policy.engine import evaluate, evaluate_with_span
from oversight.store import cache, read, revisions

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "small-service.json"
LONDON = ZoneInfo("Europe/London")
AS_OF = datetime(2026, 2, 18, 12, 0, tzinfo=LONDON)


@pytest.fixture
def service():
    call_command("load", str(EXAMPLE))
    return Service.objects.get(ref="EX")


def fresh(service, as_of):
    """What the rules give on the database as it is now, read without any cache."""
    return evaluate(read.fresh_service_facts(Service.objects.get(pk=service.pk), True), as_of)


def rules(findings) -> set[tuple]:
    return {(f.rule, f.subject, f.case, f.period, str(f.status)) for f in findings}


def trigger_tables() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = 'store_revision_update'")
        else:
            cursor.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'store_revision_%'")
        return {row[0].strip('"') for row in cursor.fetchall()}


def test_every_table_the_findings_are_read_from_is_watched(service, monkeypatch):
    """A table read by service_facts without a revision trigger would let a write go unnoticed."""
    read_from = set()
    rows = read._rows

    def noting(queryset, *fields):  # on PostgreSQL these run on the driver's cursor, unseen by Django
        queryset.query.get_compiler(connection=connection).as_sql()
        read_from.update(alias.table_name for alias in queryset.query.alias_map.values())
        return rows(queryset, *fields)

    monkeypatch.setattr(read, "_rows", noting)
    with CaptureQueriesContext(connection) as queries:
        read.fresh_service_facts(service, True)
    read_from |= {t for q in queries.captured_queries for t in re.findall(r'(?:FROM|JOIN) "(\w+)"', q["sql"])}
    assert "supervision_discussion" in read_from and "cover_leavesheetline" in read_from
    assert read_from - {"store_servicerevision"} <= trigger_tables()


def test_served_findings_are_those_of_a_fresh_read_hour_by_hour(service):
    """Over three days, hour by hour and at odd moments, the served findings equal evaluate's, while
    most of them come from the cache."""
    computed = []
    real = cache.evaluate_with_span

    def counting(facts, as_of):
        computed.append(as_of)
        return real(facts, as_of)

    cache.evaluate_with_span = counting
    try:
        moments = [datetime(2026, 2, 15, 0, 0, tzinfo=LONDON) + timedelta(minutes=37 * i) for i in range(120)]
        for as_of in moments:
            assert cache.findings_at(service, as_of) == fresh(service, as_of), as_of
    finally:
        cache.evaluate_with_span = real
    assert len(computed) < len(moments) / 2


def test_the_span_holds_and_ends_where_the_findings_change(service):
    facts = read.fresh_service_facts(service, True)
    found, (valid_from, valid_until) = evaluate_with_span(facts, AS_OF)
    assert found == evaluate(facts, AS_OF)
    assert valid_from <= AS_OF < valid_until
    assert evaluate(facts, valid_from) == found
    assert evaluate(facts, valid_until - timedelta(microseconds=1)) == found
    midnight = datetime(2026, 2, 19, 0, 0, tzinfo=LONDON)
    assert valid_until <= midnight  # never past the local day


def test_a_write_by_raw_sql_is_seen(service):
    before = cache.findings_at(service, AS_OF)
    assert ("COV-LEAVE-SHEET", "Y1", "E2", None, "breach") in rules(before)
    with connection.cursor() as cursor:  # cover E2 on Y1's leave sheet, behind the application's back
        cursor.execute(
            "INSERT INTO cover_leavesheetline (service_id, leave_sheet_id, case_id, cover_id, young_person_informed, "
            "notes) SELECT l.service_id, l.leave_sheet_id, (SELECT id FROM people_case WHERE ref = 'E2'), "
            "(SELECT id FROM people_staff WHERE ref = 'SO1'), l.young_person_informed, '' "
            "FROM cover_leavesheetline l"
        )
        assert cursor.rowcount == 1
    after = cache.findings_at(service, AS_OF)
    assert after == fresh(service, AS_OF)
    assert ("COV-LEAVE-SHEET", "Y1", "E2", None, "breach") not in rules(after)


def test_a_write_drops_what_was_kept_for_the_revision_it_replaced(service):
    """Entries under an earlier revision can never be served again: a worker does not keep them
    (each write used to leave about 120 KiB of the demo service in every worker until 1,000 entries)."""
    day = AS_OF.date().isoformat()
    cache.owners_and_facts(service, AS_OF)
    earlier = cache._key(service.pk, revisions.current(service.pk), day)
    assert cache.shared.get(earlier) is not None and cache.shared.get(earlier + ":owners") is not None
    Staff.objects.filter(service=service, ref="Y2").update(name="Example Y2 (renamed)")  # a new revision

    cache.owners_and_facts(service, AS_OF)
    assert cache.findings_at(service, AS_OF) == fresh(service, AS_OF)
    assert cache.shared.get(earlier) is None and cache.shared.get(earlier + ":owners") is None
    assert earlier not in cache._local and earlier + ":owners" not in cache._local
    now_kept = cache._key(service.pk, revisions.current(service.pk), day)
    assert cache.shared.get(now_kept) is not None and cache.shared.get(now_kept + ":owners") is not None
    # Another day's entry of the same revision is kept: the API can ask for any moment.
    cache.findings_at(service, AS_OF + timedelta(days=1))
    assert cache.shared.get(now_kept) is not None


def test_a_write_through_the_store_is_seen(service, tmp_path):
    revision = revisions.current(service.pk)
    before = cache.findings_at(service, AS_OF)
    document = json.loads(EXAMPLE.read_text())
    document["leave_sheets"][0]["cases"].append({"case": "E2", "cover": "SO1", "young_person_informed": True})
    path = tmp_path / "covered.json"
    path.write_text(json.dumps(document))
    call_command("load", str(path))
    assert revisions.current(service.pk) != revision
    after = cache.findings_at(service, AS_OF)
    assert after == fresh(service, AS_OF)
    assert ("COV-LEAVE-SHEET", "Y1", "E2", None, "breach") in rules(before) - rules(after)


def test_a_write_through_a_page_is_seen_on_the_home_page(service, monkeypatch):
    moment = datetime(2026, 2, 2, 9, 0, tzinfo=LONDON)
    monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(UTC))
    staff = Staff.objects.get(service=service, ref="Y1")
    account = account_set(service=service, username="y1", password="correct horse battery staple 42",
                          staff=staff, actor="test")
    client = Client()
    client.force_login(account.user)
    before = client.get("/").content.decode()
    booked = client.post("/absences/new/", {
        "kind": "annual_leave", "first_day-day": "2", "first_day-month": "3", "first_day-year": "2026",
        "last_day-day": "6", "last_day-month": "3", "last_day-year": "2026",
    })
    assert booked.status_code == 302
    ref = Absence.objects.exclude(ref="L1").get().ref
    sheet = f"/absences/{ref}/leave-sheet/"  # the new leave needs its sheet: a finding with its link
    assert sheet not in before and sheet in client.get("/").content.decode()


def test_a_write_through_the_api_is_seen_by_the_api(service):
    from oversight.api.services import api_token_create

    owner = account_set(service=service, username="a1", password="correct horse battery staple 42",
                        staff=Staff.objects.get(service=service, ref="A1"), actor="test")
    _, secret = api_token_create(owner=owner, actor="test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def listed():
        items = client.get("/api/findings?as_of=2026-02-18T12:00&limit=500").json()["items"]
        return {(f["rule"], f["subject"], f["case"], f["period"], f["status"]) for f in items}

    assert listed() == rules(fresh(service, AS_OF))
    with connection.cursor() as cursor:  # no line manager for D1 any more: the chain breaks differently
        cursor.execute("DELETE FROM people_reportingline WHERE staff_id = (SELECT id FROM people_staff WHERE ref = 'D1')")
    assert listed() == rules(fresh(service, AS_OF))


def test_unsaved_changes_to_the_service_are_not_kept(service):
    """A caller's copy of the service with settings not saved is read as given, and not kept for others."""
    revision, kept = read.snapshot(service)
    assert revision is not None
    changed = Service.objects.get(pk=service.pk)
    changed.name = "Renamed, not saved"
    revision_changed, facts = read.snapshot(changed)
    assert revision_changed is None and facts.service.name == "Renamed, not saved"
    assert read.service_facts(service).service.name == service.name


def test_findings_are_still_answered_when_the_shared_cache_is_down(service, settings):
    """Redis unreachable: every request computes, nothing fails."""
    from django.core.cache import caches

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    caches._settings = None  # the cache handler reads the settings again
    try:
        cache.shared = caches.create_connection("default")
        cache._local.clear()
        assert cache.findings_at(service, AS_OF) == fresh(service, AS_OF)
    finally:
        from django.core.cache import cache as default

        cache.shared = default


def test_a_request_waits_for_the_findings_another_worker_is_computing(service, monkeypatch):
    """The first request to miss claims the entry; another worker asking meanwhile is served what the
    first one kept, rather than reading and judging the whole service a second time."""
    day = AS_OF.date().isoformat()
    key = cache._key(service.pk, revisions.current(service.pk), day)
    cache.shared.add(key + ":computing", "another worker")
    computed_here = []
    real = cache.evaluate_with_span
    monkeypatch.setattr(cache, "evaluate_with_span", lambda facts, as_of: computed_here.append(as_of) or real(facts, as_of))

    def other_worker_finishes():  # while this request waits, the claiming worker keeps its entry
        findings, span = real(read.fresh_service_facts(service, True), AS_OF)
        cache.shared.set(key, (*span, tuple(findings)))
        cache.shared.delete(key + ":computing")

    monkeypatch.setattr(cache, "_pause", other_worker_finishes)
    assert cache.findings_at(service, AS_OF) == fresh(service, AS_OF)
    assert computed_here == []


def test_a_request_computes_itself_when_the_claiming_worker_never_finishes(service, monkeypatch):
    day = AS_OF.date().isoformat()
    key = cache._key(service.pk, revisions.current(service.pk), day)
    cache.shared.add(key + ":computing", "a worker that was killed")
    waits = []
    monkeypatch.setattr(cache, "_pause", lambda: waits.append(1))
    monkeypatch.setattr(cache, "WAIT_SECONDS", 0)
    assert cache.findings_at(service, AS_OF) == fresh(service, AS_OF)
    assert waits == [1]
    assert cache.shared.get(key) is not None  # kept for the others


def test_the_claim_is_given_up_when_computing_fails(service, monkeypatch):
    """A computation that fails must not leave the others waiting for the claim to lapse."""
    key = cache._key(service.pk, revisions.current(service.pk), AS_OF.date().isoformat())

    def failing(facts, as_of):
        raise RuntimeError("the rules failed")

    monkeypatch.setattr(cache, "evaluate_with_span", failing)
    with pytest.raises(RuntimeError):
        cache.findings_at(service, AS_OF)
    assert cache.shared.get(key + ":computing") is None
    monkeypatch.undo()
    assert cache.findings_at(service, AS_OF) == fresh(service, AS_OF)
    assert cache.shared.get(key + ":computing") is None
