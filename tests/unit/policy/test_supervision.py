"""Supervision rules (RULES.md, "Supervision"): what a manager sees in the findings."""

from __future__ import annotations

import random
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.policy import data_quality, records, supervision
from oversight.policy.calendar import WorkingCalendar, month_last_day, months_between
from oversight.policy.facts import ServiceFacts
from oversight.policy.supervision import supervision_chain

from .builders import LONDON, action, discuss, judge, keys, large_service, run, small_service, team
from .strategies import days, services

CAL = WorkingCalendar()


def sup(facts, as_of, rule=None):
    return run(supervision.check, facts, as_of, rule)


def end_of(day: str) -> datetime:
    return CAL.end_of(date.fromisoformat(day))


def one_worker(**case):
    """Y1, a youth justice officer under D1, holding case C1 (open from Mon 2025-12-01 by default)."""
    return team().person("Y1", manager="D1").case("C1", manager="Y1", **({"opened": "2025-12-01"} | case))


# -- the worked example -----------------------------------------------------------------------------
def test_small_service_example():
    """small-service.md: SUP-CHAIN for T1 in January, SUP-MONTHLY due for Y1 and SO1 in February, and
    nothing for Y2 (no cases), A1 (top of the chain), D1 (had V3) or January's supervision of Y1."""
    found = sup(small_service().build(), "2026-02-18 12:00")
    assert keys(found) == {
        ("SUP-CHAIN", "breach", "T1", None, "2026-01"),
        ("SUP-MONTHLY", "due", "Y1", None, "2026-02"),
        ("SUP-MONTHLY", "due", "SO1", None, "2026-02"),
    }
    monthly = [f for f in found if f.rule == "SUP-MONTHLY"]
    assert {f.due for f in monthly} == {end_of("2026-02-27")}  # Friday, the last working day
    assert "Fri 2026-02-27" in monthly[0].detail


# -- SUP-MONTHLY ---------------------------------------------------------------------------------------
# "Formal one-to-one case supervision MUST take place at a minimum of once every calendar month for all
# case-holding practitioners."
def test_monthly_breach_for_a_closed_month_without_a_formal_session():
    found = sup(one_worker(opened="2026-01-05").build(), "2026-02-02 09:00", "SUP-MONTHLY")
    breach = [f for f in found if f.status == "breach"]
    assert [(f.subject, f.period) for f in breach] == [("Y1", "2026-01")]
    # Sat 2026-01-31 is not a working day: the deadline was the end of Fri 2026-01-30.
    assert breach[0].due == end_of("2026-01-30")
    assert "Person Y1 (Y1)" in breach[0].detail and "January 2026" in breach[0].detail


def test_monthly_due_date_skips_a_bank_holiday_month_end():
    # Mon 2026-08-31 is the summer bank holiday: the last working day of August is Fri 2026-08-28.
    found = sup(one_worker(opened="2026-08-03").build(), "2026-08-10 12:00", "SUP-MONTHLY")
    assert [(f.status, f.due) for f in found] == [("due", end_of("2026-08-28"))]


def test_group_peer_and_informal_sessions_never_count():
    """ "any form of group supervision does not replace the need for formal 1:1 case supervision";
    informal supervision "does NOT replace a formal one-to-one supervision session"."""
    b = one_worker(opened="2026-01-05")
    for n, kind in enumerate(("group", "peer", "informal")):
        b.session(f"G{n}", kind, "D1", ["Y1"], f"2026-01-{12 + n} 10:00", discuss("C1"))
    found = sup(b.build(), "2026-02-02 09:00", "SUP-MONTHLY")
    assert keys(found) == {
        ("SUP-MONTHLY", "breach", "Y1", None, "2026-01"),
        ("SUP-MONTHLY", "due", "Y1", None, "2026-02"),
    }


def test_a_formal_session_counts_whoever_supervised_it():
    b = one_worker(opened="2026-01-05").formal("V1", "Y1", "2026-01-14 10:00", by="T1")
    assert sup(b.build(), "2026-01-31 09:00", "SUP-MONTHLY") == []
    assert [f.period for f in sup(b.build(), "2026-02-01 09:00", "SUP-MONTHLY")] == ["2026-02"]


