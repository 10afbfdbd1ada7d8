"""COV-CONTACT, COV-DUTY-LOAD, COV-BUDDY-LOAD and COV-PAIRED: cover judged day by day.

Lead's interpretation: judged on each working day from today−`cover_lookback_days` (28) to
today+`cover_lookahead_days` (28); days up to today give `breach`, later days `due`.
"""

from __future__ import annotations

from datetime import datetime

from oversight.policy import cover_checks

from .builders import LONDON, cover_line, keys, run, small_service, team


def office():
    b = team()
    for person in ("Y1", "Y2", "Y3"):
        b.person(person, manager="D1")
    b.person("O1", manager="D1").person("O2", manager="D1")
    b.case("C1", manager="Y1", opened="2025-06-02")
    return b


def findings(b, as_of, rule=None):
    return run(cover_checks.check, b.build(), as_of, rule=rule)


def start(text):
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def contact_days(found, status):
    return sorted(f.due.date().isoformat() for f in found if f.rule == "COV-CONTACT" and str(f.status) == status)


def test_small_service_has_no_cover_findings():
    """small-service.md lists no COV-CONTACT, COV-PAIRED or load finding as of 2026-02-18T12:00 (E2 has a paired
    worker; Y1's cases are covered through the leave sheet and the paired worker)."""
    assert findings(small_service(), "2026-02-18 12:00") == []


# -- COV-CONTACT: nobody ---------------------------------------------------------------------------
def test_nobody_on_working_days_is_a_breach_per_day_and_nothing_at_weekends_or_bank_holidays():
    """RULES.md COV-CONTACT: "Resolving to nobody on any working day: breach" (Easter 2026: Good Friday 04-03 and
    Easter Monday 04-06 are bank holidays)."""
    b = office().absence("L1", "Y1", "2026-04-01", "2026-04-10")
    found = findings(b, "2026-04-08 12:00")
    assert contact_days(found, "breach") == ["2026-04-01", "2026-04-02", "2026-04-07", "2026-04-08"]
    assert contact_days(found, "due") == ["2026-04-09", "2026-04-10"]
    assert {(f.subject, f.case) for f in found} == {("C1", "C1")}
    assert all(f.due == start(f.due.date().isoformat() + " 00:00") for f in found)
    breach = next(f for f in found if f.due.date().isoformat() == "2026-04-07")
    assert "Tue 2026-04-07" in breach.detail and "no duty officer on the rota for 2026-04-07" in breach.detail


def test_one_contact_breach_per_case_per_day():
    """Lead: "one finding per case per day"."""
    b = office().case("C2", manager="Y1", opened="2025-06-02").absence("L1", "Y1", "2026-03-10", "2026-03-11")
    found = findings(b, "2026-03-11 12:00")
    assert sorted((f.case, f.due.date().isoformat()) for f in found) == [
        ("C1", "2026-03-10"), ("C1", "2026-03-11"), ("C2", "2026-03-10"), ("C2", "2026-03-11"),
    ]


def test_today_is_a_breach_even_before_the_working_day_starts():
    """Lead: "nobody on a working day → COV-CONTACT breach (days ≤ today) or due (future days)"."""
    b = office().absence("L1", "Y1", "2026-03-11", "2026-03-12")
    found = findings(b, "2026-03-11 00:01")
    assert [(f.due.date().isoformat(), str(f.status)) for f in found] == [
        ("2026-03-11", "breach"), ("2026-03-12", "due"),
    ]


def test_the_window_is_28_days_either_side_of_today():
    """settings.py: cover is judged "the days around the as-of moment": `cover_lookback_days` = 28,
    `cover_lookahead_days` = 28 (today Wed 2026-03-11: Wed 2026-02-11 to Wed 2026-04-08)."""
    inside = office().absence("L1", "Y1", "2026-02-11", "2026-02-11").absence("L2", "Y1", "2026-04-08", "2026-04-08")
    outside = office().absence("L1", "Y1", "2026-02-10", "2026-02-10").absence("L2", "Y1", "2026-04-09", "2026-04-09")
    found = findings(inside, "2026-03-11 12:00")
    assert [(f.due.date().isoformat(), str(f.status)) for f in found] == [
        ("2026-02-11", "breach"), ("2026-04-08", "due"),
    ]
    assert findings(outside, "2026-03-11 12:00") == []


