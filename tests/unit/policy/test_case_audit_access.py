"""Who reads a case's audit history (policy/access.py `case_audit_access`).

Access control issue: "managers can see a case's audit history": the line management chain of the
case manager and senior managers; everyone else, the case manager and cover included, is refused.
"""

from oversight.policy.access import Viewer, case_audit_access

from .test_access import AFTER, DAY, FIRST_DAY, LAST_DAY, service


def reads(facts, staff, case="C1", day=DAY, **flags) -> bool:
    return case_audit_access(facts, Viewer(staff=staff, **flags), case, day).allowed


def test_the_line_management_chain_and_senior_managers_read_the_history():
    facts = service().build()
    for staff in ("D1", "T1", "O1", "A1"):
        assert reads(facts, staff), staff
    assert case_audit_access(facts, Viewer(staff="D1"), "C1", DAY).basis == "line manager of Y1 (audit history)"
    assert case_audit_access(facts, Viewer(staff="D1"), "C1", DAY).can_act is False


def test_the_case_manager_cover_and_colleagues_are_refused():
    facts = service().absence("L1", "Y1", FIRST_DAY, LAST_DAY).build()
    assert not reads(facts, "Y1", day=FIRST_DAY)  # the case manager
    assert not reads(facts, "Y2", day=FIRST_DAY)  # the buddy, covering that day
    assert not reads(facts, "Y3") and not reads(facts, "X9")
    assert not reads(facts, None, performance=True) and not reads(facts, None, administrator=True)


def test_a_senior_manager_who_is_the_case_manager_is_refused_their_own_case():
    facts = service().case("C9", manager="O1").build()
    assert not reads(facts, "O1", "C9")
    assert reads(facts, "A1", "C9")


def test_a_closed_case_is_read_by_its_last_case_managers_chain():
    facts = service().case("C8", manager="Y3", opened="2025-01-06", closed="2026-01-30").build()
    assert reads(facts, "D1", "C8", day=AFTER)
    assert not reads(facts, "Y3", "C8", day=AFTER)


def test_an_unknown_case_or_someone_who_has_left_is_refused():
    b = service()
    b.facts["staff"] = [s for s in b.facts["staff"] if s.id != "D1"]
    b.person("D1", "deputy_team_manager", manager="T1", end="2026-03-01")
    facts = b.build()
    assert not reads(facts, "D1")
    assert not reads(facts, "A1", "NOPE")
