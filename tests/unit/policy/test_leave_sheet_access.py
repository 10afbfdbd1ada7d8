"""Who completes and who reads a leave sheet (policy/access.py `leave_sheet_access`)."""

from oversight.policy.access import Viewer, leave_sheet_access

from .test_access import DAY, FIRST_DAY, LAST_DAY, service


def test_the_absent_person_completes_it_and_their_line_reads_it():
    facts = service().absence("L1", "Y1", FIRST_DAY, LAST_DAY).build()
    mine = leave_sheet_access(facts, Viewer(staff="Y1"), "L1", DAY)
    assert (mine.allowed, mine.can_act, mine.basis) == (True, True, "the absent person")
    for manager in ("D1", "T1", "A1"):
        read = leave_sheet_access(facts, Viewer(staff=manager), "L1", DAY)
        assert (read.allowed, read.can_act, read.basis) == (True, False, "line manager of Y1"), manager


def test_colleagues_cover_and_figure_readers_are_refused():
    facts = service().absence("L1", "Y1", FIRST_DAY, LAST_DAY).build()
    for viewer in (Viewer(staff="Y2"), Viewer(staff="X9"), Viewer(performance=True), Viewer(administrator=True)):
        assert leave_sheet_access(facts, viewer, "L1", DAY).allowed is False, viewer
    assert leave_sheet_access(facts, Viewer(staff="D1"), "NOPE", DAY).allowed is False
