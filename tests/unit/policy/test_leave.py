"""COV-LEAVE-SHEET, COV-INFORMED and COV-REALLOCATE (buddy policy: the leave sheet, and temporary reallocation).

Planned leave below: Y1 (line manager D1 > T1 > A1) is away Mon 2026-03-09 to Fri 2026-03-13 and holds C1 and C2.
"""

from __future__ import annotations

from datetime import datetime

from oversight.policy import buddies, cover_checks, leave

from .builders import LONDON, cover_line, keys, run, small_service, team

FIRST, LAST = "2026-03-09", "2026-03-13"
ON_TIME = "2026-03-05 16:00"


def office():
    b = team()
    for person in ("Y1", "Y2", "Y3"):
        b.person(person, manager="D1")
    b.case("C1", manager="Y1", opened="2025-06-02").case("C2", manager="Y1", opened="2025-06-02")
    return b


def planned(b=None, **kw):
    b = b or office()
    return b.absence("L1", "Y1", FIRST, LAST, **kw)


def full_sheet(b, submitted=ON_TIME, to="D1", **informed):
    return b.leave_sheet(
        "L1", submitted, to,
        [cover_line("C1", "Y2", informed.get("C1", True)), cover_line("C2", "Y3", informed.get("C2", True))],
    )


def findings(b, as_of, rule=None):
    return run(leave.check, b.build(), as_of, rule=rule)


def sheet_keys(b, as_of):
    return keys(findings(b, as_of, rule="COV-LEAVE-SHEET"))


def row(rule, status, subject, case=None):
    return (rule, status, subject, case, None)


def at(text):
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


# -- the worked example ------------------------------------------------------------------------------
def test_small_service_only_finding_of_the_cover_modules_is_the_missing_e2_line():
    """small-service.md: "COV-LEAVE-SHEET | Y1 | E2 | breach | Y1's leave sheet for L1 names cover for E1 but not
    for E2, open on the first day of leave"."""
    facts = small_service().build()
    found = [f for check in (buddies.check, leave.check, cover_checks.check) for f in run(check, facts, "2026-02-18 12:00")]
    assert keys(found) == {row("COV-LEAVE-SHEET", "breach", "Y1", "E2")}
    assert found[0].due == at("2026-02-16 00:00")


# -- COV-LEAVE-SHEET, planned absence -------------------------------------------------------------------
def test_sheet_on_time_to_the_line_manager_naming_every_case_is_compliant():
    """RULES.md COV-LEAVE-SHEET: "a leave sheet submitted to the line manager before the absence starts, naming
    cover for every case open on the first day"."""
    assert findings(full_sheet(planned()), "2026-03-11 12:00") == []


def test_missing_sheet_is_due_before_the_leave_and_a_breach_from_the_first_day():
    """RULES.md COV-LEAVE-SHEET: "needs a leave sheet submitted … before the absence starts … missing … is
    breach"."""
    b = planned()
    due = findings(b, "2026-03-08 23:59")
    assert keys(due) == {row("COV-LEAVE-SHEET", "due", "Y1")}
    assert due[0].due == at("2026-03-09 00:00")
    assert "2 cases" in due[0].detail
    assert sheet_keys(b, "2026-03-09 00:00") == {row("COV-LEAVE-SHEET", "breach", "Y1")}
    assert sheet_keys(b, "2026-06-01 12:00") == {row("COV-LEAVE-SHEET", "breach", "Y1")}


def test_a_sheet_not_yet_submitted_counts_as_missing():
    """RULES.md COV-LEAVE-SHEET: a sheet must be *submitted*; a draft (no submission time) is missing."""
    b = planned().leave_sheet("L1", None, "D1", [cover_line("C1", "Y2"), cover_line("C2", "Y3")])
    assert sheet_keys(b, "2026-03-10 12:00") == {row("COV-LEAVE-SHEET", "breach", "Y1")}


def test_sheet_submitted_at_the_start_of_the_first_day_is_late():
    """RULES.md COV-LEAVE-SHEET: submitted "before the absence starts"; "late is breach"."""
    late = findings(full_sheet(planned(), submitted="2026-03-09 00:00"), "2026-03-11 12:00")
    assert keys(late) == {row("COV-LEAVE-SHEET", "breach", "Y1")}
    assert "late" in late[0].detail and "Mon 2026-03-09" in late[0].detail
    assert findings(full_sheet(planned(), submitted="2026-03-08 23:59"), "2026-03-11 12:00") == []


