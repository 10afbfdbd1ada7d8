"""`collector_paused` turns the cyclic garbage collector off for a block and puts it back as it was."""

from __future__ import annotations

import gc

import pytest

from oversight.collector import collector_paused


@pytest.fixture(autouse=True)
def _collector_on_afterwards():
    yield
    gc.enable()


def test_off_inside_and_on_again_after():
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_on_again_after_an_exception():
    gc.enable()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("stop")
    assert gc.isenabled()


def test_left_off_when_it_was_off_and_nested_uses_keep_it_off():
    gc.enable()
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block turned it off: it turns it on
    assert gc.isenabled()
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_the_rules_run_with_the_collector_paused_and_leave_it_as_it_was(monkeypatch):
    """Judging a large service makes hundreds of thousands of lasting objects and no cycles: the
    collector walking them took about 40% of the time (docs/performance.md)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from oversight.policy import records
    from oversight.policy.engine import evaluate, evaluate_with_span
    from tests.unit.policy.test_access import service

    seen = []

    def spy(judgement):
        seen.append(gc.isenabled())
        return iter(())

    monkeypatch.setattr(records, "check", spy)
    facts = service().build()
    as_of = datetime(2026, 3, 2, 12, 0, tzinfo=ZoneInfo("Europe/London"))
    assert gc.isenabled()
    evaluate(facts, as_of, ["REC-DEADLINE"])
    evaluate_with_span(facts, as_of)
    assert seen == [False, False]
    assert gc.isenabled()
