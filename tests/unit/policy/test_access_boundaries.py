"""The edges of the permission policy (policy/access.py) that mutation testing found unchecked.

scripts/mutation-test.sh changes the policy one small step at a time; each test here fails for a
change that the broader tests in test_access.py let through (docs/security.md, "Mutation testing").
Both routes of the policy are asked every time: `case_access` for one case, `visible_cases` for a
caseload, since a page lists with one and opens with the other.
"""

from datetime import date

from oversight.policy.access import CaseAccess, Viewer, case_access, everyone_below, visible_cases
from oversight.policy.facts import LeaveSheetLine

from .builders import moment
from .test_access import DAY, FIRST_DAY, LAST_DAY, service


def both_routes(facts, staff, case="C1", day=DAY, known_at=None):
    """The answer for one case, checked to be the same through the caseload listing."""
    viewer = Viewer(staff=staff)
    single = case_access(facts, viewer, case, day, known_at=known_at)
    listed = visible_cases(facts, viewer, day, known_at=known_at).get(case)
    assert listed == (single if single.allowed else None), (single, listed)
    return single


def test_a_refusal_names_the_case_refused_and_the_reason():
    """The audit trail logs denied attempts by case: the refusal must say which case it was."""
    facts = service().build()
    assert case_access(facts, Viewer(staff="Y3"), "C1", DAY) == CaseAccess("C1", False, False,
                                                                           "no relationship to this case")
    assert case_access(facts, Viewer(staff="X0"), "C2", DAY) == CaseAccess.denied("C2")  # not on the staff
    assert case_access(facts, Viewer(), "C1", DAY).case == "C1"
    assert CaseAccess.denied("C9", "no such case in this service").basis == "no such case in this service"


def test_a_leave_sheet_counts_from_the_moment_it_was_sent():
    """Cover named on a leave sheet applies as at the minute the sheet was sent, not only after it."""
    b = service().absence("L1", "Y1", FIRST_DAY, LAST_DAY)
    b.leave_sheet("L1", "2026-03-10 09:30", "D1", [LeaveSheetLine("C1", "Y3", True)])
    facts = b.build()
    sent = moment("2026-03-10 09:30")
    assert both_routes(facts, "Y3", known_at=sent).basis == "cover for Y1 during absence L1"
    assert both_routes(facts, "Y3", known_at=moment("2026-03-10 09:29")).allowed is False


def test_the_duty_officer_has_a_case_only_while_no_leave_sheet_known_then_names_cover():
    """As at a moment before the leave sheet was sent, the case fell to duty; as at a moment after,
    its named cover holds it and the duty officer has no business with it."""
    b = service().person("Y4", manager="D1")
    b.absence("L1", "Y1", FIRST_DAY, LAST_DAY).absence("L2", "Y2", FIRST_DAY, LAST_DAY)  # buddy away too
    b.leave_sheet("L1", "2026-03-10 14:00", "D1", [LeaveSheetLine("C1", "Y3", True)])
    facts = b.duty(DAY, "Y4").build()
    morning, evening = moment("2026-03-10 09:00"), moment("2026-03-10 17:00")
    assert both_routes(facts, "Y4", known_at=morning).basis == "duty"
    assert both_routes(facts, "Y4", known_at=evening).allowed is False
    assert both_routes(facts, "Y3", known_at=evening).basis == "cover for Y1 during absence L1"


def test_a_former_line_manager_loses_the_case_when_the_reporting_line_ends():
    """Y1 moves from D1's team to Z1's on 2 March: D1 works on Y1's cases up to 1 March, not after."""
    b = service().person("Z1", "deputy_team_manager", manager="T1")
    b.facts["reporting_lines"] = [r for r in b.facts["reporting_lines"] if r.staff != "Y1"]
    b.line("Y1", "D1", "2024-01-08", "2026-03-01").line("Y1", "Z1", "2026-03-02")
    facts = b.build()
    assert both_routes(facts, "D1", day=date(2026, 3, 1)).basis == "line manager"
    assert both_routes(facts, "D1").allowed is False
    assert both_routes(facts, "Z1").basis == "line manager"
    assert both_routes(facts, "T1").basis == "line manager"  # above both deputies
    assert "Y1" not in everyone_below(facts, "D1", DAY)
    assert "Y1" in everyone_below(facts, "D1", date(2026, 3, 1))


def test_a_loop_in_the_reporting_lines_does_not_make_anyone_their_own_report():
    """A data error (two people each recorded as the other's manager) must neither hang the caseload
    nor put a manager below themselves."""
    b = service()
    b.line("D1", "Y1")  # D1 > Y1 already; now Y1 > D1 as well
    facts = b.build()
    assert everyone_below(facts, "D1", DAY) == {"Y1", "Y2", "Y3"}
    assert everyone_below(facts, "Y1", DAY) == {"D1", "Y2", "Y3"}


def test_the_duty_officer_gets_only_the_cases_that_fall_to_duty_not_every_case_that_day():
    """Y1 and their buddy are both away, so Y1's cases fall to duty; Y3 is at work, so Y3's own
    cases (listed before and after Y1's) do not, and the duty officer has no business with them."""
    b = service().person("Y4", manager="D1")
    b.case("C0", manager="Y3", opened="2025-06-02").case("C3", manager="Y3", opened="2025-06-02")
    b.absence("L1", "Y1", FIRST_DAY, LAST_DAY).absence("L2", "Y2", FIRST_DAY, LAST_DAY)
    facts = b.duty(DAY, "Y4").build()
    assert both_routes(facts, "Y4", "C1").basis == "duty"
    assert both_routes(facts, "Y4", "C2").basis == "duty"
    assert both_routes(facts, "Y4", "C0").allowed is False
    assert both_routes(facts, "Y4", "C3").allowed is False