def test_sheet_sent_to_someone_who_is_not_the_line_manager_is_a_breach():
    """Buddy policy: the leave sheet is "sent to your manager"; RULES.md: "submitted to the line manager"."""
    found = findings(full_sheet(planned(), to="Y2"), "2026-03-11 12:00")
    assert keys(found) == {row("COV-LEAVE-SHEET", "breach", "Y1")}
    assert "not to the line manager Person D1 (D1)" in found[0].detail


def test_sheet_sent_to_nobody_is_a_breach():
    """RULES.md COV-LEAVE-SHEET: "submitted to the line manager"."""
    assert sheet_keys(full_sheet(planned(), to=None), "2026-03-11 12:00") == {row("COV-LEAVE-SHEET", "breach", "Y1")}


def test_sheet_sent_higher_up_the_line_is_accepted():
    """Buddy policy: "sent to managers who need to know"; lead: "not the line manager nor above them"."""
    assert findings(full_sheet(planned(), to="T1"), "2026-03-11 12:00") == []
    assert findings(full_sheet(planned(), to="A1"), "2026-03-11 12:00") == []


def test_the_line_manager_is_the_one_on_the_day_the_sheet_was_sent():
    """RULES.md: "a person's line manager on a date is the one in force that day"."""
    def moved(submitted):
        b = office()
        b.facts["reporting_lines"] = [ln for ln in b.facts["reporting_lines"] if ln.staff != "Y1"]
        b.person("D2", "deputy_team_manager", manager="T1")
        b.line("Y1", "D2", "2024-01-08", "2026-03-04").line("Y1", "D1", "2026-03-05")
        return full_sheet(planned(b), submitted=submitted, to="D2")

    assert findings(moved("2026-03-04 16:00"), "2026-03-11 12:00") == []
    assert sheet_keys(moved("2026-03-05 16:00"), "2026-03-11 12:00") == {row("COV-LEAVE-SHEET", "breach", "Y1")}


def test_late_and_to_the_wrong_person_gives_two_breaches():
    """RULES.md COV-LEAVE-SHEET: each failure is reported, so the manager sees both."""
    found = findings(full_sheet(planned(), submitted="2026-03-10 09:00", to="Y2"), "2026-03-11 12:00")
    assert len(found) == 2 and {f.rule for f in found} == {"COV-LEAVE-SHEET"}


def test_each_case_missing_from_the_sheet_is_a_breach_per_case():
    """RULES.md COV-LEAVE-SHEET: "missing cases in it are breach per case"."""
    b = planned().leave_sheet("L1", ON_TIME, "D1", [cover_line("C2", None)])
    assert sheet_keys(b, "2026-03-11 12:00") == {
        row("COV-LEAVE-SHEET", "breach", "Y1", "C1"),
        row("COV-LEAVE-SHEET", "breach", "Y1", "C2"),
    }


def test_missing_case_is_due_before_the_leave_starts():
    """RULES.md COV-LEAVE-SHEET: cover must be named before the absence starts; ahead of it, the gap is due."""
    b = planned().leave_sheet("L1", ON_TIME, "D1", [cover_line("C1", "Y2")])
    found = findings(b, "2026-03-06 12:00")
    assert keys(found) == {row("COV-LEAVE-SHEET", "due", "Y1", "C2")}
    assert found[0].due == at("2026-03-09 00:00")


def test_only_cases_open_on_the_first_day_need_cover():
    """RULES.md COV-LEAVE-SHEET: "naming cover for every case open on the first day"."""
    b = planned()
    b.case("C3", manager="Y1", opened="2026-03-10").case("C4", manager="Y1", opened="2025-06-02", closed="2026-03-06")
    assert findings(full_sheet(b), "2026-03-11 12:00") == []


def test_no_sheet_needed_without_open_cases_on_the_first_day():
    """RULES.md COV-LEAVE-SHEET: "A planned absence of a case-holding practitioner"."""
    b = team().person("Y1", manager="D1").absence("L1", "Y1", FIRST, LAST)
    b.case("C1", manager="Y1", opened="2026-03-10")
    assert findings(b, "2026-03-11 12:00") == []


def test_a_manager_holding_cases_needs_a_leave_sheet_too():
    """Buddy policy: "All case-holders must complete a leave sheet prior to taking leave"; RULES.md counts
    anyone holding an open case as a case-holding practitioner, whatever the role."""
    b = team().case("C1", manager="D1", opened="2025-06-02").absence("L1", "D1", FIRST, LAST)
    assert [(f.rule, f.subject) for f in findings(b, "2026-03-11 12:00")] == [("COV-LEAVE-SHEET", "D1")]


