"""Judging one rule on the tables it reads (catalogue.Rule.reads) gives exactly the findings it has on
the whole service: what `findings --rule` and the floor benchmark rely on when they read no more."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.demo.facts import facts_from_world
from oversight.demo.generate import build_world
from oversight.policy.catalogue import BY_ID, RULE_IDS, reads_of
from oversight.policy.engine import evaluate
from oversight.policy.facts import TABLES

from .builders import LONDON
from .strategies import LAST, services

TODAY = date(2026, 11, 23)
# The end of the demo's day, and a moment a month and a half earlier (other months open and closed).
MOMENTS = (
    datetime.combine(TODAY, time(23, 59, 59), tzinfo=LONDON),
    datetime.combine(TODAY - timedelta(days=45), time(9, 30), tzinfo=LONDON),
)


@pytest.fixture(scope="module")
def demo():
    """The demo service (every rule has findings in it), and all its findings at each moment."""
    facts = facts_from_world(build_world(seed=1, today=TODAY, scale="demo", service_id="DEMO"), "Demo")
    return facts, {as_of: evaluate(facts, as_of) for as_of in MOMENTS}


@pytest.mark.parametrize("rule", RULE_IDS)
def test_a_rule_judged_on_its_own_tables_finds_what_it_finds_on_the_whole_service(demo, rule):
    facts, everything = demo
    narrow = facts.only(BY_ID[rule].reads)
    for as_of in MOMENTS:
        whole = [f for f in everything[as_of] if f.rule == rule]
        assert evaluate(narrow, as_of, [rule]) == whole


def test_the_demo_gives_every_rule_findings_to_compare(demo):
    _, everything = demo
    found = Counter(f.rule for f in everything[MOMENTS[0]])
    assert [rule for rule in RULE_IDS if not found[rule]] == []


@settings(max_examples=60, deadline=None)
@given(services(), st.sampled_from(RULE_IDS), st.integers(0, 300))
def test_the_same_holds_on_random_services(builder, rule, days_back):
    facts = builder.build()
    as_of = datetime.combine(LAST - timedelta(days=days_back), time(17), tzinfo=LONDON)
    whole = [f for f in evaluate(facts, as_of) if f.rule == rule]
    assert evaluate(facts.only(BY_ID[rule].reads), as_of, [rule]) == whole


def test_several_rules_are_judged_on_the_tables_they_read_together(demo):
    facts, everything = demo
    rules = ["SUP-MONTHLY", "REC-DEADLINE"]
    narrow = facts.only(reads_of(rules))
    assert evaluate(narrow, MOMENTS[0], rules) == [f for f in everything[MOMENTS[0]] if f.rule in rules]


def test_a_rule_is_refused_on_facts_read_without_a_table_it_reads(demo):
    facts, _ = demo
    monthly = facts.only(BY_ID["SUP-MONTHLY"].reads)
    with pytest.raises(ValueError, match="read without discussions, oversight_events"):
        evaluate(monthly, MOMENTS[0], ["REC-DEADLINE"])
    with pytest.raises(ValueError, match="read without"):
        evaluate(monthly, MOMENTS[0])  # every rule


def test_an_unknown_rule_is_refused_by_name(demo):
    facts, _ = demo
    with pytest.raises(ValueError, match="no such rule: SUP-WEEKLY"):
        evaluate(facts, MOMENTS[0], ["SUP-MONTHLY", "SUP-WEEKLY"])


def test_facts_keep_only_the_tables_asked_for_and_say_so(demo):
    facts, _ = demo
    monthly = facts.only(frozenset({"staff", "cases", "supervisions"}))
    assert monthly.tables == {"staff", "cases", "supervisions"}
    assert monthly.allocations == () and monthly.contacts == () and monthly.absences == ()
    assert len(monthly.supervisions) == len(facts.supervisions)
    assert all(s.discussions == () for s in monthly.supervisions)
    # Narrowing again cannot bring back a table that was left out.
    assert monthly.only(frozenset({"staff", "allocations"})).tables == {"staff"}
    with_discussions = facts.only(frozenset({"supervisions", "discussions"}))
    assert any(s.discussions for s in with_discussions.supervisions)
    assert all(not d.actions for s in with_discussions.supervisions for d in s.discussions)
    assert any(d.actions for s in facts.supervisions for d in s.discussions)
    with pytest.raises(ValueError, match="no such tables of a service's facts: visits"):
        facts.only(frozenset({"staff", "visits"}))


def test_every_rule_reads_named_tables_only():
    assert all(BY_ID[rule].reads and BY_ID[rule].reads <= TABLES for rule in RULE_IDS)


def test_the_owners_of_findings_are_not_worked_out_on_part_of_a_service(demo):
    from oversight.policy.engine import owners_with_span

    facts, everything = demo
    findings = [f for f in everything[MOMENTS[0]] if f.rule == "SUP-MONTHLY"]
    owners_with_span(facts, MOMENTS[0], findings)  # the whole service: fine
    with pytest.raises(ValueError, match="whole service"):
        owners_with_span(facts.only(BY_ID["SUP-MONTHLY"].reads), MOMENTS[0], findings)
