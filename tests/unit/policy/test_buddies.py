"""COV-BUDDY and COV-GRADE (buddy policy: "All practitioners must nominate a colleague to act as a 'buddy'")."""

from __future__ import annotations

from oversight.policy import buddies

from .builders import keys, run, small_service, team

AS_OF = "2026-03-11 12:00"


def office():
    """Y1 holds C1; Y2 and Y3 hold nothing; S1 and S2 are support officers; all report to D1."""
    b = team()
    for person in ("Y1", "Y2", "Y3"):
        b.person(person, manager="D1")
    for person in ("S1", "S2"):
        b.person(person, "support_officer", manager="D1")
    b.case("C1", manager="Y1", opened="2025-06-02")
    return b


def findings(b, as_of=AS_OF, rule=None):
    return keys(run(buddies.check, b.build(), as_of, rule=rule))


def breach(rule, subject):
    return (rule, "breach", subject, None, None)


def test_small_service_has_no_buddy_findings():
    """small-service.md: "none of these: COV-GRADE for SO1 (the cross-grade buddy was approved by D1)"."""
    assert findings(small_service(), "2026-02-18 12:00") == set()


# -- COV-BUDDY -----------------------------------------------------------------------------------------
def test_case_holder_without_a_buddy_is_a_breach():
    """RULES.md COV-BUDDY: "A case-holding practitioner with no valid buddy nomination in force: breach"."""
    found = run(buddies.check, office().build(), AS_OF)
    assert keys(found) == {breach("COV-BUDDY", "Y1")}
    assert "Y1" in found[0].detail and "1 open cases" in found[0].detail


def test_practitioner_holding_no_case_needs_no_buddy():
    """RULES.md: "A case-holding practitioner holds at least one open case on the day in question"."""
    b = office().case("C2", manager="Y2", opened="2025-06-02", closed="2026-03-10").buddy("Y1", "Y3")
    assert findings(b) == set()


def test_a_nomination_in_force_satisfies_cov_buddy():
    """RULES.md COV-BUDDY: a valid nomination *in force* on the day."""
    assert findings(office().buddy("Y1", "Y2")) == set()


def test_a_nomination_that_ended_or_has_not_started_does_not_count():
    """RULES.md COV-BUDDY: "no valid buddy nomination in force"."""
    ended = office().buddy("Y1", "Y2", end="2026-03-10")
    future = office().buddy("Y1", "Y2", start="2026-03-12")
    assert findings(ended) == {breach("COV-BUDDY", "Y1")}
    assert findings(future) == {breach("COV-BUDDY", "Y1")}
    assert findings(ended, "2026-03-10 12:00") == set()


def test_a_buddy_who_has_left_is_no_valid_nomination():
    """RULES.md COV-BUDDY: "A nomination is valid only while the buddy is employed"."""
    b = office().person("Y4", manager="D1", end="2026-03-10").buddy("Y1", "Y4")
    assert findings(b) == {breach("COV-BUDDY", "Y1")}
    assert findings(b, "2026-03-10 12:00") == set()


def test_a_manager_as_buddy_is_no_valid_nomination():
    """RULES.md COV-BUDDY: valid only while the buddy "is a practitioner (youth justice officer, support officer
    or specialist)"."""
    b = office().buddy("Y1", "D1", approved_by="T1")
    assert findings(b, rule="COV-BUDDY") == {breach("COV-BUDDY", "Y1")}


def test_an_absent_buddy_is_still_a_valid_nomination():
    """RULES.md COV-BUDDY: validity is employment and role; absence is for cover resolution to handle."""
    b = office().buddy("Y1", "Y2").absence("L2", "Y2", "2026-03-09", "2026-03-13")
    assert findings(b) == set()


def test_one_valid_nomination_is_enough():
    """RULES.md COV-BUDDY: "no valid buddy nomination": one valid among invalid ones suffices."""
    b = office().person("Y4", manager="D1", end="2026-01-31").buddy("Y1", "Y4", rank=1).buddy("Y1", "Y3", rank=2)
    assert findings(b) == set()


def test_an_unapproved_cross_grade_buddy_is_reported_by_cov_grade_only():
    """Lead: "cross-grade unapproved still counts as 'a buddy' here; COV-GRADE reports it"."""
    b = office().buddy("Y1", "S1")
    assert findings(b) == {breach("COV-GRADE", "Y1")}


