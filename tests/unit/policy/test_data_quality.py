"""Preparation and data quality, "Stat Wednesday" (RULES.md): DQ-SEEN, DQ-ASSESSMENT, DQ-PLAN, DQ-REVIEW."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from oversight.policy import data_quality
from oversight.policy.calendar import WorkingCalendar
from oversight.policy.data_quality import next_stat_wednesday, stat_wednesdays
from oversight.policy.settings import PolicySettings

from .builders import keys, run, small_service, team

CAL = WorkingCalendar()
ANCHOR = PolicySettings().stat_wednesday_anchor


def dq(facts, as_of, rule=None):
    return run(data_quality.check, facts, as_of, rule)


def end_of(day: str) -> datetime:
    return CAL.end_of(date.fromisoformat(day))


def a_case(risk="medium", **case):
    return (
        team()
        .person("Y1", manager="D1")
        .case("C1", manager="Y1", risk=risk, **({"opened": "2025-11-03"} | case))
    )


# "The line manager should prepare prior to the supervision session by reviewing cases, checking whether
# young people have been seen, whether assessments, planning and reviewing has taken place."
def test_small_service_example_has_no_data_quality_findings():
    assert dq(small_service().build(), "2026-02-18 12:00") == []


def test_seen_within_the_contact_interval_is_fine_and_a_day_more_is_a_breach():
    b = a_case("medium").contact("C1", "2026-01-02")  # medium risk: every 14 days
    assert dq(b.build(), "2026-01-16 18:00") == []
    found = dq(b.build(), "2026-01-17 09:00")
    assert [(f.rule, f.status, f.subject, f.case, f.due) for f in found] == [
        ("DQ-SEEN", "breach", "C1", "C1", end_of("2026-01-16"))
    ]
    assert "last seen face to face on Fri 2026-01-02" in found[0].detail
    assert "every 14 days" in found[0].detail


def test_contact_interval_follows_the_risk_of_serious_harm():
    for risk, fine, late in (("low", 28, 29), ("high", 7, 8), ("very_high", 7, 8)):
        b = a_case(risk).contact("C1", "2026-01-05")
        assert dq(b.build(), datetime(2026, 1, 5, 12) + timedelta(days=fine)) == [], risk
        assert [f.rule for f in dq(b.build(), datetime(2026, 1, 5, 12) + timedelta(days=late))] == [
            "DQ-SEEN"
        ], risk


def test_only_face_to_face_contact_counts_as_seen():
    b = (
        a_case("high")
        .contact("C1", "2026-01-05")
        .contact("C1", "2026-01-12", "phone")
        .contact("C1", "2026-01-13", "video")
    )
    [finding] = dq(b.build(), "2026-01-14 09:00")
    assert finding.due == end_of("2026-01-12") and "Mon 2026-01-05" in finding.detail


def test_a_case_never_seen_is_measured_from_its_opening():
    b = a_case("high", opened="2026-01-05")
    assert dq(b.build(), "2026-01-12 09:00") == []
    [finding] = dq(b.build(), "2026-01-13 09:00")
    assert finding.due == end_of("2026-01-12") and "since it opened on Mon 2026-01-05" in finding.detail


def test_contact_before_the_case_opened_does_not_count():
    b = a_case("high", opened="2026-01-05").contact("C1", "2025-12-01")
    assert [f.due for f in dq(b.build(), "2026-01-13 09:00")] == [end_of("2026-01-12")]


def test_a_contact_after_the_as_of_day_is_not_yet_known():
    b = a_case("high").contact("C1", "2026-01-05").contact("C1", "2026-01-20")
    assert [f.due for f in dq(b.build(), "2026-01-14 09:00")] == [end_of("2026-01-12")]


def test_closed_cases_are_not_judged():
    b = a_case("high", closed="2026-01-10")
    assert dq(b.build(), "2026-02-01 09:00") == []


def test_service_contact_intervals_can_be_changed():
    b = (
        a_case("low")
        .contact("C1", "2026-01-05")
        .settings(
            contact_interval_days=PolicySettings.from_mapping(
                {"contact_interval_days": {"low": 10}}
            ).contact_interval_days
        )
    )
    assert [f.due for f in dq(b.build(), "2026-01-16 09:00")] == [end_of("2026-01-15")]


def test_milestones_past_due_and_not_completed_are_breaches_of_their_kind():
    b = a_case("low").contact("C1", "2026-01-30")
    b.milestone("C1", "assessment", "2026-01-20")
    b.milestone("C1", "plan", "2026-01-29")
    b.milestone("C1", "review", "2026-01-30", completed="2026-01-30")
    b.milestone("C1", "review", "2026-01-31")  # due today: not late yet
    found = dq(b.build(), "2026-01-31 12:00")
    assert keys(found) == {
        ("DQ-ASSESSMENT", "breach", "C1", "C1", None),
        ("DQ-PLAN", "breach", "C1", "C1", None),
    }
    assert [f.due for f in found] == [end_of("2026-01-20"), end_of("2026-01-29")]
    assert found[0].detail == (
        "The assessment for case C1 was due on Tue 2026-01-20 and is not completed; "
        "complete it or record why not."
    )


def test_a_milestone_completed_after_the_as_of_day_is_still_outstanding():
    b = (
        a_case("low")
        .contact("C1", "2026-01-30")
        .milestone("C1", "plan", "2026-01-20", completed="2026-02-03")
    )
    assert [f.rule for f in dq(b.build(), "2026-01-31 12:00")] == ["DQ-PLAN"]
    assert dq(b.build(), "2026-02-03 12:00") == []


def test_milestones_of_closed_cases_are_not_judged():
    b = a_case("low", closed="2026-01-25").milestone("C1", "review", "2026-01-20")
    assert dq(b.build(), "2026-01-31 12:00") == []


# "Much of the information ... will already be available from the fortnightly "Stat Wednesday" data
# cleansing process" - RULES.md: "The data-quality report runs every second Wednesday from
# `stat_wednesday_anchor` = 2025-01-08".
def test_stat_wednesdays_in_january_2026():
    assert stat_wednesdays(ANCHOR, date(2026, 1, 1), date(2026, 1, 31)) == [
        date(2026, 1, 7),
        date(2026, 1, 21),
    ]


def test_next_stat_wednesday():
    assert next_stat_wednesday(ANCHOR, date(2026, 1, 7)) == date(2026, 1, 7)
    assert next_stat_wednesday(ANCHOR, date(2026, 1, 8)) == date(2026, 1, 21)
    assert next_stat_wednesday(ANCHOR, date(2024, 6, 1)) == ANCHOR  # none before the anchor


@given(
    anchor=st.dates(date(2024, 1, 1), date(2026, 12, 31)),
    first=st.dates(date(2023, 1, 1), date(2027, 12, 31)),
    length=st.integers(0, 120),
)
def test_stat_wednesdays_are_every_fourteen_days_from_the_anchor(anchor, first, length):
    last = first + timedelta(days=length)
    every_day = [first + timedelta(days=n) for n in range(length + 1)]
    assert stat_wednesdays(anchor, first, last) == [
        d for d in every_day if d >= anchor and (d - anchor).days % 14 == 0
    ]
    following = next_stat_wednesday(anchor, first)
    assert following >= max(first, anchor) and (following - anchor).days % 14 == 0
    assert following - max(first, anchor) < timedelta(days=14)


def test_default_stat_wednesdays_are_wednesdays():
    assert {d.strftime("%A") for d in stat_wednesdays(ANCHOR, date(2025, 1, 1), date(2027, 1, 1))} == {
        "Wednesday"
    }


def test_a_review_past_due_is_a_dq_review_breach_until_completed():
    """Supervision policy: "whether assessments, planning and reviewing has taken place" (DQ-REVIEW)."""
    b = a_case("low").contact("C1", "2026-01-20").milestone("C1", "review", "2026-01-26")
    assert keys(dq(b.build(), "2026-01-27 09:00")) == {("DQ-REVIEW", "breach", "C1", "C1", None)}
    done = a_case("low").contact("C1", "2026-01-20").milestone("C1", "review", "2026-01-26", completed="2026-01-27")
    assert dq(done.build(), "2026-01-28 09:00") == []
