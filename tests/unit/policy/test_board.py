"""The team cover board: cover answers and the buddy policy's findings, placed by person and day."""

from __future__ import annotations

from datetime import date

from oversight.policy.board import Gap, board_days, cover_board, week_start
from oversight.policy.calendar import WorkingCalendar
from oversight.policy.cover import Via

from .builders import cover_line, moment, team

NOW = "2026-03-11 09:00"  # a Wednesday
THIS_WEEK = board_days(WorkingCalendar(), date(2026, 3, 11))


def office():
    """D1 manages Y1, Y2 and O1 (the duty officer on some days); Y1 and Y2 buddy each other."""
    b = team()
    for person in ("Y1", "Y2", "O1"):
        b.person(person, manager="D1")
    b.person("X1", manager="T1")  # in T1's line, not D1's
    b.case("C1", manager="Y1").case("C2", manager="Y1").case("C3", manager="Y2").case("C9", manager="X1")
    b.buddy("Y1", "Y2").buddy("Y2", "Y1")
    return b


def board(b, people=("Y1", "Y2", "O1"), days=THIS_WEEK, now=NOW):
    return cover_board(b.build(), moment(now), people, days)


def test_four_weeks_of_working_days_from_monday_without_bank_holidays():
    days = board_days(WorkingCalendar(), date(2026, 12, 23))
    assert days[0] == date(2026, 12, 21) == week_start(date(2026, 12, 23))
    assert days[-1] == date(2027, 1, 15)
    # Christmas Day, Boxing Day (observed Mon 28th) and New Year's Day are not working days.
    assert date(2026, 12, 25) not in days and date(2026, 12, 28) not in days and date(2027, 1, 1) not in days
    assert len(days) == 20 - 3


def test_leave_next_week_without_a_leave_sheet_or_duty_officer_is_marked_before_it_happens():
    """Y1 and the buddy Y2 are both on leave next week; there is no duty officer and no leave sheet."""
    b = office().absence("L1", "Y1", "2026-03-16", "2026-03-17").absence("L2", "Y2", "2026-03-16", "2026-03-17")
    result = board(b)
    monday, tuesday = date(2026, 3, 16), date(2026, 3, 17)
    cell = result.cell("Y1", monday)
    assert cell.absence.id == "L1"
    assert cell.gaps == (Gap.NO_CONTACT, Gap.BUDDY_ABSENT, Gap.LEAVE_SHEET)
    assert [(c.case, c.answer.via, c.absent_buddies) for c in cell.cases] == [
        ("C1", Via.NONE, ("Y2",)), ("C2", Via.NONE, ("Y2",)),
    ]
    assert {f.rule for f in cell.findings} == {"COV-LEAVE-SHEET"}
    # This week is fine, and the days with gaps are exactly the leave.
    assert not result.cell("Y1", date(2026, 3, 11)).gaps
    assert [day for day, _ in result.gap_days()] == [monday, tuesday]
    # Every day marked "no contact" is a COV-CONTACT finding (due: it is ahead), one per case and day.
    contact = {(f.case, f.due.date()) for f in result.findings if f.rule == "COV-CONTACT"}
    assert contact == {(c, d) for c in ("C1", "C2", "C3") for d in (monday, tuesday)}
    assert {str(f.status) for f in result.findings if f.rule == "COV-CONTACT"} == {"due"}


def test_a_leave_sheet_naming_cover_clears_the_gaps():
    b = office().absence("L1", "Y1", "2026-03-16", "2026-03-17")
    b.leave_sheet("L1", "2026-03-10 10:00", "D1", [cover_line("C1", "O1"), cover_line("C2", "O1")])
    cell = board(b).cell("Y1", date(2026, 3, 16))
    assert cell.gaps == ()
    assert cell.contacts() == [("O1", Via.LEAVE_SHEET, 2)]
    assert board(b).cell("O1", date(2026, 3, 16)).covering == ("C1", "C2")


def test_falling_to_duty_is_marked_and_an_overloaded_officer_too():
    b = office().settings(duty_max_cases_per_officer=1)
    b.absence("L1", "Y1", "2026-03-16", "2026-03-16").absence("L2", "Y2", "2026-03-16", "2026-03-16")
    b.duty("2026-03-16", "O1")
    result = board(b)
    cell = result.cell("Y1", date(2026, 3, 16))
    assert cell.gaps == (Gap.DUTY_OVERLOAD, Gap.BUDDY_ABSENT, Gap.LEAVE_SHEET, Gap.DUTY)
    assert result.cell("O1", date(2026, 3, 16)).on_duty == ("C1", "C2", "C3")
    duty = result.duty[date(2026, 3, 16)]
    assert duty.load == (("O1", 3),) and duty.overloaded == ("O1",)
    assert [f.rule for f in duty.findings] == ["COV-DUTY-LOAD"]


def test_a_buddy_who_is_present_is_no_gap():
    b = office().absence("L1", "Y1", "2026-03-16", "2026-03-16")
    b.leave_sheet("L1", "2026-03-10 10:00", "D1", [cover_line("C1", None), cover_line("C2", None)])
    cell = board(b).cell("Y1", date(2026, 3, 16))
    assert cell.contacts() == [("Y2", Via.BUDDY, 2)]
    # The leave sheet names no cover for the cases: that is its own finding, not a cover gap.
    assert cell.gaps == (Gap.LEAVE_SHEET,)


def test_the_board_reaches_beyond_the_default_cover_window():
    """Eight weeks ahead is past `cover_lookahead_days` (28): the board still judges its own days."""
    later = board_days(WorkingCalendar(), date(2026, 5, 6))
    b = office().absence("L1", "Y1", "2026-05-06", "2026-05-06").absence("L2", "Y2", "2026-05-06", "2026-05-06")
    result = board(b, days=later)
    assert Gap.NO_CONTACT in result.cell("Y1", date(2026, 5, 6)).gaps
    assert any(f.rule == "COV-CONTACT" and f.due.date() == date(2026, 5, 6) for f in result.findings)


def test_only_the_people_on_the_board_and_their_cases_are_reported():
    b = office().absence("L9", "X1", "2026-03-16", "2026-03-16")  # another line's leave, no sheet
    result = board(b)
    assert result.absences == ()
    assert not any(f.subject == "X1" or f.case == "C9" for f in result.findings)
    assert board(b, people=("X1",)).cell("X1", date(2026, 3, 16)).gaps == (Gap.NO_CONTACT, Gap.LEAVE_SHEET)


def test_findings_about_an_absence_are_attached_to_it():
    """An unplanned absence without cover confirmed by the line manager: COV-LEAVE-SHEET, due."""
    b = office().absence("S1", "Y1", "2026-03-11", None, expected="2026-03-13", kind="sickness", planned=False)
    result = board(b)
    assert [f.rule for f in result.findings_by_absence["S1"]] == ["COV-LEAVE-SHEET"]
    assert Gap.LEAVE_SHEET in result.cell("Y1", date(2026, 3, 11)).gaps
    b.cover_confirmation("S1", "2026-03-11 08:30", "D1")
    result = board(b)
    assert result.findings_by_absence["S1"] == ()
    assert Gap.LEAVE_SHEET not in result.cell("Y1", date(2026, 3, 11)).gaps


def test_someone_not_yet_employed_has_empty_cells():
    b = office().person("N1", manager="D1", start="2026-03-13")
    result = board(b, people=("N1",))
    assert not result.cell("N1", date(2026, 3, 12)).employed
    assert result.cell("N1", date(2026, 3, 13)).employed
