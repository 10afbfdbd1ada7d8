"""Bounds of the service settings (policy/settings.py SETTING_BOUNDS; docs/interpretations.md).

Issue: "a service setting like `cover_lookback_days` = 1e9 makes things hang". Every number setting
has a lowest and highest value; outside them the exchange document is refused with the problem at
its JSON path, and `oversight load` exits 2 having written nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import fields
from datetime import datetime, timezone

import pytest

from oversight.exchange import InvalidDocument, Problem, parse_document
from oversight.policy.engine import evaluate
from oversight.policy.facts import RISKS
from oversight.policy.settings import (
    CONTACT_INTERVAL_BOUNDS,
    DEFAULT_CONTACT_INTERVAL_DAYS,
    SETTING_BOUNDS,
    PolicySettings,
)
from tests.unit.exchange.documents import REPO_ROOT, full_document

NUMBERS = sorted(SETTING_BOUNDS)


def with_settings(**settings) -> dict:
    document = full_document()
    document["service"]["settings"] |= settings
    return document


def problems(document: dict) -> list[Problem]:
    with pytest.raises(InvalidDocument) as caught:
        parse_document(document)
    return caught.value.problems


def test_every_number_setting_has_bounds_that_hold_its_default():
    numbers = {f.name for f in fields(PolicySettings) if f.type == "int"}
    assert set(SETTING_BOUNDS) == numbers
    default = PolicySettings()
    for name, (low, high) in SETTING_BOUNDS.items():
        assert low <= getattr(default, name) <= high, name
    low, high = CONTACT_INTERVAL_BOUNDS
    assert all(low <= days <= high for days in DEFAULT_CONTACT_INTERVAL_DAYS.values())


@pytest.mark.parametrize("name", NUMBERS)
def test_a_number_setting_is_accepted_at_both_bounds(name):
    low, high = SETTING_BOUNDS[name]
    for value in (low, high):
        facts = parse_document(with_settings(**{name: value}))
        assert getattr(facts.settings, name) == value


@pytest.mark.parametrize("name", NUMBERS)
def test_a_number_setting_outside_its_bounds_is_a_problem_at_its_path(name):
    low, high = SETTING_BOUNDS[name]
    at = f"$.service.settings.{name}"
    assert problems(with_settings(**{name: low - 1})) == [Problem(at, f"must be at least {low}")]
    assert problems(with_settings(**{name: high + 1})) == [Problem(at, f"must be at most {high:,}")]


def test_the_value_that_made_the_rules_hang_is_refused():
    assert problems(with_settings(cover_lookback_days=1_000_000_000)) == [
        Problem("$.service.settings.cover_lookback_days", "must be at most 366")
    ]
    # Written as 1e9 it is not even a whole number in JSON.
    assert problems(with_settings(cover_lookahead_days=1e9)) == [
        Problem("$.service.settings.cover_lookahead_days", "must be a whole number, not a decimal number")
    ]


def test_contact_intervals_are_bounded_for_each_risk_level():
    low, high = CONTACT_INTERVAL_BOUNDS
    assert problems(with_settings(contact_interval_days={"low": 0, "high": high + 1})) == [
        Problem("$.service.settings.contact_interval_days.low", f"must be at least {low}"),
        Problem("$.service.settings.contact_interval_days.high", f"must be at most {high}"),
    ]
    facts = parse_document(with_settings(contact_interval_days=dict.fromkeys(RISKS, high)))
    assert dict(facts.settings.contact_interval_days) == dict.fromkeys(RISKS, high)


def test_every_bad_setting_is_listed_at_once():
    document = with_settings(record_working_days=0, urgent_record_hours=10_000, buddy_max_total_cases=-5)
    assert [p.path for p in problems(document)] == [
        "$.service.settings.record_working_days",
        "$.service.settings.urgent_record_hours",
        "$.service.settings.buddy_max_total_cases",
    ]


def test_the_rules_run_with_every_setting_at_its_highest():
    """The upper bounds are ones the rules can work with: findings come back for the whole document."""
    highest = {name: high for name, (_low, high) in SETTING_BOUNDS.items()}
    facts = parse_document(with_settings(**highest, contact_interval_days=dict.fromkeys(RISKS, 365)))
    findings = evaluate(facts, datetime(2026, 2, 18, 12, tzinfo=timezone.utc))
    assert isinstance(findings, list)


def test_oversight_load_exits_2_naming_the_setting_and_writes_nothing(tmp_path):
    """The real console script: the document is refused before the database is opened."""
    path = tmp_path / "service.json"
    path.write_text(json.dumps(with_settings(cover_lookback_days=1_000_000_000)), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["OVERSIGHT_VAR_DIR"] = str(tmp_path / "var")
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    script = os.path.join(os.path.dirname(sys.executable), "oversight")
    done = subprocess.run([script, "load", str(path)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "$.service.settings.cover_lookback_days: must be at most 366" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "db.sqlite3").exists() or (tmp_path / "db.sqlite3").stat().st_size == 0


def test_the_documented_bounds_are_the_enforced_ones():
    """docs/exchange.md, "Bounds of the service settings", is what the loader enforces."""
    text = (REPO_ROOT / "docs" / "exchange.md").read_text(encoding="utf-8")
    table = text.split("## Bounds of the service settings", 1)[1].split("\n\n")[2]
    documented = {}
    for row in table.splitlines()[2:]:
        name, _default, low, high, _why = (cell.strip() for cell in row.strip("|").split("|"))
        documented[name.split("`")[1]] = (int(low), int(high))
    assert documented == {**SETTING_BOUNDS, "contact_interval_days": CONTACT_INTERVAL_BOUNDS}