def test_the_window_follows_the_settings():
    """RULES.md: "a service can change them": a shorter look-ahead shows fewer future days."""
    b = office().settings(cover_lookahead_days=7).absence("L1", "Y1", "2026-03-16", "2026-03-20")
    assert contact_days(findings(b, "2026-03-11 12:00"), "due") == ["2026-03-16", "2026-03-17", "2026-03-18"]


def test_an_open_ended_absence_shows_nobody_on_every_future_working_day_of_the_window():
    """RULES.md: a return not recorded keeps the person absent, so the gap stays in view."""
    b = office().absence("L1", "Y1", "2026-03-09", None, expected="2026-03-10")
    found = findings(b, "2026-03-11 12:00")
    assert len(contact_days(found, "breach")) == 3
    assert contact_days(found, "due")[-1] == "2026-04-08"


# -- COV-CONTACT: duty ---------------------------------------------------------------------------------
def test_duty_cover_is_one_warning_per_case_per_run_of_working_days():
    """RULES.md COV-CONTACT: "Resolving to duty: warning"; lead: "one COV-CONTACT warning per case per run of
    consecutive working days" (a weekend does not break the run)."""
    b = office().absence("L1", "Y1", "2026-03-05", "2026-03-10")
    for d in ("2026-03-05", "2026-03-06", "2026-03-09", "2026-03-10"):
        b.duty(d, "O1")
    found = findings(b, "2026-03-11 12:00")
    assert keys(found) == {("COV-CONTACT", "warning", "C1", "C1", None)}
    assert found[0].due == start("2026-03-05 00:00")
    assert "Thu 2026-03-05 to Tue 2026-03-10 (4 working days)" in found[0].detail


def test_a_day_with_nobody_splits_the_duty_run():
    """RULES.md COV-CONTACT: a day with nobody is a breach; the duty days either side are separate runs."""
    b = office().absence("L1", "Y1", "2026-03-05", "2026-03-10")
    for d in ("2026-03-05", "2026-03-06", "2026-03-10"):
        b.duty(d, "O1")
    found = findings(b, "2026-03-11 12:00")
    assert [(str(f.status), f.due.date().isoformat()) for f in found] == [
        ("warning", "2026-03-05"), ("breach", "2026-03-09"), ("warning", "2026-03-10"),
    ]


def test_a_buddy_avoids_duty_and_any_contact_finding():
    """Buddy policy: "where possible the nominated buddy re-arranges appointments"."""
    b = office().buddy("Y1", "Y2").absence("L1", "Y1", "2026-03-05", "2026-03-10").duty("2026-03-06", "O1")
    assert findings(b, "2026-03-11 12:00") == []


# -- COV-DUTY-LOAD ---------------------------------------------------------------------------------
def duty_day(cases, officers=("O1",)):
    b = office()
    for n in range(2, cases + 1):
        b.case(f"C{n}", manager="Y1", opened="2025-06-02")
    b.absence("L1", "Y1", "2026-03-10", "2026-03-10")
    for officer in officers:
        b.duty("2026-03-10", officer)
    return b


def test_nine_cases_to_one_duty_officer_is_a_warning():
    """RULES.md COV-DUTY-LOAD: "cases resolving to the duty officer above duty_max_cases_per_officer = 8:
    warning"."""
    found = findings(duty_day(9), "2026-03-11 12:00", rule="COV-DUTY-LOAD")
    assert keys(found) == {("COV-DUTY-LOAD", "warning", "O1", None, None)}
    assert found[0].due == start("2026-03-10 00:00") and "9 cases" in found[0].detail