def test_people_holding_no_case_need_no_monthly_supervision():
    b = one_worker(opened="2026-01-05").person("Y2", manager="D1")
    assert {f.subject for f in sup(b.build(), "2026-02-02 09:00", "SUP-MONTHLY")} == {"Y1"}


def test_one_case_holding_day_makes_the_month_count():
    # Opened on the last day of January; a case closed on 1 February is still open that day.
    b = one_worker(opened="2026-01-31", closed="2026-02-01")
    found = sup(b.build(), "2026-03-02 09:00", "SUP-MONTHLY")
    assert [(f.period, f.status) for f in found] == [("2026-01", "breach"), ("2026-02", "breach")]


def test_session_month_is_the_local_date_of_the_session():
    # 23:30 UTC on Tue 2026-03-31 is 00:30 on Wed 1 April in London (summer time): it is April's session.
    b = one_worker(opened="2026-03-02").formal("V1", "Y1", datetime.fromisoformat("2026-03-31T23:30+00:00"))
    found = sup(b.build(), "2026-04-02 09:00", "SUP-MONTHLY")
    assert [(f.period, f.status) for f in found] == [("2026-03", "breach")]


def test_current_month_is_due_until_a_session_is_held():
    """RULES.md: "Current month without a session: `due`, with the month's last working day"."""
    b = one_worker(opened="2026-01-05").formal("V1", "Y1", "2026-01-14 10:00")
    assert keys(sup(b.build(), "2026-02-10 12:00", "SUP-MONTHLY")) == {
        ("SUP-MONTHLY", "due", "Y1", None, "2026-02")
    }
    b.formal("V2", "Y1", "2026-02-10 11:00")
    assert sup(b.build(), "2026-02-10 12:00", "SUP-MONTHLY") == []
    # A session later in the month has not happened yet at the as-of moment.
    assert [f.status for f in sup(b.build(), "2026-02-10 10:59", "SUP-MONTHLY")] == ["due"]


def test_current_month_due_only_once_cases_are_held():
    b = one_worker(opened="2026-02-20").formal("V1", "Y1", "2026-01-14 10:00")
    assert sup(b.build(), "2026-02-10 12:00", "SUP-MONTHLY") == []
    assert [f.status for f in sup(b.build(), "2026-02-20 12:00", "SUP-MONTHLY")] == ["due"]


