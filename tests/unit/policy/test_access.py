"""The permission policy (policy/access.py): role and relationship, on the day.

Buddy policy: a buddy acts "only whilst their colleague is absent". Access control issue: "a case
manager sees and acts on their own cases; a buddy or leave-sheet cover sees and acts on a
colleague's case only on the days that colleague is absent; a line manager works on the cases of
everyone below them in the reporting line; senior managers read the whole service; the duty officer
sees cases routed to duty that day; a performance role reads reports without case narrative;
administrators manage settings and accounts, not case narrative."
"""

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.policy.access import Viewer, case_access, may_write_records, visible_cases
from oversight.policy.facts import LeaveSheetLine

from .builders import moment, team
from .test_cover_properties import FIRST, SPAN, services

DAY = date(2026, 3, 10)  # a Tuesday
BEFORE, FIRST_DAY, LAST_DAY, AFTER = date(2026, 3, 8), date(2026, 3, 9), date(2026, 3, 13), date(2026, 3, 14)


def service():
    """Y1 (case manager of C1, C2) with buddy Y2; Y3 in the team; D1 > T1 > A1 above; O1 (ops manager)."""
    b = team()
    b.person("O1", "operational_service_manager", manager="A1")
    b.line("T1", "O1", "2024-01-08")
    b.facts["reporting_lines"] = [r for r in b.facts["reporting_lines"] if not (r.staff == "T1" and r.manager == "A1")]
    b.person("Y1", manager="D1").person("Y2", manager="D1").person("Y3", manager="D1")
    b.person("X9", manager="A1")  # another team altogether
    b.case("C1", manager="Y1", opened="2025-06-02").case("C2", manager="Y1", opened="2025-06-02")
    b.buddy("Y1", "Y2")
    return b


def who(facts, staff, case="C1", day=DAY, **viewer):
    access = case_access(facts, Viewer(staff=staff, **viewer), case, day)
    return (access.allowed, access.can_act, access.basis)


def test_the_case_manager_works_on_their_own_cases():
    facts = service().build()
    assert who(facts, "Y1") == (True, True, "case manager")
    assert who(facts, "Y3") == (False, False, "no relationship to this case")


def test_a_buddy_has_access_only_on_the_days_the_colleague_is_absent():
    facts = service().absence("L1", "Y1", FIRST_DAY, LAST_DAY).build()
    assert who(facts, "Y2", day=BEFORE)[0] is False
    assert who(facts, "Y2", day=FIRST_DAY) == (True, True, "cover for Y1 during absence L1")
    assert who(facts, "Y2", day=LAST_DAY)[0] is True
    assert who(facts, "Y2", day=AFTER)[0] is False


def test_an_early_return_ends_the_buddys_access_that_day():
    facts = service().absence("L1", "Y1", FIRST_DAY, date(2026, 3, 10), expected=LAST_DAY).build()
    assert who(facts, "Y2", day=date(2026, 3, 10))[0] is True
    assert who(facts, "Y2", day=date(2026, 3, 11))[0] is False


def test_an_absence_with_no_return_recorded_keeps_cover_in_place():
    """RULES.md: until a return is recorded the person counts as absent, also past the expected last day."""
    facts = service().absence("L1", "Y1", FIRST_DAY, None, expected=LAST_DAY).build()
    assert who(facts, "Y2", day=date(2026, 3, 20))[0] is True


def test_leave_sheet_cover_sees_only_the_cases_it_covers():
    b = service().absence("L1", "Y1", FIRST_DAY, LAST_DAY)
    b.leave_sheet("L1", "2026-03-05 10:00", "D1", [LeaveSheetLine("C1", "Y3", True)])
    facts = b.build()
    assert who(facts, "Y3", "C1") == (True, True, "cover for Y1 during absence L1")
    assert who(facts, "Y3", "C2")[0] is False
    assert who(facts, "Y3", "C1", day=AFTER)[0] is False


def test_a_leave_sheet_sent_later_gives_no_access_before_it_is_sent():
    b = service().absence("L1", "Y1", FIRST_DAY, LAST_DAY)
    b.leave_sheet("L1", "2026-03-12 10:00", "D1", [LeaveSheetLine("C1", "Y3", True)])
    facts = b.build()
    viewer = Viewer(staff="Y3")
    assert not case_access(facts, viewer, "C1", DAY, known_at=moment("2026-03-10 12:00")).allowed
    assert case_access(facts, viewer, "C1", DAY, known_at=moment("2026-03-12 12:00")).allowed


