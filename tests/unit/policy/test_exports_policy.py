"""The small policy questions behind exports, reminders and data protection: teams, retention,
a person's calendar and the day's reminders."""

from __future__ import annotations

from datetime import date

from oversight.policy.access import Viewer
from oversight.policy.personal_calendar import personal_events
from oversight.policy.reminders import plan_day
from oversight.policy.retention import Hold, decide, years_after
from oversight.policy.teams import may_see_team_report, team_of

from .builders import judge, small_service, team

DAY = date(2026, 2, 18)


def two_teams():
    b = team()
    b.person("T2", "team_manager", manager="A1").person("D2", "deputy_team_manager", manager="T2")
    b.person("Y1", manager="D1").person("Y3", manager="D2").person("O1", "operational_service_manager", manager="A1")
    return b.build()


def test_a_persons_team_is_the_nearest_team_manager_above():
    facts = two_teams()
    assert [team_of(facts, s, DAY) for s in ("Y1", "D1", "T1", "Y3", "A1", None)] == ["T1", "T1", "T1", "T2", None, None]


def test_who_may_see_a_teams_report():
    facts = two_teams()
    assert may_see_team_report(facts, Viewer("T1"), "T1", DAY)
    assert may_see_team_report(facts, Viewer("A1"), "T1", DAY)  # above the team manager
    assert may_see_team_report(facts, Viewer("O1"), "all", DAY)  # senior manager
    assert may_see_team_report(facts, Viewer(performance=True), "all", DAY)
    assert not may_see_team_report(facts, Viewer("T2"), "T1", DAY)
    assert not may_see_team_report(facts, Viewer("D1"), "T1", DAY)  # below the team manager
    assert not may_see_team_report(facts, Viewer("T1"), "all", DAY)
    assert not may_see_team_report(facts, Viewer(administrator=True), "T1", DAY)


def test_retention_counts_whole_years_after_closure_and_holds_stop_it():
    closed = date(2023, 3, 31)
    due = decide(case="C1", order_type="referral_order", closed=closed, today=date(2026, 4, 1))
    assert (due.years, due.dispose_from, due.past_retention, due.due) == (3, date(2026, 4, 1), True, True)
    assert not decide(case="C1", order_type="referral_order", closed=closed, today=date(2026, 3, 31)).past_retention
    statutory = decide(case="C1", order_type="youth_rehabilitation_order", closed=closed, today=date(2026, 4, 1))
    assert (statutory.years, statutory.due) == (5, False)
    held = decide(case="C1", order_type="out_of_court_disposal", closed=closed, today=date(2026, 4, 1),
                  holds=[Hold("C1", date(2026, 1, 1))])
    assert held.past_retention and held.held and not held.due
    ended = decide(case="C1", order_type="out_of_court_disposal", closed=closed, today=date(2026, 4, 1),
                   holds=[Hold("C1", date(2026, 1, 1), until=date(2026, 3, 31))])
    assert ended.due
    assert decide(case="C1", order_type="other", closed=None, today=date(2099, 1, 1)).dispose_from is None
    longer = decide(case="C1", order_type="referral_order", closed=closed, today=date(2026, 4, 1),
                    overrides={"referral_order": 6})
    assert not longer.past_retention
    assert years_after(date(2024, 2, 29), 3) == date(2027, 3, 1)


def test_a_persons_calendar_never_names_a_child():
    facts = small_service().build()
    events = personal_events(facts, "Y2", DAY)
    cover = [e for e in events if e.kind == "cover"]
    assert [(e.summary, e.first_day, e.last_day) for e in cover] == [
        ("Covering for Person Y1: E1, E2", date(2026, 2, 16), date(2026, 5, 19))]  # to the horizon: no return yet
    assert all("Child" not in e.summary + e.description for e in events)
    y1 = personal_events(facts, "Y1", DAY)
    assert [(e.kind, e.first_day, e.last_day) for e in y1 if e.kind == "leave"] == [
        ("leave", date(2026, 2, 16), date(2026, 2, 20))]
    assert [e.summary for e in personal_events(facts, "SO1", DAY) if e.kind == "duty"] == ["Duty officer"]


def test_the_days_plan_has_each_kind_once_with_stable_keys():
    facts = small_service().absence("L2", "SO1", "2026-03-02", expected="2026-03-06").build()
    planned = plan_day(judge(facts, "2026-02-25 07:00"), leave_sheet_notice_working_days=3)
    keys = [r.dedupe for r in planned]
    assert len(keys) == len(set(keys))
    assert "leave-sheet-due:L2" in keys and "digest:Y1:2026-02-25" in keys
    assert {r.staff for r in planned if r.kind == "supervision-due"} == {"Y1", "SO1", "D1"}
    # Cover started on the 16th: more than five days ago, no cover message any more.
    assert not [r for r in planned if r.kind == "cover-start"]
    started = plan_day(judge(facts, "2026-02-17 07:00"))
    assert {(r.case, r.data["contact"], r.data["via"]) for r in started if r.kind == "cover-start"} == {
        ("E1", "Y2", "leave_sheet"), ("E2", "Y2", "paired_worker")}