# -- COV-LEAVE-SHEET, unplanned absence -----------------------------------------------------------------
def sick(first):
    """Y1 off sick from `first`, expected back at the end of April, no return recorded yet."""
    return office().absence("S1", "Y1", first, None, expected="2026-04-30", kind="sickness", planned=False)


def test_unplanned_absence_confirmed_by_the_end_of_the_next_working_day_is_compliant():
    """RULES.md COV-LEAVE-SHEET: "the line manager must confirm cover by the end of the 1st working day after the
    first day of absence"."""
    b = sick("2026-03-09").cover_confirmation("S1", "2026-03-10 23:59", "D1")
    assert findings(b, "2026-03-12 12:00") == []


def test_unplanned_absence_confirmed_late_is_a_breach():
    """RULES.md COV-LEAVE-SHEET (unplanned): confirmation after the deadline is late."""
    b = sick("2026-03-09").cover_confirmation("S1", "2026-03-11 00:01", "D1")
    found = findings(b, "2026-03-12 12:00")
    assert keys(found) == {row("COV-LEAVE-SHEET", "breach", "Y1")}
    assert found[0].due == at("2026-03-10 23:59:59.999") and "late" in found[0].detail


def test_unplanned_absence_not_confirmed_is_due_then_a_breach():
    """RULES.md COV-LEAVE-SHEET (unplanned): not confirmed by the deadline."""
    b = sick("2026-03-09")
    due = findings(b, "2026-03-10 23:59")
    assert keys(due) == {row("COV-LEAVE-SHEET", "due", "Y1")}
    assert due[0].due == at("2026-03-10 23:59:59.999")
    assert "Person D1 (D1)" in due[0].detail
    assert keys(findings(b, "2026-03-11 00:00")) == {row("COV-LEAVE-SHEET", "breach", "Y1")}


def test_unplanned_deadline_crosses_the_weekend():
    """RULES.md: "N working days after a moment: count working days strictly after the moment's local date"."""
    b = sick("2026-03-13")  # a Friday
    assert findings(b, "2026-03-16 12:00")[0].due == at("2026-03-16 23:59:59.999")
    assert findings(b.cover_confirmation("S1", "2026-03-16 17:00", "D1"), "2026-03-17 12:00") == []


def test_unplanned_deadline_crosses_good_friday_and_easter_monday():
    """RULES.md: a working day is "not a bank holiday"; Good Friday 2026-04-03 and Easter Monday 2026-04-06."""
    b = sick("2026-04-02")  # Maundy Thursday
    found = findings(b, "2026-04-06 12:00")
    assert keys(found) == {row("COV-LEAVE-SHEET", "due", "Y1")}
    assert found[0].due == at("2026-04-07 23:59:59.999")
    assert findings(b.cover_confirmation("S1", "2026-04-07 09:00", "D1"), "2026-04-08 12:00") == []


def test_confirmation_by_a_colleague_does_not_count_but_one_higher_up_does():
    """RULES.md COV-LEAVE-SHEET: "the line manager must confirm cover" (or a manager above them)."""
    colleague = sick("2026-03-09").cover_confirmation("S1", "2026-03-09 10:00", "Y2")
    senior = sick("2026-03-09").cover_confirmation("S1", "2026-03-09 10:00", "T1")
    assert keys(findings(colleague, "2026-03-12 12:00")) == {row("COV-LEAVE-SHEET", "breach", "Y1")}
    assert findings(senior, "2026-03-12 12:00") == []


def test_unplanned_absence_needs_no_leave_sheet():
    """RULES.md COV-LEAVE-SHEET: the leave sheet is for planned absences; unplanned ones need confirmation."""
    b = sick("2026-03-09").cover_confirmation("S1", "2026-03-09 10:00", "D1")
    assert findings(b, "2026-03-12 12:00") == []


# -- COV-INFORMED ----------------------------------------------------------------------------------
def test_young_person_not_told_who_to_contact_is_a_warning_per_case():
    """RULES.md COV-INFORMED: "Each case on a leave sheet records whether the young person was told who to
    contact; not told: warning"."""
    b = full_sheet(planned(), C2=False)
    found = findings(b, "2026-03-11 12:00")
    assert keys(found) == {row("COV-INFORMED", "warning", "Y1", "C2")}
    assert "C2" in found[0].detail