def test_an_unapproved_cross_grade_buddy_gets_no_access():
    b = service().person("S1", "support_officer", manager="D1").buddy("Y1", "S1", rank=2)
    facts = b.absence("L1", "Y1", FIRST_DAY, LAST_DAY).build()
    assert who(facts, "S1", day=FIRST_DAY)[0] is False
    approved = service().person("S1", "support_officer", manager="D1").buddy("Y1", "S1", rank=2, approved_by="D1")
    assert who(approved.absence("L1", "Y1", FIRST_DAY, LAST_DAY).build(), "S1", day=FIRST_DAY)[0] is True


def test_line_managers_up_the_chain_work_on_the_case_seniors_read_it():
    facts = service().build()
    assert who(facts, "D1") == (True, True, "line manager")
    assert who(facts, "T1") == (True, True, "line manager")
    assert who(facts, "O1") == (True, True, "line manager")
    assert who(facts, "A1") == (True, True, "line manager")
    assert who(facts, "X9")[0] is False


def test_senior_managers_outside_the_chain_read_but_do_not_act():
    facts = service().person("H2", "head_of_service", manager="A1").build()
    assert who(facts, "H2") == (True, False, "senior read")


def test_the_duty_officer_sees_only_cases_routed_to_duty_that_day():
    b = service().absence("L1", "Y1", FIRST_DAY, LAST_DAY).absence("L2", "Y2", FIRST_DAY, LAST_DAY)
    b.duty(DAY, "Y3")
    facts = b.build()
    assert who(facts, "Y3") == (True, True, "duty")
    assert who(facts, "Y3", day=date(2026, 3, 11))[0] is False  # not on the rota that day
    present_buddy = service().absence("L1", "Y1", FIRST_DAY, LAST_DAY).duty(DAY, "Y3").build()
    assert who(present_buddy, "Y3")[0] is False  # the buddy covers: nothing falls to duty


def test_performance_and_administrators_never_see_case_narrative():
    facts = service().build()
    assert who(facts, None, performance=True)[0] is False
    assert who(facts, None, administrator=True)[0] is False


def test_closed_cases_are_read_only_and_leavers_see_nothing():
    b = service().case("C3", manager="Y1", opened="2025-06-02", closed="2026-01-31")
    facts = b.build()
    assert who(facts, "Y1", "C3") == (True, False, "former case manager")
    assert who(facts, "D1", "C3") == (True, False, "line manager")
    leaver = service().build()
    leaver = replace(leaver, staff=tuple(replace(s, end=date(2026, 3, 1)) if s.id == "Y1" else s for s in leaver.staff))
    assert who(leaver, "Y1")[0] is False


def test_the_records_owed_on_a_closed_case_are_written_by_whoever_could_act_on_it_while_open():
    # REC-DEADLINE: a discussion's record is owed on the child's file after the case closes too.
    b = service().case("C3", manager="Y1", opened="2025-06-02", closed="2026-01-31")
    facts = b.person("O2", "operational_service_manager", manager="A1").build()  # senior, outside Y1's line
    owed = {staff: case_access(facts, Viewer(staff=staff), "C3", DAY) for staff in ("Y1", "D1", "T1", "O1", "O2", "Y2")}
    assert {s: (a.can_act, a.writes_records) for s, a in owed.items() if a.allowed} == {
        "Y1": (False, False),  # former case manager: reads their old case
        # the line above: writes the records, takes no new decision
        "D1": (False, True), "T1": (False, True), "O1": (False, True),
        "O2": (False, False),  # senior read
    }
    assert may_write_records(facts, Viewer(staff="D1"), owed["D1"])
    assert not may_write_records(facts, Viewer(staff="Y1"), owed["Y1"])
    for staff in ("Y1", "D1", "Y2"):  # on an open case, writing records is acting on the case
        access = case_access(facts, Viewer(staff=staff), "C1", DAY)
        assert access.writes_records == access.can_act


def test_an_unknown_case_is_simply_not_allowed():
    assert who(service().build(), "Y1", "NOPE")[0] is False


@settings(max_examples=60, deadline=None)
@given(facts=services(), offset=st.integers(0, SPAN))
def test_the_set_wise_selector_agrees_with_the_single_case_policy(facts, offset):
    """One definition of access, two routes: a caseload listing must never show a case the policy
    would refuse, nor hide one it would allow."""
    day = FIRST + timedelta(days=offset)
    for person in [*facts.staff, None]:
        viewer = Viewer(staff=person.id if person else None)
        listed = visible_cases(facts, viewer, day)
        for case in facts.cases:
            single = case_access(facts, viewer, case.id, day)
            assert (case.id in listed) == single.allowed, (viewer, case.id, single)
            if single.allowed:
                assert listed[case.id] == single