def test_eight_cases_to_one_duty_officer_is_within_the_limit():
    """RULES.md COV-DUTY-LOAD: only *above* 8."""
    assert findings(duty_day(8), "2026-03-11 12:00", rule="COV-DUTY-LOAD") == []


def test_two_duty_officers_sharing_nine_cases_are_within_the_limit():
    """Lead: "cases shared in turn among present officers"."""
    assert findings(duty_day(9, ("O1", "O2")), "2026-03-11 12:00", rule="COV-DUTY-LOAD") == []


def test_duty_overload_is_shown_ahead_of_a_planned_absence():
    """RULES.md COV-DUTY-LOAD: "shown ahead of time for planned absences"."""
    found = findings(duty_day(9), "2026-03-02 12:00", rule="COV-DUTY-LOAD")
    assert [f.due for f in found] == [start("2026-03-10 00:00")]


def test_an_absent_second_officer_leaves_the_first_overloaded():
    """RULES.md step 6: the duty officer on the rota that day, present."""
    b = duty_day(9, ("O1", "O2")).absence("L2", "O2", "2026-03-10", "2026-03-10", kind="sickness", planned=False)
    assert keys(findings(b, "2026-03-11 12:00", rule="COV-DUTY-LOAD")) == {
        ("COV-DUTY-LOAD", "warning", "O1", None, None)
    }


# -- COV-BUDDY-LOAD --------------------------------------------------------------------------------
def covering(own: int, covered: int, **absence):
    """Y2 holds `own` cases and is Y1's buddy; Y1 holds `covered` cases and is away Mon 03-09 to Fri 03-13."""
    b = team().person("Y1", manager="D1").person("Y2", manager="D1").buddy("Y1", "Y2")
    for n in range(own):
        b.case(f"O{n:02d}", manager="Y2", opened="2025-06-02")
    for n in range(covered):
        b.case(f"C{n:02d}", manager="Y1", opened="2025-06-02")
    return b.absence("L1", "Y1", "2026-03-09", "2026-03-13", **absence)


def test_buddy_load_above_25_is_one_warning_per_run():
    """RULES.md COV-BUDDY-LOAD: "A person's own open cases plus cases they cover on a day above
    buddy_max_total_cases = 25: warning, suggesting more buddies"."""
    found = findings(covering(20, 6), "2026-03-11 12:00", rule="COV-BUDDY-LOAD")
    assert keys(found) == {("COV-BUDDY-LOAD", "warning", "Y2", None, None)}
    assert found[0].due == start("2026-03-09 00:00")
    assert "26 cases" in found[0].detail and "Mon 2026-03-09 to Fri 2026-03-13" in found[0].detail
    assert "more buddies" in found[0].detail


def test_buddy_load_of_exactly_25_is_within_the_limit():
    """RULES.md COV-BUDDY-LOAD: only *above* 25."""
    assert findings(covering(20, 5), "2026-03-11 12:00", rule="COV-BUDDY-LOAD") == []


def test_buddy_load_counts_leave_sheet_paired_worker_and_reallocated_cases():
    """Lead: "buddy load (own open cases + cases covered via reallocation/leave_sheet/paired_worker/buddy)"."""
    b = covering(20, 3)
    b.case("P1", manager="Y1", opened="2025-06-02", order_type="detention_and_training_order", paired_worker="Y2")
    b.case("R1", manager="Y1", opened="2025-06-02").reallocate("R1", "Y2", "2026-03-09")
    b.case("S1", manager="Y1", opened="2025-06-02")
    b.leave_sheet("L1", "2026-03-02 10:00", "D1", [cover_line("S1", "Y2")])
    found = findings(b, "2026-03-11 12:00", rule="COV-BUDDY-LOAD")
    assert len(found) == 1 and "26 cases" in found[0].detail


