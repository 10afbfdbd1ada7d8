"""Preparing for supervision (policy/preparation.py): the suggested depth, the pack, the gap offer."""

from __future__ import annotations

from datetime import date

from oversight.policy import supervision
from oversight.policy.engine import evaluate
from oversight.policy.preparation import (
    add_months,
    cases_to_discuss,
    gap_offer,
    open_actions,
    preparation_pack,
    reallocated_to,
    suggest_depth,
)

from .builders import action, discuss, judge, moment, run, small_service, team

TODAY = date(2026, 2, 18)


def depth(**given):
    base = {
        "risk": "medium", "significant_last_time": False, "open_data_quality": (),
        "last_in_depth": date(2026, 1, 14), "opened": date(2025, 6, 2), "today": TODAY,
    }
    return suggest_depth(**(base | given))


# -- suggest_depth -----------------------------------------------------------------------------------
def test_a_stable_case_needs_only_a_check_in():
    suggestion = depth()
    assert (suggestion.depth, suggestion.reasons, suggestion.in_depth) == ("check_in", (), False)


def test_high_and_very_high_risk_are_discussed_in_depth():
    assert depth(risk="high").reasons == ("high risk of serious harm",)
    assert depth(risk="very_high").reasons == ("very high risk of serious harm",)
    assert depth(risk="low").depth == "check_in"


def test_significant_last_time_means_in_depth():
    assert depth(significant_last_time=True).reasons == ("significant or urgent at the last discussion",)


def test_an_open_data_quality_finding_means_in_depth():
    suggestion = depth(open_data_quality=["DQ-SEEN", "DQ-PLAN", "DQ-SEEN"])
    assert suggestion.depth == "in_depth"
    assert suggestion.reasons == ("data-quality findings open: DQ-PLAN, DQ-SEEN",)


def test_not_discussed_in_depth_for_three_months():
    # In depth on 18 November 2025: three months later is 18 February 2026, the day itself.
    assert depth(last_in_depth=date(2025, 11, 19)).depth == "check_in"
    assert depth(last_in_depth=date(2025, 11, 18)).reasons == ("not discussed in depth for 3 months or more",)
    assert depth(last_in_depth=date(2025, 12, 18), months=2).depth == "in_depth"


def test_never_discussed_in_depth_counts_from_the_opening():
    assert depth(last_in_depth=None, opened=date(2026, 1, 5)).depth == "check_in"  # a new case
    assert depth(last_in_depth=None, opened=date(2025, 11, 18)).reasons == (
        "never discussed in depth, open 3 months or more",
    )


def test_every_reason_is_given():
    suggestion = depth(risk="high", significant_last_time=True, open_data_quality=["DQ-SEEN"], last_in_depth=None,
                       opened=date(2025, 1, 6))
    assert len(suggestion.reasons) == 4


def test_add_months_keeps_the_day_or_takes_the_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_months(date(2025, 12, 15), 1) == date(2026, 1, 15)
    assert add_months(date(2026, 3, 1), -3) == date(2025, 12, 1)


# -- the pack ---------------------------------------------------------------------------------------
def test_pack_for_y1_in_the_worked_example():
    facts = small_service().build()
    as_of = moment("2026-02-18 12:00")
    pack = preparation_pack(facts, "Y1", as_of, evaluate(facts, as_of))
    assert [p.case.id for p in pack] == ["E1", "E2"]
    e1, e2 = pack
    assert e1.suggestion.depth == "check_in"
    assert e2.suggestion.reasons == ("high risk of serious harm",)
    assert e1.last_seen == date(2026, 2, 13) and not e1.seen_overdue
    assert (e1.last_discussion.session, e1.last_discussion.depth) == ("V1", "check_in")
    assert e2.last_in_depth == date(2026, 1, 14)
    assert {m.kind: m.known for m in e1.milestones} == {"assessment": False, "plan": False, "review": False}
    assert e1.open_actions == () and not e1.reallocated


