"""`oversight keep_findings` (store/keeper.py): the findings are computed before anyone asks."""

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from oversight.people.models import Service, Staff
from oversight.policy.engine import evaluate
from oversight.store import cache, keeper, read

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "small-service.json"
NOW = datetime(2026, 2, 18, 12, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def service():
    call_command("load", str(EXAMPLE))
    return Service.objects.get(ref="EX")


@pytest.fixture
def computations(monkeypatch):
    """The moments for which findings were computed (rather than served)."""
    moments = []
    real = cache.evaluate_with_span
    monkeypatch.setattr(cache, "evaluate_with_span", lambda facts, as_of: moments.append(as_of) or real(facts, as_of))
    return moments


def test_a_page_after_the_keeper_serves_without_computing(service, computations):
    assert keeper.keep_current(NOW) == ["EX"]
    assert len(computations) == 1
    owned, _people = cache.owners_and_facts(service, NOW)  # what the home page and the API ask for
    found = cache.findings_at(service, NOW)
    assert len(computations) == 1  # served what the keeper kept
    assert found == evaluate(read.fresh_service_facts(service, True), NOW)
    assert owned


def test_the_keeper_computes_again_only_after_a_change(service, computations):
    keeper.keep_current(NOW)
    assert keeper.keep_current(NOW) == []  # nothing changed: nothing computed
    Staff.objects.filter(service=service, ref="Y2").update(name="Example Y2 (renamed)")
    assert keeper.keep_current(NOW) == ["EX"]
    assert cache.findings_at(service, NOW) == evaluate(read.fresh_service_facts(service, True), NOW)
    assert len(computations) == 2


def test_one_failing_service_does_not_stop_the_others(service, monkeypatch, tmp_path, caplog):
    document = json.loads(EXAMPLE.read_text())
    document["service"]["id"] = "EX2"
    (tmp_path / "second.json").write_text(json.dumps(document))
    call_command("load", str(tmp_path / "second.json"))
    real = cache.evaluate_with_span

    def failing_for_ex(facts, as_of):
        if facts.service.id == "EX":
            raise RuntimeError("the rules failed")
        return real(facts, as_of)

    monkeypatch.setattr(cache, "evaluate_with_span", failing_for_ex)
    assert keeper.keep_current(NOW) == ["EX2"]
    assert keeper.keep_current(NOW, refs=["EX"]) == []  # only the service named, failing again
    assert "Findings of EX could not be computed" in caplog.text
    assert cache.is_kept(Service.objects.get(ref="EX2"), NOW) and not cache.is_kept(service, NOW)


def test_the_command_runs_once_and_refuses_a_bad_interval(service, capsys):
    call_command("keep_findings", "--once")
    assert "Computed the findings of 1 services" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--interval must be a positive number"):
        call_command("keep_findings", "--once", "--interval", "0")
    with pytest.raises(CommandError, match="no service with id NOPE"):
        call_command("keep_findings", "--once", "--service", "NOPE")


def test_a_pass_stops_between_services_when_asked(service, tmp_path):
    """SIGTERM ends the keeper after the service in hand, not after a national pass of minutes."""
    document = json.loads(EXAMPLE.read_text())
    document["service"]["id"] = "EX2"
    (tmp_path / "second.json").write_text(json.dumps(document))
    call_command("load", str(tmp_path / "second.json"))
    asked = []

    def stop_after_the_first():
        asked.append(1)
        return len(asked) > 1

    assert keeper.keep_current(NOW, stopping=stop_after_the_first) == ["EX"]
    assert not cache.is_kept(Service.objects.get(ref="EX2"), NOW)