def test_buddy_load_does_not_count_cases_taken_on_duty():
    """RULES.md COV-CONTACT: duty cover "counts against duty load", not buddy load."""
    b = team().person("Y1", manager="D1").person("Y2", manager="D1")
    for n in range(20):
        b.case(f"O{n:02d}", manager="Y2", opened="2025-06-02")
    for n in range(6):
        b.case(f"C{n:02d}", manager="Y1", opened="2025-06-02")
    b.absence("L1", "Y1", "2026-03-10", "2026-03-10").duty("2026-03-10", "Y2")
    assert findings(b, "2026-03-11 12:00", rule="COV-BUDDY-LOAD") == []


def test_buddy_load_warning_is_shown_ahead_of_the_absence():
    """RULES.md COV-BUDDY-LOAD: judged on the days ahead too, so the colleague can nominate more buddies in time."""
    found = findings(covering(20, 6), "2026-02-27 12:00", rule="COV-BUDDY-LOAD")
    assert [f.due for f in found] == [start("2026-03-09 00:00")]


# -- COV-PAIRED ------------------------------------------------------------------------------------
def dto(paired_worker=None, **kw):
    return office().case("D9", manager="Y1", opened="2025-06-02", order_type="detention_and_training_order",
                         paired_worker=paired_worker, **kw)


def test_detention_and_training_order_without_paired_worker_is_a_breach():
    """RULES.md COV-PAIRED: "An open case whose order type is in paired_worker_orders = [detention_and_training_order]
    with no paired worker: breach"."""
    found = findings(dto(), "2026-03-11 12:00")
    assert keys(found) == {("COV-PAIRED", "breach", "D9", "D9", None)}
    assert "no paired worker" in found[0].detail


def test_detention_and_training_order_with_a_paired_worker_is_compliant():
    """RULES.md COV-PAIRED."""
    assert findings(dto("Y2"), "2026-03-11 12:00") == []


def test_paired_worker_who_is_the_case_manager_is_a_breach():
    """RULES.md COV-PAIRED: "The paired worker must differ from the case manager"."""
    found = findings(dto("Y1"), "2026-03-11 12:00")
    assert keys(found) == {("COV-PAIRED", "breach", "D9", "D9", None)}
    assert "also its case manager" in found[0].detail


def test_other_orders_and_closed_cases_need_no_paired_worker():
    """RULES.md COV-PAIRED: only open cases of the listed order types."""
    assert findings(office(), "2026-03-11 12:00") == []
    assert findings(dto(closed="2026-03-10"), "2026-03-11 12:00") == []


def test_paired_worker_orders_follow_the_settings():
    """RULES.md: `paired_worker_orders` is a service setting."""
    b = office().settings(paired_worker_orders=("referral_order",))
    assert keys(findings(b, "2026-03-11 12:00")) == {("COV-PAIRED", "breach", "C1", "C1", None)}


# -- known as of the moment ------------------------------------------------------------------------
def test_a_leave_sheet_sent_after_the_moment_judged_names_nobody_yet():
    """docs/interpretations.md: "What is dated after the as-of moment is not yet known: … leave sheets … made
    later"; COV-CONTACT: "Resolving to nobody on any working day: breach"."""
    b = office().absence("L1", "Y1", "2026-03-09", "2026-03-10")
    b.leave_sheet("L1", "2026-03-09 15:00", "D1", [cover_line("C1", "Y2")])
    before = findings(b, "2026-03-09 12:00")
    assert [(f.due.date().isoformat(), str(f.status)) for f in before] == [
        ("2026-03-09", "breach"), ("2026-03-10", "due"),
    ]
    assert "no leave sheet for absence L1" in before[0].detail
    assert findings(b, "2026-03-09 16:00") == []


def test_a_leave_sheet_never_submitted_names_nobody():
    """RULES.md COV-LEAVE-SHEET: the sheet is "submitted to the line manager"; a draft is not sent to the managers
    "who need to know who is overseeing the case"."""
    b = office().absence("L1", "Y1", "2026-03-09", "2026-03-10")
    b.leave_sheet("L1", None, "D1", [cover_line("C1", "Y2")])
    assert contact_days(findings(b, "2026-03-09 12:00"), "breach") == ["2026-03-09"]
