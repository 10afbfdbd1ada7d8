"""Who reads case narrative in listings (policy/access.py `reads_case_narrative`).

Access control issue: "a performance role reads reports without case narrative; administrators
manage settings and accounts, not case narrative". Senior managers read every case, so they read
narrative service-wide; a listing of one person's work is also read by that person and those above.
"""

from oversight.policy.access import Viewer, reads_case_narrative

from .test_access import DAY, service


def test_senior_managers_read_narrative_service_wide_and_nobody_else_does():
    facts = service().build()
    assert reads_case_narrative(facts, Viewer(staff="A1"), DAY) is True
    assert reads_case_narrative(facts, Viewer(staff="O1"), DAY) is True
    for staff in ("T1", "D1", "Y1"):
        assert reads_case_narrative(facts, Viewer(staff=staff), DAY) is False, staff


def test_the_performance_team_and_administrators_never_read_narrative():
    facts = service().build()
    for viewer in (Viewer(performance=True), Viewer(administrator=True)):
        assert reads_case_narrative(facts, viewer, DAY) is False
        assert reads_case_narrative(facts, viewer, DAY, line_of="Y1") is False


def test_a_persons_own_work_is_read_by_them_and_the_managers_above_them():
    facts = service().build()
    for staff in ("Y1", "D1", "T1", "A1"):
        assert reads_case_narrative(facts, Viewer(staff=staff), DAY, line_of="Y1") is True, staff
    assert reads_case_narrative(facts, Viewer(staff="Y2"), DAY, line_of="Y1") is False  # a colleague
    assert reads_case_narrative(facts, Viewer(staff="X9"), DAY, line_of="Y1") is False  # another team


def test_someone_who_has_left_reads_nothing():
    b = service()
    b.facts["staff"] = [s for s in b.facts["staff"] if s.id != "A1"]
    b.person("A1", "assistant_director", end="2026-03-01")
    facts = b.build()
    assert reads_case_narrative(facts, Viewer(staff="A1"), DAY) is False
