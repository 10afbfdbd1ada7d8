"""Records on the child's file (RULES.md): REC-DEADLINE and REC-AUTHOR."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.policy import records
from oversight.policy.calendar import WorkingCalendar
from oversight.policy.findings import Judgement

from .builders import LONDON, discuss, keys, run, small_service, team
from .strategies import moments, services

CAL = WorkingCalendar()


def rec(facts, as_of, rule=None):
    return run(records.check, facts, as_of, rule)


def end_of(day: str) -> datetime:
    return CAL.end_of(date.fromisoformat(day))


def discussed(held: str, *, kind: str = "formal", **discussion):
    """Case C1 (Y1's) discussed by D1 at session V1."""
    b = team().person("Y1", manager="D1").case("C1", manager="Y1", opened="2025-11-03")
    return b.session("V1", kind, "D1", ["Y1"], held, discuss("C1", **discussion))


# "A case note supervision record on the young person's Child View record must be made by the line manager
# ... This record within 5 working days or 24 hours for any significant case decisions and/or urgent matters."
def test_small_service_example_late_record():
    """small-service.md: E3 discussed Tue 2026-01-20, due by the end of Tue 2026-01-27, recorded on the
    29th: late."""
    found = rec(small_service().build(), "2026-02-18 12:00")
    assert keys(found) == {("REC-DEADLINE", "breach", "E3", "E3", None)}
    assert found[0].due == end_of("2026-01-27")
    assert found[0].detail == (
        "late: the record of the discussion of case E3 at formal supervision V2 on Tue 2026-01-20 14:00 "
        "was due by the end of Tue 2026-01-27 but was made on Thu 2026-01-29 09:00."
    )


def test_five_working_days_over_christmas():
    """RULES.md: "A discussion on Fri 2025-12-19 has its 5-working-day record deadline at the end of Tue
    2025-12-30"."""
    b = discussed("2025-12-19 15:00")
    due = rec(b.build(), "2025-12-30 23:59")
    assert [(f.status, f.due) for f in due] == [("due", end_of("2025-12-30"))]
    assert "Person D1 (D1) must record" in due[0].detail and "by the end of Tue 2025-12-30" in due[0].detail
    overdue = rec(b.build(), "2025-12-31 00:00")
    assert [(f.status, f.due) for f in overdue] == [("breach", end_of("2025-12-30"))]
    assert (
        overdue[0].detail.startswith("overdue:")
        and "Person D1 (D1) should record it now" in overdue[0].detail
    )


def test_recorded_on_the_last_day_is_in_time():
    b = discussed("2025-12-19 15:00", recorded="2025-12-30 23:59")
    assert rec(b.build(), "2026-02-01 09:00") == []


def test_significant_matters_have_24_clock_hours_across_a_weekend():
    """RULES.md: "24 hours after Fri 10:00 is Sat 10:00"."""
    in_time = discussed("2026-01-09 10:00", significant=True, recorded="2026-01-10 10:00")
    assert rec(in_time.build(), "2026-02-01 09:00") == []
    late = discussed("2026-01-09 10:00", significant=True, recorded="2026-01-10 10:01")
    [finding] = rec(late.build(), "2026-02-01 09:00")
    assert finding.detail.startswith("late:") and "by Sat 2026-01-10 10:00" in finding.detail
    assert finding.due == datetime(2026, 1, 10, 10, tzinfo=LONDON)
    missing = discussed("2026-01-09 10:00", significant=True)
    assert [f.status for f in rec(missing.build(), "2026-01-10 09:59")] == ["due"]
    assert [f.status for f in rec(missing.build(), "2026-01-10 10:01")] == ["breach"]


def test_24_hours_are_elapsed_time_across_the_clock_change():
    # The clocks go forward at 01:00 on Sun 2026-03-29: 24 hours after Sat 10:00 GMT is Sun 11:00 BST.
    b = discussed("2026-03-28 10:00", significant=True)
    [finding] = rec(b.build(), "2026-03-29 10:30")
    assert finding.status == "due" and finding.due == datetime(2026, 3, 29, 10, tzinfo=UTC)


def test_only_formal_sessions_need_a_supervision_record():
    for kind in ("group", "peer", "informal"):
        assert rec(discussed("2026-01-05 10:00", kind=kind).build(), "2026-02-01 09:00") == []


def test_management_decisions_marp_and_audits_need_records_by_the_manager_involved():
    """ "All management decisions involving cases outside of the one-to-one formal supervision need to be
    recorded" and MARP discussions and case audit outcomes "are recorded on the young person's Child View
    record in a timely manner"."""
    b = team().person("Y1", manager="D1").case("C1", manager="Y1", opened="2025-11-03")
    b.event("M1", "C1", "2026-01-05 10:00", by="T1", kind="management_decision")
    b.event(
        "M2", "C1", "2026-01-06 10:00", by="T1", kind="marp", recorded="2026-01-07 10:00", recorded_by="T1"
    )
    b.event("M3", "C1", "2026-01-07 10:00", by="D1", kind="audit", significant=True)
    found = rec(b.build(), "2026-01-13 09:00")
    assert [(f.status, f.due) for f in found] == [
        ("breach", datetime(2026, 1, 8, 10, tzinfo=LONDON)),  # the audit: 24 hours
        ("breach", end_of("2026-01-12")),  # the decision: 5 working days after Mon 5 January
    ]
    assert "management decision M1 on case C1" in found[1].detail and "Person T1 (T1)" in found[1].detail
    assert "case audit M3" in found[0].detail


def test_a_discussion_held_after_the_as_of_moment_needs_no_record_yet():
    assert rec(discussed("2026-01-05 10:00").build(), "2026-01-05 09:59") == []


def test_a_record_written_after_the_as_of_moment_is_not_yet_on_the_file():
    b = discussed("2026-01-05 10:00", recorded="2026-01-20 10:00", by="T1")
    assert [(f.rule, f.status) for f in rec(b.build(), "2026-01-15 09:00")] == [("REC-DEADLINE", "breach")]
    assert rec(b.build(), "2026-01-15 09:00")[0].detail.startswith("overdue:")


def test_a_record_to_be_made_in_time_by_its_manager_is_due_until_it_is_made():
    # Made in time by the manager who held it, the record gives nothing once on the file, and is
    # due before: the moments before it was made are judged as the moments after are not.
    b = discussed("2026-01-05 10:00", recorded="2026-01-07 16:00", by="D1")
    assert [(f.rule, f.status) for f in rec(b.build(), "2026-01-07 15:59")] == [("REC-DEADLINE", "due")]
    assert rec(b.build(), "2026-01-07 16:00") == []


# "It is the responsibility of the manager involved to make this recording"
def test_a_record_by_someone_else_is_a_warning():
    b = discussed("2026-01-05 10:00", recorded="2026-01-06 10:00", by="Y1")
    [finding] = rec(b.build(), "2026-02-01 09:00")
    assert (finding.rule, finding.status, finding.subject, finding.case, finding.due) == (
        "REC-AUTHOR",
        "warning",
        "C1",
        "C1",
        None,
    )
    assert "written by Person Y1 (Y1), not by Person D1 (D1)" in finding.detail


def test_a_late_record_by_someone_else_gives_both_findings():
    b = discussed("2026-01-05 10:00", recorded="2026-01-20 10:00", by="Y1")
    assert keys(rec(b.build(), "2026-02-01 09:00")) == {
        ("REC-DEADLINE", "breach", "C1", "C1", None),
        ("REC-AUTHOR", "warning", "C1", "C1", None),
    }


def test_records_are_judged_before_compliance_start():
    b = discussed("2025-12-19 15:00").settings(compliance_start="2026-06")
    assert [f.status for f in rec(b.build(), "2026-01-05 09:00")] == ["breach"]


@settings(max_examples=150, deadline=None)
@given(
    held=st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ),
    working_days=st.integers(1, 10),
)
def test_non_urgent_deadlines_always_end_a_working_day(held, working_days):
    """However a discussion falls (weekends, bank holidays, late at night), its deadline is the end of a
    working day, strictly after the day it was held."""
    b = discussed(held).settings(record_working_days=working_days)
    [finding] = rec(b.build(), held + timedelta(days=60))
    local = finding.due.astimezone(LONDON)
    assert CAL.is_working_day(local.date())
    assert (local.hour, local.minute, local.second) == (23, 59, 59)
    assert local.date() > held.astimezone(LONDON).date()
    assert (
        CAL.count_working_days(held.astimezone(LONDON).date() + timedelta(days=1), local.date())
        == working_days
    )


@settings(max_examples=300, deadline=None)
@given(services(), moments(date(2025, 10, 1), date(2026, 7, 31)))
def test_judging_only_the_records_that_can_give_a_finding_finds_what_judging_each_finds(builder, as_of):
    # check() visits only the records late, unwritten, written by another or written after the
    # moment (records._judged); judged one by one, every record held by then gives the same findings.
    facts = builder.build()
    j = Judgement.at(facts, as_of)
    expected = []
    for r in records.needed_records(j):
        deadline = records.record_deadline(j, r.held, r.significant)
        state = records.record_state(j, r, deadline)
        if state != "recorded":
            expected.append(("REC-DEADLINE", "due" if state == "due" else "breach", r.case, deadline))
        if r.recorded_by and r.recorded_by != r.responsible and (r.recorded is None or r.recorded <= as_of):
            expected.append(("REC-AUTHOR", "warning", r.case, None))
    found = [(f.rule, str(f.status), f.case, f.due) for f in records.check(j)]
    assert found == expected