def test_months_before_compliance_start_are_not_judged():
    """RULES.md: "Monthly rules are judged from `compliance_start` (default: the month of the service's
    earliest case allocation)"."""
    b = team().person("Y1", manager="D1").case("C1", opened="2025-06-02")
    b.allocate("C1", "Y1", "2026-01-05")  # history loaded from January only
    found = sup(b.build(), "2026-02-02 09:00", "SUP-MONTHLY")
    assert [f.period for f in found if f.status == "breach"] == ["2026-01"]
    b.settings(compliance_start="2026-02")
    assert [f.status for f in sup(b.build(), "2026-02-02 09:00", "SUP-MONTHLY")] == ["due"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_monthly_sessions_mean_no_sup_monthly(data):
    """A person with a formal session every month never gets SUP-MONTHLY, whatever their cases and
    absences."""
    today = data.draw(days(date(2025, 10, 1), date(2026, 6, 30)))
    b = team().person("Y1", manager="D1")
    for n in range(data.draw(st.integers(1, 4))):
        opened = data.draw(days(date(2025, 6, 1), today))
        b.case(f"C{n}", manager="Y1", opened=opened, closed=data.draw(st.none() | days(opened)))
    for n in range(data.draw(st.integers(0, 2))):
        first = data.draw(days(date(2025, 6, 1), today))
        b.absence(f"L{n}", "Y1", first, data.draw(st.none() | days(first)))
    for n, (year, month) in enumerate(months_between(date(2025, 6, 1), today)):
        last = today.day if (year, month) == (today.year, today.month) else month_last_day(year, month).day
        held = datetime(year, month, data.draw(st.integers(1, last)), tzinfo=LONDON)
        b.formal(f"V{n}", "Y1", held)
    as_of = datetime(today.year, today.month, today.day, data.draw(st.integers(0, 23)), tzinfo=LONDON)
    assert sup(b.build(), as_of, "SUP-MONTHLY") == []


# -- SUP-GAP -------------------------------------------------------------------------------------------
# "When a case manager is on leave (due to sickness or AL) which results in a gap in supervision, this
# must be clearly recorded on the Child View record and on the subsequent supervision record."
def test_four_absent_working_days_is_a_monthly_breach_not_a_gap():
    b = one_worker(opened="2026-01-05").absence("L1", "Y1", "2026-01-12", "2026-01-15")  # Mon to Thu
    found = sup(b.build(), "2026-02-02 09:00")
    assert ("SUP-MONTHLY", "breach", "Y1", None, "2026-01") in keys(found)
    assert not [f for f in found if f.rule in ("SUP-GAP", "SUP-RETURN")]


def test_five_absent_working_days_is_a_gap_to_record():
    b = one_worker(opened="2026-01-05").absence("L1", "Y1", "2026-01-12", "2026-01-16")  # Mon to Fri
    found = sup(b.build(), "2026-02-02 09:00")
    assert ("SUP-GAP", "breach", "Y1", None, "2026-01") in keys(found)
    assert not [f for f in found if f.rule == "SUP-MONTHLY" and f.period == "2026-01"]
    gap = next(f for f in found if f.rule == "SUP-GAP")
    assert "January 2026" in gap.detail and "record the gap" in gap.detail


def test_bank_holidays_are_not_absent_working_days():
    # Wed 24 Dec to Fri 2 Jan takes only 4 working days of December (25th, 26th, weekend off): a breach.
    b = one_worker(opened="2025-12-01").absence("L1", "Y1", "2025-12-24", "2026-01-02")
    assert keys(sup(b.build(), "2026-01-05 09:00", "SUP-MONTHLY")) == {
        ("SUP-MONTHLY", "breach", "Y1", None, "2025-12"),
        ("SUP-MONTHLY", "due", "Y1", None, "2026-01"),
    }
    # From Tue 23 Dec it is 5 working days: a gap.
    b = one_worker(opened="2025-12-01").absence("L1", "Y1", "2025-12-23", "2026-01-02")
    assert keys(sup(b.build(), "2026-01-05 09:00", "SUP-GAP")) == {
        ("SUP-GAP", "breach", "Y1", None, "2025-12")
    }


def test_a_recorded_gap_gives_no_finding():
    b = (
        one_worker(opened="2026-01-05")
        .absence("L1", "Y1", "2026-01-12", "2026-01-16")
        .gap_record("Y1", "2026-01")
    )
    assert sup(b.build(), "2026-02-02 09:00", "SUP-GAP") == []
    assert [f.period for f in sup(b.build(), "2026-02-02 09:00", "SUP-MONTHLY")] == ["2026-02"]  # only due


def test_a_gap_recorded_after_the_as_of_moment_is_not_yet_recorded():
    b = one_worker(opened="2026-01-05").absence("L1", "Y1", "2026-01-12", "2026-01-16")
    b.gap_record("Y1", "2026-01", recorded="2026-02-06 10:00")
    assert [f.rule for f in sup(b.build(), "2026-02-05 09:00", "SUP-GAP")] == ["SUP-GAP"]
    assert sup(b.build(), "2026-02-06 10:00", "SUP-GAP") == []


def test_open_ended_absence_keeps_counting_past_its_expected_end():
    """RULES.md: "Until a return is recorded (`actual_last_day`), a person whose absence has begun counts as
    absent, also past the expected last day"."""
    b = one_worker(opened="2026-01-05").absence("L1", "Y1", "2026-01-26", expected="2026-01-27")
    found = sup(b.build(), "2026-03-02 09:00")
    assert {k for k in keys(found) if k[0] in ("SUP-GAP", "SUP-MONTHLY")} == {
        ("SUP-GAP", "breach", "Y1", None, "2026-01"),  # Mon 26 to Fri 30 January: 5 working days
        ("SUP-GAP", "breach", "Y1", None, "2026-02"),  # still away: no return recorded
        ("SUP-MONTHLY", "due", "Y1", None, "2026-03"),
    }
    assert not [f for f in found if f.rule == "SUP-RETURN"]  # not back yet


# -- SUP-RETURN ----------------------------------------------------------------------------------------
# "Supervision must be scheduled as a priority when the case manager returns."
def away_in_january():
    """Y1 away from Mon 5 to Fri 30 January 2026 (a gap), back on Mon 2 February."""
    return (
        one_worker(opened="2025-12-01")
        .formal("V0", "Y1", "2025-12-10 10:00")
        .absence("L1", "Y1", "2026-01-05", "2026-01-30", kind="sickness")
    )


def test_return_supervision_is_due_within_five_working_days_of_coming_back():
    found = sup(away_in_january().build(), "2026-02-04 12:00", "SUP-RETURN")
    assert [(f.status, f.subject, f.due, f.period) for f in found] == [
        ("due", "Y1", end_of("2026-02-09"), None)
    ]
    assert (
        "L1" in found[0].detail and "January 2026" in found[0].detail and "Mon 2026-02-02" in found[0].detail
    )


def test_return_supervision_missed_is_a_breach():
    found = sup(away_in_january().build(), "2026-02-10 00:00", "SUP-RETURN")
    assert [(f.status, f.due) for f in found] == [("breach", end_of("2026-02-09"))]


def test_return_supervision_held_on_the_first_day_back_or_the_last_allowed_day():
    for held in ("2026-02-02 08:00", "2026-02-09 17:00"):
        b = away_in_january().formal("V1", "Y1", held)
        assert sup(b.build(), "2026-02-20 12:00", "SUP-RETURN") == []


def test_a_session_before_the_return_or_after_the_deadline_does_not_satisfy_it():
    # Away from Mon 5 January to Tue 3 February: back Wed 4 February, deadline the end of Wed 11 February.
    b = one_worker(opened="2025-12-01").formal("V0", "Y1", "2025-12-10 10:00")
    b.absence("L1", "Y1", "2026-01-05", "2026-02-03")
    b.formal("V1", "Y1", "2026-02-02 10:00").formal("V2", "Y1", "2026-02-12 10:00")
    found = sup(b.build(), "2026-02-20 12:00", "SUP-RETURN")
    assert [(f.status, f.due) for f in found] == [("breach", end_of("2026-02-11"))]


def test_return_deadline_counts_working_days_over_christmas():
    # Away 1 to 24 December 2025; back Mon 29 December; 5 working days after: 30, 31, 2, 5, 6 January.
    b = one_worker(opened="2025-11-03").absence("L1", "Y1", "2025-12-01", "2025-12-24")
    found = sup(b.build(), "2026-01-02 12:00", "SUP-RETURN")
    assert [(f.status, f.due) for f in found] == [("due", end_of("2026-01-06"))]
    assert "Mon 2025-12-29" in found[0].detail


def test_no_return_rule_before_the_first_day_back():
    b = one_worker(opened="2025-11-03").absence("L1", "Y1", "2025-12-01", "2026-01-09")
    assert sup(b.build(), "2026-01-09 12:00", "SUP-RETURN") == []  # back on Mon 12 January


def test_an_absence_without_a_gap_needs_no_return_session():
    b = one_worker(opened="2025-11-03").absence("L1", "Y1", "2026-01-05", "2026-01-30")
    b.formal("V1", "Y1", "2026-01-02 10:00")  # supervised in January before leaving: no gap
    assert sup(b.build(), "2026-02-20 12:00", "SUP-RETURN") == []


# -- SUP-FREQUENCY -------------------------------------------------------------------------------------
# "New case managers and some case managers from time to time may have increased frequency of supervision
# timeframes reflecting their need for closer supervision and direction."
def fortnightly(*sessions: str, end: str | None = "2026-03-31"):
    b = one_worker(opened="2026-01-05").frequency("Y1", 14, "2026-01-05", end)
    for n, held in enumerate(sessions):
        b.formal(f"V{n}", "Y1", f"{held} 10:00")
    return b


def test_an_interval_longer_than_the_override_is_a_breach():
    found = sup(
        fortnightly("2026-01-12", "2026-01-26", "2026-02-20").build(), "2026-02-25 12:00", "SUP-FREQUENCY"
    )
    assert [(f.status, f.due) for f in found] == [
        ("breach", end_of("2026-02-09")),  # 25 days after Mon 26 January
        ("due", end_of("2026-03-06")),  # the next one, 14 days after Fri 20 February
    ]
    assert "25 days" in found[0].detail and "every 14 days" in found[0].detail


def test_exactly_the_override_interval_is_met():
    found = sup(fortnightly("2026-01-19", "2026-02-02").build(), "2026-02-16 12:00", "SUP-FREQUENCY")
    assert [(f.status, f.due) for f in found] == [("due", end_of("2026-02-16"))]


def test_the_first_interval_runs_from_the_override_start():
    found = sup(fortnightly("2026-01-21").build(), "2026-01-22 12:00", "SUP-FREQUENCY")
    assert [(f.status, f.due) for f in found] == [
        ("breach", end_of("2026-01-19")),
        ("due", end_of("2026-02-04")),
    ]
    assert "start of the closer supervision" in found[0].detail


def test_the_running_interval_breaches_once_exceeded():
    found = sup(fortnightly("2026-01-12").build(), "2026-02-01 12:00", "SUP-FREQUENCY")
    assert [(f.status, f.due) for f in found] == [("breach", end_of("2026-01-26"))]


def test_nothing_after_the_override_ends():
    # Last session Mon 26 January; the next would be due Mon 9 February, after the override ended on the 1st.
    b = fortnightly("2026-01-12", "2026-01-26", end="2026-02-01")
    assert sup(b.build(), "2026-03-01 12:00", "SUP-FREQUENCY") == []


def test_frequency_is_judged_before_compliance_start_and_ignores_informal_sessions():
    b = fortnightly("2026-01-19").settings(compliance_start="2026-03")
    b.session("I1", "informal", "D1", ["Y1"], "2026-01-12 10:00")
    found = sup(b.build(), "2026-01-20 12:00", "SUP-FREQUENCY")
    assert [f.status for f in found] == ["due"]
    assert [f.due for f in sup(b.build(), "2026-01-19 09:00", "SUP-FREQUENCY")] == [end_of("2026-01-19")]


# -- SUP-CASE ------------------------------------------------------------------------------------------
# "Every open case, without exception, must be discussed each monthly supervision."
def test_a_case_discussed_at_its_managers_session_is_fine():
    b = one_worker(opened="2026-01-05").formal("V1", "Y1", "2026-01-14 10:00", discuss("C1"))
    assert sup(b.build(), "2026-02-02 09:00", "SUP-CASE") == []


def test_a_case_not_discussed_at_its_managers_session_is_reported():
    b = one_worker(opened="2026-01-05").case("C2", manager="Y1", opened="2026-01-05")
    b.formal("V1", "Y1", "2026-01-14 10:00", discuss("C2"))
    found = sup(b.build(), "2026-02-02 09:00", "SUP-CASE")
    assert keys(found) == {("SUP-CASE", "breach", "C1", "C1", "2026-01")}
    assert found[0].detail.startswith("Not discussed:")
    assert "V1 on Wed 2026-01-14 with Person Y1 (Y1)" in found[0].detail


def test_a_case_whose_manager_had_no_supervision_is_reported_as_no_supervision():
    found = sup(one_worker(opened="2026-01-05").build(), "2026-02-02 09:00", "SUP-CASE")
    assert keys(found) == {("SUP-CASE", "breach", "C1", "C1", "2026-01")}
    assert found[0].detail.startswith("no_supervision:") and "Person Y1 (Y1)" in found[0].detail


def test_a_case_allocated_after_the_months_last_session_is_required_next_month():
    """RULES.md: "Cases allocated only after the month's last session are not required until the next
    month"."""
    b = one_worker(opened="2026-01-05").formal("V1", "Y1", "2026-01-14 10:00", discuss("C1"))
    b.case("C2", manager="Y1", opened="2026-01-20")
    assert sup(b.build(), "2026-02-02 09:00", "SUP-CASE") == []
    b.formal("V2", "Y1", "2026-02-11 10:00", discuss("C1"))
    assert keys(sup(b.build(), "2026-03-02 09:00", "SUP-CASE")) == {
        ("SUP-CASE", "breach", "C2", "C2", "2026-02")
    }


def test_a_reallocated_case_discussed_at_the_other_workers_supervision_is_not_reported():
    """RULES.md: "A case discussed in any formal session that month (for instance at the supervision of the
    worker it was temporarily reallocated to) is never reported"."""
    b = team().person("Y1", manager="D1").person("Y2", manager="D1")
    b.case("C1", opened="2026-01-05").allocate("C1", "Y1", "2026-01-05", "2026-01-16").allocate(
        "C1", "Y2", "2026-01-17"
    )
    b.formal("V1", "Y1", "2026-01-14 10:00")  # C1 was still Y1's, and not discussed
    b.formal("V2", "Y2", "2026-01-22 10:00", discuss("C1"))
    assert sup(b.build(), "2026-02-02 09:00", "SUP-CASE") == []


def test_a_discussion_at_a_group_session_does_not_count():
    b = one_worker(opened="2026-01-05").formal("V1", "Y1", "2026-01-14 10:00")
    b.session("G1", "group", "D1", ["Y1", "D1"], "2026-01-20 10:00", discuss("C1"))
    found = sup(b.build(), "2026-02-02 09:00", "SUP-CASE")
    assert [f.detail.split(":")[0] for f in found] == ["Not discussed"]


def test_a_case_closed_before_the_session_is_not_required():
    b = one_worker(opened="2025-12-01", closed="2026-01-09").formal("V1", "Y1", "2026-01-14 10:00")
    b.formal("V0", "Y1", "2025-12-10 10:00", discuss("C1"))
    assert sup(b.build(), "2026-02-02 09:00", "SUP-CASE") == []


def test_an_open_case_without_a_case_manager_is_reported():
    b = team().case("C1", opened="2026-01-05").settings(compliance_start="2026-01")
    found = sup(b.build(), "2026-02-02 09:00", "SUP-CASE")
    assert [f.detail for f in found] == [
        "no_supervision: case C1 was not discussed in January 2026 because it had no case manager that month."
    ]


def test_no_case_finding_for_the_current_month():
    assert sup(one_worker(opened="2026-01-05").build(), "2026-01-30 12:00", "SUP-CASE") == []


# -- SUP-CHAIN -----------------------------------------------------------------------------------------
# "an unbroken chain of formal supervision that links the case manager, to their line manager (DTM), to the
# Team Manager, to the Operational Service Manager, to the Head of Service to the Assistant Director."
def chain():
    return one_worker(opened="2026-01-05").formal("V1", "Y1", "2026-01-14 10:00", discuss("C1"))


def test_chain_breaks_at_each_unsupervised_manager_but_never_at_the_top():
    found = sup(chain().build(), "2026-02-02 09:00", "SUP-CHAIN")
    assert keys(found) == {
        ("SUP-CHAIN", "breach", "D1", None, "2026-01"),
        ("SUP-CHAIN", "breach", "T1", None, "2026-01"),
    }
    d1 = next(f for f in found if f.subject == "D1")
    assert d1.detail == (
        "Person D1 (D1) received no formal one-to-one from Person T1 (T1) in January 2026; "
        "the chain of supervision breaks here for 1 case manager below."
    )
    assert d1.due == end_of("2026-01-30")


def test_chain_is_not_judged_for_the_current_month():
    assert sup(chain().build(), "2026-01-30 12:00", "SUP-CHAIN") == []


def test_managers_not_yet_employed_are_not_judged():
    b = chain().person("D2", "deputy_team_manager", manager="T1", start="2026-02-02")
    b.formal("V2", "D1", "2026-01-08 09:00").formal("V3", "T1", "2026-01-09 09:00")
    assert sup(b.build(), "2026-02-02 09:00", "SUP-CHAIN") == []


def test_chain_report_marks_the_first_broken_link():
    b = chain().formal("V2", "T1", "2026-01-09 09:00")
    [row] = supervision_chain(b.build(), 2026, 1)
    assert row.case_manager == "Y1" and row.supervised
    assert [(link.manager, link.supervised, link.required, link.broken) for link in row.links] == [
        ("D1", False, True, True),
        ("T1", True, True, False),
        ("A1", False, False, False),  # the top of the chain needs no supervision
    ]
    assert row.broken_at == "D1"
    b.formal("V3", "D1", "2026-01-30 16:00")
    assert supervision_chain(b.build(), 2026, 1)[0].broken_at is None


def test_chain_report_lists_only_case_managers_of_the_month():
    b = chain().person("Y2", manager="D1").case("C2", manager="Y2", opened="2026-02-02")
    assert [row.case_manager for row in supervision_chain(b.build(), 2026, 1)] == ["Y1"]
    assert [row.case_manager for row in supervision_chain(b.build(), 2026, 2)] == ["Y1", "Y2"]


# -- SUP-ACTION ----------------------------------------------------------------------------------------
# "This allows line managers to satisfy themselves ... that actions from the previous supervision have been
# undertaken. If for any reason they haven't been completed, the reasons can be noted."
def with_action(*actions, kind="formal"):
    b = one_worker(opened="2026-01-05")
    return b.session("V1", kind, "D1", ["Y1"], "2026-01-14 10:00", discuss("C1", actions=actions))


def test_an_overdue_action_without_a_reason_is_a_breach():
    b = with_action(action("AC1", "Refer to CAMHS", owner="Y1", due="2026-01-30"))
    found = sup(b.build(), "2026-02-02 09:00", "SUP-ACTION")
    assert [(f.status, f.subject, f.case, f.due) for f in found] == [
        ("breach", "Y1", "C1", end_of("2026-01-30"))
    ]
    assert '"Refer to CAMHS"' in found[0].detail and "AC1" in found[0].detail


def test_an_action_is_not_overdue_on_its_due_day():
    b = with_action(action("AC1", owner="Y1", due="2026-02-02"))
    assert sup(b.build(), "2026-02-02 23:00", "SUP-ACTION") == []
    assert len(sup(b.build(), "2026-02-03 00:00", "SUP-ACTION")) == 1


def test_done_actions_and_noted_reasons_are_fine_but_a_blank_reason_is_not():
    b = with_action(
        action("AC1", owner="Y1", due="2026-01-20", done="2026-01-21"),
        action("AC2", owner="Y1", due="2026-01-20", reason="Family moved away"),
        action("AC3", owner="Y1", due="2026-01-20", reason="   "),
        action("AC4", owner="Y1"),  # no due date: never overdue
    )
    found = sup(b.build(), "2026-02-02 09:00", "SUP-ACTION")
    assert [f.detail.split('"')[0] for f in found] == ["Person Y1 (Y1) has not done action AC3 "]


def test_an_action_without_owner_falls_to_the_supervisee_and_any_session_kind_counts():
    b = with_action(action("AC1", due="2026-01-20"), kind="informal")
    assert [f.subject for f in sup(b.build(), "2026-02-02 09:00", "SUP-ACTION")] == ["Y1"]


def test_long_action_text_is_shortened_to_80_characters():
    b = with_action(action("AC1", "x" * 200, owner="Y1", due="2026-01-20"))
    [finding] = sup(b.build(), "2026-02-02 09:00", "SUP-ACTION")
    quoted = finding.detail.split('"')[1]
    assert len(quoted) == 80 and quoted.endswith("…")


# -- properties ----------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(builder=services(), as_of=days(date(2025, 10, 1), date(2026, 7, 31)), seed=st.integers(0, 2**16))
def test_findings_are_deterministic(builder, as_of, seed):
    """The same facts, in any order, give the same findings, in the same order."""
    facts = builder.build()
    shuffled = ServiceFacts(
        service=facts.service,
        **{
            name: tuple(random.Random(seed).sample(values, len(values)))
            for name, values in builder.facts.items()
        },
    )
    moment = datetime(as_of.year, as_of.month, as_of.day, 12, tzinfo=LONDON)
    for module in (supervision, records, data_quality):
        first = [f.as_dict() for f in module.check(judge(facts, moment))]
        assert first == [f.as_dict() for f in module.check(judge(facts, moment))]
        assert sorted(first, key=repr) == sorted(
            (f.as_dict() for f in module.check(judge(shuffled, moment))), key=repr
        )


def test_a_large_service_with_ten_years_of_history_is_judged_completely():
    """500 open cases over ten years of monthly supervision: every monthly rule reports across the
    whole span (its speed is measured by the benchmarks, not here)."""
    facts = large_service().build()
    assert len([c for c in facts.cases if c.open_on(date(2026, 2, 18))]) > 400
    assert min(c.opened for c in facts.cases) < date(2016, 3, 1)
    j = judge(facts, "2026-02-18 12:00")
    found = [f for module in (supervision, records, data_quality) for f in module.check(j)]
    assert {f.rule for f in found} >= {"SUP-MONTHLY", "SUP-CASE", "SUP-CHAIN", "REC-DEADLINE", "DQ-SEEN"}
    periods = {f.period for f in found if f.rule == "SUP-MONTHLY"}
    assert min(periods) < "2017-01" and max(periods) >= "2026-01"