def test_specialist_holding_cases_needs_a_buddy():
    """RULES.md: "Specialists who hold cases are included"."""
    b = team().person("H1", "specialist", manager="D1", discipline="health")
    b.case("C1", manager="H1", opened="2025-06-02")
    assert findings(b) == {breach("COV-BUDDY", "H1")}


def test_a_manager_holding_cases_needs_a_buddy_too():
    """RULES.md: "A case-holding practitioner holds at least one open case on the day in question",
    whatever the role: a deputy team manager holding a case needs someone to cover it."""
    b = team().case("C1", manager="D1", opened="2025-06-02")
    assert findings(b) == {breach("COV-BUDDY", "D1")}
    b.person("Y2", manager="D1").buddy("D1", "Y2", approved_by="T1")
    assert findings(b) == set()


def test_someone_who_has_left_is_not_judged():
    """RULES.md COV-BUDDY is judged for people on the day in question; leavers are no longer practitioners here."""
    b = team().person("Y1", manager="D1", end="2026-03-01").case("C1", manager="Y1", opened="2025-06-02")
    assert findings(b) == set()


# -- COV-GRADE -----------------------------------------------------------------------------------------
def test_yjo_buddying_with_yjo_and_so_with_so_is_fine():
    """Buddy policy: "Youth Justice Officers buddy with another Officer or Support Officers buddy with another
    Support Officer"."""
    b = office().buddy("Y1", "Y2").buddy("S1", "S2").case("C2", manager="S1", opened="2025-06-02")
    assert findings(b) == set()


def test_support_officer_covering_a_yjo_needs_approval():
    """RULES.md COV-GRADE: "Any other pairing needs a recorded management approval; without it, breach"."""
    unapproved = office().buddy("Y1", "S1")
    approved = office().buddy("Y1", "S1", approved_by="D1")
    found = run(buddies.check, unapproved.build(), AS_OF, rule="COV-GRADE")
    assert keys(found) == {breach("COV-GRADE", "Y1")}
    assert "support officer" in found[0].detail and "youth justice officer" in found[0].detail
    assert findings(approved) == set()


def test_yjo_covering_a_support_officer_needs_approval_too():
    """RULES.md COV-GRADE: "Same role … is valid. Any other pairing needs a recorded management approval"."""
    b = office().case("C2", manager="S1", opened="2025-06-02").buddy("Y1", "Y2").buddy("S1", "Y3")
    assert findings(b) == {breach("COV-GRADE", "S1")}


def test_specialists_of_different_disciplines_need_approval():
    """RULES.md COV-GRADE: "Same role (for specialists, same discipline) is valid"."""
    b = team()
    b.person("H1", "specialist", manager="D1", discipline="health")
    b.person("H2", "specialist", manager="D1", discipline="health")
    b.person("P1", "specialist", manager="D1", discipline="probation")
    b.case("C1", manager="H1", opened="2025-06-02")
    assert findings(b.buddy("H1", "H2")) == set()
    b2 = team()
    b2.person("H1", "specialist", manager="D1", discipline="health")
    b2.person("P1", "specialist", manager="D1", discipline="probation")
    b2.case("C1", manager="H1", opened="2025-06-02").buddy("H1", "P1")
    found = run(buddies.check, b2.build(), AS_OF)
    assert keys(found) == {breach("COV-GRADE", "H1")}
    assert "health specialist" in found[0].detail and "probation specialist" in found[0].detail


def test_cov_grade_judges_only_nominations_in_force():
    """Lead: "COV-GRADE: nomination in force today whose buddy's grade differs and approved_by is null"."""
    b = office().buddy("Y1", "Y2", rank=1).buddy("Y1", "S1", rank=2, end="2026-03-01")
    assert findings(b) == set()
    assert findings(b, "2026-02-27 12:00") == {breach("COV-GRADE", "Y1")}


def test_cov_grade_applies_to_a_practitioner_holding_no_case():
    """Buddy policy: "All practitioners must nominate" – the pairing rule holds whether or not they hold cases now."""
    b = office().buddy("Y1", "Y2").buddy("Y3", "S1")
    assert findings(b) == {breach("COV-GRADE", "Y3")}