def test_a_draft_may_leave_the_question_unanswered_but_a_sent_sheet_may_not():
    """COV-INFORMED (docs/interpretations.md): a draft that does not yet say whether the young person was
    told is the person's work in progress, not a finding; a sent sheet that does not say is reported like
    "not told", in its own words."""
    draft = full_sheet(planned(), submitted=None, C2=None)
    assert keys(findings(draft, "2026-03-06 12:00")) == {row("COV-LEAVE-SHEET", "due", "Y1")}
    found = findings(full_sheet(planned(), C2=None), "2026-03-06 12:00")
    assert keys(found) == {row("COV-INFORMED", "warning", "Y1", "C2")}
    assert "does not say whether the young person on case C2 was told" in found[0].detail


def test_young_person_not_told_is_shown_before_the_leave():
    """RULES.md COV-INFORMED: the warning lets the manager act before the leave starts."""
    assert keys(findings(full_sheet(planned(), C1=False), "2026-03-06 12:00")) == {
        row("COV-INFORMED", "warning", "Y1", "C1")
    }


def test_a_sheet_sent_after_the_moment_judged_is_not_known_yet():
    """docs/interpretations.md: "What is dated after the as-of moment is not yet known: … leave sheets … made
    later": the sheet is still due, and what it says about the young person is not reported yet."""
    b = full_sheet(planned(), C1=False)
    assert keys(findings(b, "2026-03-05 15:59")) == {row("COV-LEAVE-SHEET", "due", "Y1")}
    assert keys(findings(b, "2026-03-05 16:00")) == {row("COV-INFORMED", "warning", "Y1", "C1")}


def test_a_cover_confirmation_made_after_the_moment_judged_is_not_known_yet():
    """docs/interpretations.md: cover confirmations made later are not yet known."""
    b = sick("2026-03-09").cover_confirmation("S1", "2026-03-10 15:00", "D1")
    assert keys(findings(b, "2026-03-10 12:00")) == {row("COV-LEAVE-SHEET", "due", "Y1")}
    assert findings(b, "2026-03-10 15:00") == []


def test_informed_warnings_stop_for_absences_ended_before_the_window():
    """Lead: "absences ending before today−28 are not reported"."""
    b = full_sheet(planned(), C2=False)
    assert findings(b, "2026-04-10 12:00")  # 2026-03-13 is today−28
    assert findings(b, "2026-04-11 12:00") == []


def test_informed_warnings_continue_for_an_absence_with_no_recorded_return():
    """RULES.md: an absence with no recorded return continues, so it stays in view."""
    b = office().absence("L1", "Y1", FIRST, None, expected=LAST)
    full_sheet(b, C2=False)
    assert row("COV-INFORMED", "warning", "Y1", "C2") in keys(findings(b, "2026-06-01 12:00"))


# -- COV-REALLOCATE --------------------------------------------------------------------------------
def long_sick(last=None):
    """Y1 sick from Mon 2026-01-05, expected back 2026-03-31: the 21st working day is Mon 2026-02-02, and
    reallocation is due by the end of Wed 2026-02-04."""
    b = office().absence("S1", "Y1", "2026-01-05", last, expected="2026-03-31", kind="sickness", planned=False)
    return b.cover_confirmation("S1", "2026-01-05 10:00", "D1")


def realloc(b, as_of):
    return findings(b, as_of, rule="COV-REALLOCATE")


def test_long_sickness_cases_are_due_for_reallocation_from_the_21st_working_day():
    """RULES.md COV-REALLOCATE: "a sickness absence longer than long_sickness_working_days = 20 working days …
    by the end of the reallocate_within_working_days = 2nd working day after that point"."""
    b = long_sick()
    assert realloc(b, "2026-01-30 12:00") == []  # the 20th working day
    due = realloc(b, "2026-02-02 09:00")
    assert keys(due) == {row("COV-REALLOCATE", "due", "C1", "C1"), row("COV-REALLOCATE", "due", "C2", "C2")}
    assert {f.due for f in due} == {at("2026-02-04 23:59:59.999")}
    assert "sickness longer than 20 working days" in due[0].detail
    assert keys(realloc(b, "2026-02-05 00:00")) == {
        row("COV-REALLOCATE", "breach", "C1", "C1"), row("COV-REALLOCATE", "breach", "C2", "C2"),
    }


def test_long_sickness_reallocated_by_the_deadline_is_compliant_per_case():
    """RULES.md COV-REALLOCATE: "whose open cases are not temporarily reallocated by the end of the … 2nd working
    day": breach per case."""
    b = long_sick().reallocate("C1", "Y2", "2026-02-04", by="D1").reallocate("C2", "Y3", "2026-02-05", by="D1")
    assert keys(realloc(b, "2026-02-10 12:00")) == {row("COV-REALLOCATE", "breach", "C2", "C2")}