def test_pack_shows_overdue_milestones_and_visits_from_the_findings():
    b = team().person("Y1", manager="D1").case("C1", manager="Y1", opened="2025-12-01", risk="low")
    b.milestone("C1", "assessment", "2025-12-20", completed="2025-12-19")
    b.milestone("C1", "plan", "2026-01-10")  # not completed: DQ-PLAN
    b.milestone("C1", "review", "2026-04-01")
    b.contact("C1", "2025-12-15")  # low risk: every 28 days, so overdue by 18 February (DQ-SEEN)
    facts, as_of = b.build(), moment("2026-02-18 12:00")
    [c1] = preparation_pack(facts, "Y1", as_of, evaluate(facts, as_of))
    states = {m.kind: (m.due, m.completed, m.overdue) for m in c1.milestones}
    assert states == {
        "assessment": (date(2025, 12, 20), date(2025, 12, 19), False),
        "plan": (date(2026, 1, 10), None, True),
        "review": (date(2026, 4, 1), None, False),
    }
    assert c1.seen_overdue and c1.last_seen == date(2025, 12, 15)
    assert c1.suggestion.depth == "in_depth"
    assert "data-quality findings open: DQ-PLAN, DQ-SEEN" in c1.suggestion.reasons


def test_open_actions_are_those_not_done_and_without_a_reason_known_on_the_day():
    b = team().person("Y1", manager="D1").case("C1", manager="Y1", opened="2025-12-01")
    b.formal("V1", "Y1", "2026-01-14 10:00", discuss("C1", actions=[
        action("AC1", "Book the panel", due="2026-01-30"),
        action("AC2", "Call school", due="2026-02-27"),
        action("AC3", "Done already", due="2026-01-20", done="2026-01-19"),
        action("AC4", "Could not", due="2026-01-20", reason="The family moved"),
        action("AC5", "Done later", due="2026-01-20", done="2026-02-25"),
    ]))
    facts = b.build()
    found = open_actions(facts, moment("2026-02-18 12:00"), cases=["C1"])
    assert [(a.id, a.overdue) for a in found] == [("AC1", True), ("AC2", False), ("AC5", True)]
    assert open_actions(facts, moment("2026-02-18 12:00"), supervisee="Y1") == found
    assert open_actions(facts, moment("2026-01-13 12:00"), cases=["C1"]) == []  # not yet agreed


def test_the_cases_to_discuss_are_every_open_case_of_the_person():
    b = team().person("Y1", manager="D1").person("Y2", manager="D1")
    b.case("C2", manager="Y1", opened="2026-01-05").case("C1", manager="Y1", opened="2025-12-01")
    b.case("C3", manager="Y1", opened="2025-12-01", closed="2026-01-31")
    b.case("C4", manager="Y2", opened="2025-12-01").reallocate("C4", "Y1", "2026-02-16", "2026-02-27")
    facts = b.build()
    assert cases_to_discuss(facts, "Y1", date(2026, 2, 18)) == ["C1", "C2"]
    assert cases_to_discuss(facts, "Y1", date(2026, 1, 31)) == ["C1", "C2", "C3"]
    assert reallocated_to(facts, "Y1", date(2026, 2, 18)) == ["C4"]
    as_of = moment("2026-02-18 12:00")
    pack = preparation_pack(facts, "Y1", as_of, [])
    assert [(p.case.id, p.reallocated) for p in pack] == [("C1", False), ("C2", False), ("C4", True)]


# -- a gap in supervision -----------------------------------------------------------------------------
def test_gap_offer_names_the_absence_and_the_priority_window_sup_return_judges():
    # Away Mon 5 January to Fri 30 January 2026: back Mon 2 February, priority session by Mon 9 February.
    b = team().person("Y1", manager="D1").case("C1", manager="Y1", opened="2025-12-01")
    b.formal("V0", "Y1", "2025-12-10 10:00").absence("L1", "Y1", "2026-01-05", "2026-01-30")
    facts = b.build()
    offer = gap_offer(judge(facts, "2026-02-04 12:00"), "Y1", 2026, 1)
    assert [a.id for a in offer.absences] == ["L1"] and offer.absent_working_days == 20
    assert (offer.back, offer.priority_by, offer.returning_from) == (date(2026, 2, 2), date(2026, 2, 9), "L1")
    [finding] = run(supervision.check, facts, "2026-02-04 12:00", rule="SUP-RETURN")
    assert judge(facts, "2026-02-04 12:00").calendar.local_date(finding.due) == offer.priority_by


def test_gap_offer_while_still_away_has_no_day_back():
    facts = small_service().build()  # Y1 on leave from Mon 16 February, no return recorded
    offer = gap_offer(judge(facts, "2026-03-04 12:00"), "Y1", 2026, 2)
    assert [a.id for a in offer.absences] == ["L1"] and offer.absent_working_days == 10
    assert (offer.back, offer.priority_by) == (None, None)
    assert ("SUP-GAP", "Y1", "2026-02") in {
        (f.rule, f.subject, f.period) for f in run(supervision.check, facts, "2026-03-04 12:00")
    }
