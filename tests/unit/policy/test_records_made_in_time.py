"""REC-DEADLINE judged without the records surely made in time (records.without_records_made_in_time)
finds exactly what it finds on every record: what `findings --rule REC-DEADLINE` and the floor
benchmark rely on when the database leaves ten years of records made in time unread."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.demo.facts import facts_from_world
from oversight.demo.generate import build_world
from oversight.policy.calendar import WorkingCalendar
from oversight.policy.engine import evaluate, owners_with_span
from oversight.policy.records import surely_in_time, weekday_reach, without_records_made_in_time
from oversight.policy.settings import PolicySettings

from .builders import LONDON
from .strategies import LAST, services

TODAY = date(2026, 11, 23)
DEADLINE = ["REC-DEADLINE"]
END_OF_TODAY = datetime.combine(TODAY, time(23, 59, 59), tzinfo=LONDON)


@pytest.fixture(scope="module")
def demo():
    return facts_from_world(build_world(seed=1, today=TODAY, scale="demo", service_id="DEMO"), "Demo")


def discussions(facts) -> int:
    return sum(len(s.discussions) for s in facts.supervisions)


@pytest.mark.parametrize("as_of, by", [
    (END_OF_TODAY, END_OF_TODAY),
    (END_OF_TODAY, END_OF_TODAY - timedelta(days=40)),  # left out six weeks earlier, judged today
    (datetime(2026, 3, 30, 9, tzinfo=LONDON), datetime(2026, 3, 30, 9, tzinfo=LONDON)),  # after clocks went forward
])
def test_the_demo_service_without_records_made_in_time_has_the_same_record_deadline_findings(demo, as_of, by):
    whole = evaluate(demo, as_of, DEADLINE)
    narrow = without_records_made_in_time(demo, by)
    assert evaluate(narrow, as_of, DEADLINE) == whole
    assert whole  # overdue and late records are there to be found
    # The records made in time are what is left out: most of them.
    assert discussions(narrow) * 2 < discussions(demo)
    assert len(narrow.oversight_events) * 2 < len(demo.oversight_events)


@settings(max_examples=80, deadline=None)
@given(services(), st.integers(0, 300), st.integers(0, 60))
def test_the_same_holds_on_random_services(builder, days_back, earlier):
    facts = builder.build()
    as_of = datetime.combine(LAST - timedelta(days=days_back), time(17), tzinfo=LONDON)
    narrow = without_records_made_in_time(facts, as_of - timedelta(days=earlier))
    assert evaluate(narrow, as_of, DEADLINE) == evaluate(facts, as_of, DEADLINE)


@settings(max_examples=300, deadline=None)
@given(
    st.dates(date(2015, 1, 1), date(2035, 12, 31)),
    st.times(),
    st.integers(1, 60),
    st.lists(st.dates(date(2015, 1, 1), date(2036, 6, 30)), max_size=20),
)
def test_a_record_surely_in_time_is_never_after_its_deadline(day, clock, working_days, closures):
    """Bank holidays (Christmas, Easter), service closures and clock changes only move the deadline
    later than the weekday reach: a record made at the reach's last moment is in time."""
    calendar = WorkingCalendar(closure_days=closures)
    held = datetime.combine(day, clock, tzinfo=LONDON)
    deadline = calendar.working_day_deadline(held, working_days)
    last_day = day + timedelta(days=weekday_reach(working_days)[day.weekday()])
    assert calendar.end_of(last_day) <= deadline
    settings_ = PolicySettings(record_working_days=working_days)
    assert surely_in_time(calendar, settings_, held, False, calendar.end_of(last_day), by=deadline)
    assert not surely_in_time(calendar, settings_, held, False, calendar.end_of(last_day) + timedelta(microseconds=1),
                              by=deadline + timedelta(days=1))


def test_the_reach_of_five_working_days_is_a_week_from_a_weekday_and_less_from_a_weekend():
    # Monday's 5th weekday after is the next Monday; Saturday's and Sunday's is the Friday after.
    assert weekday_reach(5) == (7, 7, 7, 7, 7, 6, 5)
    assert weekday_reach(1) == (1, 1, 1, 1, 3, 2, 1)


def test_a_significant_record_is_surely_in_time_up_to_the_24th_hour_and_not_after():
    calendar, rules = WorkingCalendar(), PolicySettings()
    held = datetime(2026, 3, 28, 18, 30, tzinfo=LONDON)  # the clocks go forward that night
    by = held + timedelta(days=3)
    last = datetime(2026, 3, 29, 19, 30, tzinfo=LONDON)  # 24 elapsed hours: 19:30 by the clock
    assert surely_in_time(calendar, rules, held, True, last, by)
    assert not surely_in_time(calendar, rules, held, True, last + timedelta(microseconds=1), by)
    assert not surely_in_time(calendar, rules, held, True, None, by)  # not on the file
    assert not surely_in_time(calendar, rules, held, True, held + timedelta(hours=1), held)  # made after `by`


def test_facts_without_records_made_in_time_are_refused_for_other_rules_and_earlier_moments(demo):
    narrow = without_records_made_in_time(demo, END_OF_TODAY)
    with pytest.raises(ValueError, match="which REC-AUTHOR need"):
        evaluate(narrow, END_OF_TODAY, ["REC-DEADLINE", "REC-AUTHOR"])
    with pytest.raises(ValueError, match="which .*SUP-CASE"):
        evaluate(narrow, END_OF_TODAY)  # every rule
    with pytest.raises(ValueError, match="as of that moment or later"):
        evaluate(narrow, END_OF_TODAY - timedelta(seconds=1), DEADLINE)
    with pytest.raises(ValueError, match="whole service"):
        owners_with_span(narrow, END_OF_TODAY, [])
