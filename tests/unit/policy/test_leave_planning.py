"""Planning leave: clashes with leave already booked, and who can cover (policy/leave_planning.py)."""

from __future__ import annotations

from datetime import date

from oversight.policy.cover import CannotCover
from oversight.policy.leave_planning import cover_candidates, leave_clashes, leave_sheet_cover_refused

from .builders import small_service, team


def test_a_request_clashes_with_booked_leave_by_its_expected_days_until_a_return_is_recorded():
    facts = small_service().build()  # L1: Y1 from Mon 16 Feb, expected back after Fri 20 Feb, no return
    assert [a.id for a in leave_clashes(facts, "Y1", date(2026, 2, 20), date(2026, 2, 24))] == ["L1"]
    assert leave_clashes(facts, "Y1", date(2026, 2, 23), date(2026, 2, 27)) == []
    assert leave_clashes(facts, "Y1", date(2026, 2, 9), date(2026, 2, 15)) == []
    assert leave_clashes(facts, "Y2", date(2026, 2, 16), date(2026, 2, 20)) == []
    assert leave_clashes(facts, "Y1", date(2026, 2, 16), date(2026, 2, 16), ignore="L1") == []


def office():
    b = team()
    for person in ("Y1", "Y2", "Y3"):
        b.person(person, manager="D1")
    b.person("Y9", manager="T1")  # another team
    b.person("S1", "support_officer", manager="D1")
    b.person("X1", end="2026-01-31", manager="D1")  # left
    b.case("C1", manager="Y1", opened="2025-06-02").case("C2", manager="Y1", opened="2025-06-02")
    b.case("C3", manager="Y3", opened="2025-06-02")
    b.buddy("Y1", "Y3", rank=1).buddy("Y1", "S1", rank=2).buddy("Y1", "Y2", rank=3, end="2026-01-01")
    b.absence("L9", "Y1", "2026-03-09", expected="2026-03-13")
    return b


def test_candidates_are_valid_buddies_in_order_then_the_team_then_everyone_else():
    facts = office().build().known_on(date(2026, 3, 2))
    candidates = cover_candidates(facts, facts.absence_by_id["L9"])
    # S1 is a cross-grade buddy without approval: not a buddy here, but in the team (by name).
    assert [(c.staff, c.relation, c.buddy_rank) for c in candidates] == [
        ("Y3", "buddy", 1), ("S1", "team", None), ("Y2", "team", None), ("Y9", "colleague", None)]


def test_candidates_show_their_own_clashing_leave_and_their_load_on_the_first_day():
    b = office()
    b.absence("L2", "Y3", "2026-03-12", expected="2026-03-20")  # away for the end of Y1's leave
    b.absence("L3", "Y2", "2026-03-02", None, expected="2026-03-04")  # begun, no return recorded: runs on
    b.absence("L4", "Y9", "2026-03-06", expected="2026-03-06")
    b.case("C4", manager="Y9", opened="2025-06-02").buddy("Y9", "Y3")
    b.absence("L5", "Y9", "2026-03-09", expected="2026-03-10")  # Y3 covers C4 as Y9's buddy that day
    facts = b.build().known_on(date(2026, 3, 5))
    by_staff = {c.staff: c for c in cover_candidates(facts, facts.absence_by_id["L9"])}
    assert [a.id for a in by_staff["Y3"].clashes] == ["L2"]
    assert [a.id for a in by_staff["Y2"].clashes] == ["L3"]
    assert [a.id for a in by_staff["Y9"].clashes] == ["L5"]  # L4 ends before the leave
    assert (by_staff["Y3"].own_cases, by_staff["Y3"].covering, by_staff["Y3"].load) == (1, 1, 2)
    assert (by_staff["Y9"].own_cases, by_staff["Y9"].covering) == (1, 0)


def test_cover_on_a_leave_sheet_is_a_practitioner_employed_on_the_first_day_and_not_the_absent_person():
    """COV-BUDDY's valid buddy is who can cover: the leave sheet refuses and offers nobody else."""
    b = office()
    b.person("X2", start="2026-03-10", manager="D1")  # starts the day after Y1's leave begins
    b.absence("L2", "Y2", "2026-03-09", expected="2026-03-09")  # away on the first day themselves
    facts = b.build().known_on(date(2026, 3, 2))
    leave = facts.absence_by_id["L9"]
    people = ("Y1", "D1", "T1", "X1", "X2", "NOPE")
    refused = {who: leave_sheet_cover_refused(facts, leave, who) for who in people}
    assert refused == {"Y1": CannotCover.ONESELF, "D1": CannotCover.NOT_PRACTITIONER,
                       "T1": CannotCover.NOT_PRACTITIONER, "X1": CannotCover.NOT_EMPLOYED,
                       "X2": CannotCover.NOT_EMPLOYED, "NOPE": CannotCover.UNKNOWN}
    # Away on the first day is no refusal: it is shown as their clash (cover resolution passes them over).
    assert leave_sheet_cover_refused(facts, leave, "Y2") is None
    assert leave_sheet_cover_refused(facts, leave, "S1") is None
    offered = {c.staff: c for c in cover_candidates(facts, leave)}
    assert set(offered) == {"Y2", "Y3", "S1", "Y9"}
    assert [a.id for a in offered["Y2"].clashes] == ["L2"]
