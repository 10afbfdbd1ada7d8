"""A person's buddies as they stand (policy/nominations.py): order, approval needed and given."""

from __future__ import annotations

from datetime import date

from oversight.policy.nominations import buddy_for, nomination_states

from .builders import small_service, team


def test_small_service_so1s_cross_grade_buddy_needs_approval_and_has_it():
    facts = small_service().build()
    [state] = nomination_states(facts, "SO1", date(2026, 2, 18))
    assert (state.nomination.buddy, state.position, state.needs_approval, state.approved, state.cannot_act) == (
        "Y1", 1, True, True, None)
    [same] = nomination_states(facts, "Y2", date(2026, 2, 18))
    assert (same.needs_approval, same.approved) == (False, False)
    assert [n.staff for n in buddy_for(facts, "Y1", date(2026, 2, 18))] == ["SO1", "Y2"]


def test_order_and_why_a_buddy_cannot_act():
    b = team().person("Y1", manager="D1").person("Y2", manager="D1").person("S1", "support_officer")
    b.person("Y3", end="2026-01-31").person("H1", "specialist", discipline="health")
    b.buddy("Y1", "S1", rank=1).buddy("Y1", "Y2", rank=2).buddy("Y1", "Y3", rank=3).buddy("Y1", "D1", rank=4)
    b.buddy("Y1", "H1", rank=5, end="2026-01-01")
    states = nomination_states(b.build(), "Y1", date(2026, 2, 18))
    assert [(s.nomination.buddy, s.position, s.needs_approval, s.cannot_act is None) for s in states] == [
        ("S1", 1, True, False), ("Y2", 2, False, True), ("Y3", 3, False, False), ("D1", 4, True, False)]
    assert "no longer employed" in states[2].cannot_act and "not a practitioner" in states[3].cannot_act