def test_a_reallocation_that_ended_before_the_trigger_does_not_count():
    """Lead: a temporary reallocation "starting by the deadline (and not ended before the trigger)"."""
    b = long_sick().reallocate("C1", "Y2", "2026-01-12", "2026-01-30").reallocate("C2", "Y3", "2026-01-12")
    assert keys(realloc(b, "2026-02-10 12:00")) == {row("COV-REALLOCATE", "breach", "C1", "C1")}


def test_sickness_of_exactly_20_working_days_needs_no_reallocation():
    """RULES.md COV-REALLOCATE: sickness *longer than* 20 working days."""
    assert realloc(long_sick(last="2026-01-30"), "2026-03-02 12:00") == []


def test_back_at_work_by_the_deadline_day_needs_no_reallocation():
    """Lead: "no finding if they came back before the deadline day" – read as the code does: not absent on the
    deadline day (last day absent Tue 2026-02-03, back Wed 2026-02-04, the deadline day)."""
    assert realloc(long_sick(last="2026-02-03"), "2026-03-02 12:00") == []
    assert keys(realloc(long_sick(last="2026-02-04"), "2026-03-02 12:00")) == {
        row("COV-REALLOCATE", "breach", "C1", "C1"), row("COV-REALLOCATE", "breach", "C2", "C2"),
    }


def test_cases_closed_or_moved_by_the_deadline_are_not_reported():
    """Lead: each case "still theirs and open" (closed or moved to another case manager: nothing to reallocate)."""
    b = long_sick()
    b.facts["cases"].clear()
    b.facts["allocations"].clear()
    b.case("C1", manager="Y1", opened="2025-06-02", closed="2026-02-03")
    b.case("C2", opened="2025-06-02").allocate("C2", "Y1", "2025-06-02", "2026-02-03").allocate("C2", "Y2", "2026-02-04")
    b.case("C3", manager="Y1", opened="2025-06-02")
    assert keys(realloc(b, "2026-02-10 12:00")) == {row("COV-REALLOCATE", "breach", "C3", "C3")}


def test_long_training_absence_is_not_long_sickness():
    """RULES.md COV-REALLOCATE: the 20-working-day limit is for sickness."""
    b = office().absence("L1", "Y1", "2026-01-05", None, expected="2026-03-31", kind="training")
    assert realloc(b, "2026-02-10 12:00") == []


def test_leave_running_past_its_expected_end_without_a_return_needs_reallocation():
    """RULES.md COV-REALLOCATE: "An absence past its expected end … the first day past the expected end"; lead:
    deadline "end of the 2nd working day after the trigger" (Sat 2026-03-14 → Tue 2026-03-17)."""
    b = full_sheet(office().absence("L1", "Y1", FIRST, None, expected=LAST))
    assert realloc(b, "2026-03-13 18:00") == []
    due = realloc(b, "2026-03-16 12:00")
    assert keys(due) == {row("COV-REALLOCATE", "due", "C1", "C1"), row("COV-REALLOCATE", "due", "C2", "C2")}
    assert due[0].due == at("2026-03-17 23:59:59.999")
    assert "past its expected end Fri 2026-03-13" in due[0].detail
    assert keys(realloc(b, "2026-03-18 09:00")) == {
        row("COV-REALLOCATE", "breach", "C1", "C1"), row("COV-REALLOCATE", "breach", "C2", "C2"),
    }


def test_leave_past_its_expected_end_with_reallocation_is_compliant():
    """RULES.md COV-REALLOCATE: "Managers will reallocate cases on a temporary basis"."""
    b = full_sheet(office().absence("L1", "Y1", FIRST, None, expected=LAST))
    b.reallocate("C1", "Y2", "2026-03-16").reallocate("C2", "Y3", "2026-03-17")
    assert realloc(b, "2026-03-18 09:00") == []


def test_a_recorded_late_return_is_judged_afterwards_too():
    """Lead: trigger when "its actual return is later" than the expected end."""
    b = full_sheet(office().absence("L1", "Y1", FIRST, "2026-03-20", expected=LAST))
    assert len(realloc(b, "2026-04-15 12:00")) == 2


def test_leave_ending_as_expected_or_soon_after_needs_no_reallocation():
    """Lead: "no finding if they came back before the deadline day"."""
    on_time = full_sheet(office().absence("L1", "Y1", FIRST, LAST))
    one_day_late = full_sheet(office().absence("L1", "Y1", FIRST, "2026-03-16", expected=LAST))
    assert realloc(on_time, "2026-04-01 12:00") == []
    assert realloc(one_day_late, "2026-04-01 12:00") == []
