"""The read-only history of cover given (policy/access.py `past_cover`).

Access control issue: a buddy or leave-sheet cover sees and acts on a colleague's case only on the
days that colleague is absent, "and then read-only history of what they did".
"""

from datetime import date, timedelta

from oversight.policy.access import PastCover, Viewer, case_access, past_cover, past_cover_years
from oversight.policy.facts import LeaveSheetLine

from .test_access import AFTER, FIRST_DAY, LAST_DAY, service


def test_the_day_after_the_absence_the_buddy_has_no_access_but_the_history_of_the_cover():
    facts = service().absence("L1", "Y1", FIRST_DAY, LAST_DAY).build()
    assert case_access(facts, Viewer(staff="Y2"), "C1", AFTER).allowed is False
    assert past_cover(facts, Viewer(staff="Y2"), AFTER) == [
        PastCover("C2", "Y1", "L1", FIRST_DAY, LAST_DAY),
        PastCover("C1", "Y1", "L1", FIRST_DAY, LAST_DAY),
    ]


def test_nothing_while_the_absence_lasts_or_has_no_return_recorded():
    facts = service().absence("L1", "Y1", FIRST_DAY, LAST_DAY).absence("L2", "Y1", date(2026, 4, 6), None).build()
    assert past_cover(facts, Viewer(staff="Y2"), LAST_DAY) == []  # still covering: "Cases I cover"
    assert {p.absence for p in past_cover(facts, Viewer(staff="Y2"), date(2026, 5, 1))} == {"L1"}


def test_leave_sheet_cover_has_the_history_of_the_cases_it_was_named_for_only():
    b = service().absence("L1", "Y1", FIRST_DAY, LAST_DAY)
    b.leave_sheet("L1", "2026-03-05 10:00", "D1", [LeaveSheetLine("C1", "Y3", True)])
    facts = b.build()
    assert past_cover(facts, Viewer(staff="Y3"), AFTER) == [PastCover("C1", "Y1", "L1", FIRST_DAY, LAST_DAY)]


def test_others_have_no_cover_history():
    facts = service().absence("L1", "Y1", FIRST_DAY, LAST_DAY).build()
    for viewer in (Viewer(staff="Y1"), Viewer(staff="Y3"), Viewer(staff="D1"), Viewer(performance=True)):
        assert past_cover(facts, viewer, AFTER) == [], viewer


def test_a_nomination_that_ended_midway_gives_only_the_days_it_was_in_force():
    b = service()
    b.facts["buddies"] = []
    b.buddy("Y1", "Y2", end="2026-03-10").absence("L1", "Y1", FIRST_DAY, LAST_DAY)
    facts = b.build()
    assert {(p.case, p.first, p.last) for p in past_cover(facts, Viewer(staff="Y2"), AFTER)} == {
        ("C1", FIRST_DAY, date(2026, 3, 10)), ("C2", FIRST_DAY, date(2026, 3, 10))}


def test_the_history_can_be_asked_for_by_when_the_absence_ended():
    facts = service().absence("L1", "Y1", FIRST_DAY, LAST_DAY).build()
    viewer = Viewer(staff="Y2")
    assert past_cover(facts, viewer, AFTER, ended_in=(LAST_DAY, LAST_DAY)) == past_cover(facts, viewer, AFTER)
    assert past_cover(facts, viewer, AFTER, ended_in=(LAST_DAY + timedelta(days=1), AFTER)) == []
    assert past_cover_years(facts, viewer, AFTER) == [LAST_DAY.year]
    assert past_cover_years(facts, Viewer(staff="D1"), AFTER) == []
    assert past_cover_years(facts, viewer, LAST_DAY) == []  # not ended before that day
