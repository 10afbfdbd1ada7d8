"""Importing an exchange document: the dry run does everything and keeps nothing."""

import copy

import pytest

from oversight.audit.models import AuditEvent
from oversight.exchange.document import parse_document
from oversight.imports.exchange_import import exchange_import
from oversight.imports.report import ImportRefused
from oversight.people.models import Case, Staff
from oversight.store.write import replace_service

pytestmark = pytest.mark.django_db


def changed(document: dict) -> dict:
    document = copy.deepcopy(document)
    document["cases"][0]["risk"] = "very_high"
    document["staff"].append({"id": "N1", "name": "New", "role": "support_officer", "discipline": None,
                              "employment": "permanent", "email": None, "start": "2026-03-01", "end": None})
    document["contacts"] = document["contacts"][1:]
    return document


def test_a_dry_run_of_replace_service_reports_and_rolls_back(service, small_document):
    audits = AuditEvent.objects.count()
    report = replace_service(parse_document(changed(small_document)), actor="test", dry_run=True)
    assert (report.tables["cases"].changed, report.tables["staff"].added, report.tables["contacts"].removed) == (1, 1, 1)
    assert Case.objects.get(service=service, ref="E1").risk == "medium"
    assert not Staff.objects.filter(service=service, ref="N1").exists()
    assert AuditEvent.objects.count() == audits


def test_the_dry_run_report_is_what_applying_does(service, small_document):
    dry = exchange_import(changed(small_document), service=service, actor="test", dry_run=True)
    applied = exchange_import(changed(small_document), service=service, actor="test", dry_run=False)
    assert dry.tables == applied.tables and not dry.applied and applied.applied
    assert Case.objects.get(service=service, ref="E1").risk == "very_high"


def test_every_problem_comes_with_its_json_path_and_nothing_is_written(service, small_document):
    bad = changed(small_document)
    bad["staff"][0]["role"] = "officer"
    bad["allocations"][0]["staff"] = "NOBODY"
    with pytest.raises(ImportRefused) as refused:
        exchange_import(bad, service=service, actor="test", dry_run=False)
    paths = [p.path for p in refused.value.report.problems]
    assert "$.staff[0].role" in paths and "$.allocations[0].staff" in paths
    assert not Staff.objects.filter(service=service, ref="N1").exists()


def test_a_document_of_another_service_is_refused(service, small_document):
    other = dict(small_document, service={**small_document["service"], "id": "ELSEWHERE"})
    with pytest.raises(ImportRefused) as refused:
        exchange_import(other, service=service, actor="test", dry_run=True)
    assert refused.value.report.problems[0].path == "$.service.id"
