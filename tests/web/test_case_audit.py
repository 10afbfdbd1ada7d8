"""A case's audit history (/cases/<ref>/audit/ and GET /api/cases/<ref>/audit): for the case manager's
line management and senior managers; refused (404, audited) to everyone else; reading it is audited.

On Wed 18 February 2026 Y1 (case manager of E1) is on leave and Y2 covers E1; D1 > T1 > A1 above Y1.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command  # noqa: F401  (the fixtures load the example)

from oversight.audit import services as audit
from oversight.audit.models import AuditEvent
from oversight.people.models import Service
from tests.reports.fixtures import clock, performance_client, service, sign_in, words  # noqa: F401

pytestmark = pytest.mark.django_db

URL = "/cases/E1/audit/"


def test_the_line_manager_reads_who_viewed_the_case_newest_first(service, clock, sign_in):
    clock("2026-02-18 12:00")
    assert sign_in("Y2").get("/cases/E1/").status_code == 200  # the buddy opens the file
    d1 = sign_in("D1")
    case_file = d1.get("/cases/E1/")
    assert 'href="/cases/E1/audit/"' in case_file.content.decode()
    page = d1.get(URL)
    assert page.status_code == 200
    text = words(page)
    assert "Audit history" in text and "Back to the child’s file" in text
    # The newest entry first: D1's reading of this history, then D1's and Y2's views of the file.
    newest = text.index("user-d1 (D1) Viewed user-d1 read the case's audit history")
    buddy = text.index("user-y2 (Y2) Viewed user-y2 opened the child's file cover for Y1 during absence L1 Nothing changed")
    assert newest < buddy
    assert "Wed 18 February 2026 at midday" in text
    entry = AuditEvent.objects.filter(action="view", object_type="case_audit").get()
    assert (entry.case_ref, entry.actor, entry.basis) == ("E1", "user-d1 (D1)", "line manager of Y1 (audit history)")
    assert sign_in("A1").get(URL).status_code == 200  # a senior manager


def test_the_case_manager_cover_and_others_are_refused_and_the_refusal_is_audited(
        service, clock, sign_in, performance_client):
    clock("2026-02-18 12:00")
    assert 'href="/cases/E1/audit/"' not in sign_in("Y2").get("/cases/E1/").content.decode()
    for who in ("Y1", "Y2", "SO1"):
        assert sign_in(who).get(URL).status_code == 404, who
    assert performance_client.get(URL).status_code == 404
    assert sign_in("D1").get("/cases/NOPE/audit/").status_code == 404
    refused = AuditEvent.objects.filter(action="denied", object_type="case_audit")
    assert sorted(refused.values_list("object_ref", flat=True)) == ["E1", "E1", "E1", "E1", "NOPE"]
    assert refused.filter(actor="user-y1 (Y1)").get().basis == (
        "the case manager does not read the audit history of their case")
    assert not AuditEvent.objects.filter(action="view", object_type="case_audit").exists()


def test_the_history_is_paginated_and_shows_what_changed(service, clock, sign_in):
    clock("2026-02-18 12:00")
    ex = Service.objects.get(ref="EX")
    audit.record(service=ex, actor="u-x (D1)", action="change", object_type="discussion", object_ref="V1/E1",
                 case_ref="E1", summary="Depth changed", before={"depth": "check_in"}, after={"depth": "in_depth"})
    for n in range(60):
        audit.record(service=ex, actor="someone", action="view", object_type="case", object_ref="E1",
                     case_ref="E1", summary=f"view number {n}")
    audit.record(service=ex, actor="someone", action="view", object_type="case", object_ref="E3",
                 case_ref="E3", summary="another case")
    d1 = sign_in("D1")
    first = words(d1.get(URL))
    assert "view number 59" in first and "view number 10" not in first and "another case" not in first
    last = words(d1.get(URL + "?page=2"))
    assert "view number 0" in last and "Depth changed" in last and "depth: check_in → in_depth" in last


def test_the_api_gives_the_same_history_to_the_same_people(service, clock, sign_in, performance_client):
    clock("2026-02-18 12:00")
    sign_in("Y2").get("/api/cases/E1")
    body = sign_in("D1").get("/api/cases/E1/audit?limit=2").json()
    assert body["limit"] == 2 and body["count"] >= 2 and len(body["items"]) == 2
    newest, before = body["items"]
    assert (newest["action"], newest["object_type"], newest["basis"]) == (
        "view", "case_audit", "line manager of Y1 (audit history)")
    assert (before["actor"], before["basis"]) == ("user-y2 (Y2)", "cover for Y1 during absence L1")
    assert newest["at"] >= before["at"]
    for who in ("Y1", "Y2"):
        assert sign_in(who).get("/api/cases/E1/audit").status_code == 404
    assert performance_client.get("/api/cases/E1/audit").status_code == 404
    assert AuditEvent.objects.filter(action="denied", object_type="case_audit").count() == 3
