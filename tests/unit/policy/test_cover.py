"""Cover resolution (RULES.md, "Cover resolution: who is a case's named contact at a moment").

The calendar used below: Y1 is on leave Tue 2026-03-10 to Thu 2026-03-12, so Mon 2026-03-09 is the day
before and Fri 2026-03-13 the day after.
"""

from __future__ import annotations

from datetime import date

from oversight.policy.cover import PassedOver, Via, resolve_day

from .builders import cover_line, cover_on, judge, moment, small_service, team

BEFORE, FIRST, MIDDLE, LAST, AFTER = "2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12", "2026-03-13"


def office():
    """Three youth justice officers, two support officers and a duty officer, all under D1; Y1 holds C1."""
    b = team()
    for person in ("Y1", "Y2", "Y3"):
        b.person(person, manager="D1")
    for person in ("S1", "S2"):
        b.person(person, "support_officer", manager="D1")
    b.person("O1", manager="D1").person("O2", manager="D1")
    b.case("C1", manager="Y1", opened="2025-06-02")
    return b


def on_leave(b=None, last=LAST, **absence):
    """`office()` with Y1 away from FIRST to `last` (None: no return recorded)."""
    b = b or office()
    return b.absence("L1", "Y1", FIRST, last, **absence)


def contact(b, when, case="C1"):
    answer = cover_on(b.build(), when)[case]
    return answer.contact, str(answer.via)


def reasons(b, when, case="C1"):
    return [p.reason for p in cover_on(b.build(), when)[case].passed_over]


# -- the worked example ------------------------------------------------------------------------------
def test_small_service_cover_while_y1_is_on_leave():
    """small-service.md: "Cover at 2026-02-17T10:00 (Y1 on leave): E1 Y2 leave_sheet, E2 Y2 paired_worker,
    E3 SO1 case_manager"."""
    facts = small_service().build()
    today = judge(facts, "2026-02-17 10:00").today
    answers = {a.case: (a.contact, str(a.via)) for a in resolve_day(facts, today)}
    assert answers == {
        "E1": ("Y2", "leave_sheet"),
        "E2": ("Y2", "paired_worker"),
        "E3": ("SO1", "case_manager"),
    }


def test_small_service_explains_why_e2_went_to_its_paired_worker():
    """RULES.md: "The answer names the contact, the step (via), and the steps passed over with the reason"."""
    answer = cover_on(small_service().build(), "2026-02-17")["E2"]
    assert [p.staff for p in answer.passed_over] == ["Y1", None]
    assert "absent 2026-02-16" in answer.passed_over[0].reason
    assert "names no cover for E2" in answer.passed_over[1].reason


def test_small_service_cover_holds_past_the_expected_end_while_no_return_is_recorded():
    """RULES.md: "Until a return is recorded … a person whose absence has begun counts as absent, also past
    the expected last day: a child's cover never silently lapses"."""
    answers = cover_on(small_service().build(), "2026-03-02")
    assert (answers["E1"].contact, answers["E1"].via) == ("Y2", Via.LEAVE_SHEET)


# -- step 2: the case manager, and the edges of an absence ----------------------------------------------
def test_present_case_manager_is_the_contact_and_nothing_is_passed_over():
    """RULES.md step 2: "the case manager (case_manager)"; a buddy "acts only while the colleague is absent"."""
    b = office().buddy("Y1", "Y2")
    answer = cover_on(b.build(), BEFORE)["C1"]
    assert (answer.contact, answer.via, answer.passed_over) == ("Y1", Via.CASE_MANAGER, ())


def test_cover_the_day_before_first_day_last_day_and_day_after_an_absence():
    """RULES.md: "Absences are inclusive ranges of whole local dates (first day absent, last day absent)"."""
    b = on_leave().buddy("Y1", "Y2")
    assert contact(b, BEFORE) == ("Y1", "case_manager")
    assert contact(b, FIRST) == ("Y2", "buddy")
    assert contact(b, LAST) == ("Y2", "buddy")
    assert contact(b, AFTER) == ("Y1", "case_manager")


def test_an_early_return_gives_the_case_back_the_day_after_the_recorded_last_day():
    """RULES.md: until a return is recorded (`actual_last_day`) … counts as absent: the recorded return
    wins over the expected last day."""
    b = on_leave(last=FIRST, expected=AFTER).buddy("Y1", "Y2")
    assert contact(b, FIRST) == ("Y2", "buddy")
    assert contact(b, MIDDLE) == ("Y1", "case_manager")
    assert contact(b, AFTER) == ("Y1", "case_manager")


def test_an_absence_with_no_recorded_return_continues_past_its_expected_end():
    """RULES.md: "a person whose absence has begun counts as absent, also past the expected last day"."""
    b = on_leave(last=None, expected=LAST).buddy("Y1", "Y2")
    assert contact(b, AFTER) == ("Y2", "buddy")
    assert contact(b, "2026-04-30") == ("Y2", "buddy")
    assert reasons(b, "2026-04-30")[0] == "case manager Y1 absent 2026-03-10 to 2026-03-12 (return not recorded)"


def test_a_case_manager_who_has_left_is_passed_over():
    """RULES.md: "Take the first that applies and is present (not absent that day, still employed)"."""
    b = team().person("Y1", manager="D1", end=BEFORE).person("Y2", manager="D1")
    b.case("C1", manager="Y1", opened="2025-06-02").buddy("Y1", "Y2")
    assert contact(b, BEFORE) == ("Y1", "case_manager")
    assert contact(b, FIRST) == ("Y2", "buddy")
    assert "case manager Y1 not employed on 2026-03-10" in reasons(b, FIRST)


# -- step 1: reallocation ------------------------------------------------------------------------------
def test_an_active_reallocation_wins_over_a_present_case_manager():
    """RULES.md step 1: "an active temporary reallocation of the case (reallocation)" comes before the case
    manager."""
    b = office().reallocate("C1", "Y3", FIRST, LAST, by="D1")
    assert contact(b, BEFORE) == ("Y1", "case_manager")
    assert contact(b, FIRST) == ("Y3", "reallocation")
    assert contact(b, LAST) == ("Y3", "reallocation")
    assert contact(b, AFTER) == ("Y1", "case_manager")


def test_an_open_ended_reallocation_stays_in_force():
    """RULES.md step 1: an *active* reallocation (no end date: still in force, facts.py)."""
    b = office().reallocate("C1", "Y3", FIRST)
    assert contact(b, "2026-09-01") == ("Y3", "reallocation")


def test_a_reallocated_worker_who_is_absent_falls_through_to_the_next_step():
    """RULES.md: "Take the first that applies and is present": an absent reallocated worker is passed over."""
    b = office().reallocate("C1", "Y3", FIRST).absence("L3", "Y3", FIRST, LAST)
    assert contact(b, MIDDLE) == ("Y1", "case_manager")
    assert reasons(b, MIDDLE) == ["reallocated worker Y3 absent 2026-03-10 to 2026-03-12"]
    assert contact(b, AFTER) == ("Y3", "reallocation")


def test_absent_reallocated_worker_and_absent_case_manager_fall_to_the_buddy():
    """RULES.md: steps are taken in order; the first present one is the contact."""
    b = on_leave().reallocate("C1", "Y3", FIRST).absence("L3", "Y3", FIRST, LAST).buddy("Y1", "Y2")
    answer = cover_on(b.build(), MIDDLE)["C1"]
    assert (answer.contact, answer.via) == ("Y2", Via.BUDDY)
    assert [p.staff for p in answer.passed_over][:2] == ["Y3", "Y1"]


# -- step 3: the leave sheet ---------------------------------------------------------------------------
def test_leave_sheet_cover_comes_before_paired_worker_and_buddy():
    """RULES.md step 3: "the cover named for this case on the absent case manager's leave sheet"."""
    b = office()
    b.facts["cases"].clear()
    b.facts["allocations"].clear()
    b.case("C1", manager="Y1", opened="2025-06-02", order_type="detention_and_training_order", paired_worker="Y2")
    on_leave(b).buddy("Y1", "S1").leave_sheet("L1", "2026-03-05 10:00", "D1", [cover_line("C1", "Y3")])
    assert contact(b, MIDDLE) == ("Y3", "leave_sheet")


def test_absent_leave_sheet_cover_falls_to_the_paired_worker():
    """RULES.md: "Take the first that applies and is present"."""
    b = office()
    b.facts["cases"].clear()
    b.facts["allocations"].clear()
    b.case("C1", manager="Y1", opened="2025-06-02", order_type="detention_and_training_order", paired_worker="Y2")
    on_leave(b).leave_sheet("L1", "2026-03-05 10:00", "D1", [cover_line("C1", "Y3")])
    b.absence("L3", "Y3", MIDDLE, MIDDLE)
    assert contact(b, FIRST) == ("Y3", "leave_sheet")
    assert contact(b, MIDDLE) == ("Y2", "paired_worker")
    assert "leave sheet cover Y3 absent 2026-03-11 to 2026-03-11" in reasons(b, MIDDLE)
    assert contact(b, LAST) == ("Y3", "leave_sheet")


def test_a_leave_sheet_applies_only_to_its_own_absence():
    """Lead's interpretation: "cover named on the absent case manager's leave sheet for that absence"."""
    b = on_leave().buddy("Y1", "Y2")
    b.absence("L0", "Y1", "2026-02-02", "2026-02-03")
    b.leave_sheet("L0", "2026-01-28 10:00", "D1", [cover_line("C1", "Y3")])
    assert contact(b, "2026-02-02") == ("Y3", "leave_sheet")
    assert contact(b, MIDDLE) == ("Y2", "buddy")
    assert "no leave sheet for absence L1" in reasons(b, MIDDLE)


def test_a_leave_sheet_line_without_cover_is_passed_over():
    """RULES.md step 3 applies only when the sheet names cover for this case."""
    b = on_leave().buddy("Y1", "Y2").leave_sheet("L1", "2026-03-05 10:00", "D1", [cover_line("C1", None)])
    assert contact(b, MIDDLE) == ("Y2", "buddy")
    assert "leave sheet for L1 names no cover for C1" in reasons(b, MIDDLE)


# -- step 4: the paired worker -------------------------------------------------------------------------
def test_paired_worker_comes_before_the_buddy():
    """RULES.md step 4: "the paired worker (paired_worker)", before the buddies at step 5."""
    b = office()
    b.facts["cases"].clear()
    b.facts["allocations"].clear()
    b.case("C1", manager="Y1", opened="2025-06-02", order_type="detention_and_training_order", paired_worker="Y3")
    on_leave(b).buddy("Y1", "Y2")
    assert contact(b, MIDDLE) == ("Y3", "paired_worker")
    assert contact(b, BEFORE) == ("Y1", "case_manager")


# -- step 5: buddies -----------------------------------------------------------------------------------
def test_an_absent_buddy_is_passed_over_with_the_dates_of_their_absence():
    """RULES.md: "the steps passed over with the reason (e.g. "buddy S7 absent 2025-12-22 to 2026-01-02")"."""
    b = on_leave().buddy("Y1", "Y2", rank=1).buddy("Y1", "Y3", rank=2)
    b.absence("L2", "Y2", "2026-03-09", "2026-03-20", expected="2026-03-20")
    answer = cover_on(b.build(), MIDDLE)["C1"]
    assert (answer.contact, answer.via) == ("Y3", Via.BUDDY)
    assert PassedOver("Y2", "buddy Y2 absent 2026-03-09 to 2026-03-20") in answer.passed_over


def test_buddies_are_taken_in_their_nominated_order():
    """RULES.md step 5: "the case manager's valid buddies, in their nominated order"."""
    b = on_leave().buddy("Y1", "Y3", rank=2).buddy("Y1", "Y2", rank=1)
    assert contact(b, MIDDLE) == ("Y2", "buddy")


def test_the_second_ranked_buddy_takes_over_while_the_first_is_away():
    """RULES.md step 5, nominated order: the second buddy acts on the days the first is absent."""
    b = on_leave(last="2026-03-13").buddy("Y1", "Y2", rank=1).buddy("Y1", "Y3", rank=2)
    b.absence("L2", "Y2", MIDDLE, LAST)
    assert [contact(b, d) for d in (FIRST, MIDDLE, LAST, AFTER)] == [
        ("Y2", "buddy"), ("Y3", "buddy"), ("Y3", "buddy"), ("Y2", "buddy"),
    ]


def test_only_nominations_in_force_that_day_count():
    """Lead's interpretation: "buddies in rank order (only nominations in force that day …)"."""
    b = on_leave().buddy("Y1", "Y2", rank=1, end="2026-03-10").buddy("Y1", "Y3", rank=2, start="2026-03-12")
    assert contact(b, FIRST) == ("Y2", "buddy")
    assert contact(b, MIDDLE)[1] == "none"
    assert "case manager Y1 has no buddy in force" in reasons(b, MIDDLE)
    assert contact(b, LAST) == ("Y3", "buddy")


def test_a_cross_grade_buddy_without_approval_is_passed_over():
    """RULES.md COV-GRADE: "Any other pairing needs a recorded management approval"; lead: "unapproved
    cross-grade buddies are passed over"."""
    b = on_leave().buddy("Y1", "S1", rank=1).buddy("Y1", "Y2", rank=2)
    answer = cover_on(b.build(), MIDDLE)["C1"]
    assert (answer.contact, answer.via) == ("Y2", Via.BUDDY)
    assert PassedOver("S1", "buddy S1 is cross-grade without management approval") in answer.passed_over


def test_a_cross_grade_buddy_with_approval_covers():
    """Buddy policy: "subject to management approval – for Support Officers to cover a Youth Justice Officer's
    cases"."""
    b = on_leave().buddy("Y1", "S1", rank=1, approved_by="D1").buddy("Y1", "Y2", rank=2)
    assert contact(b, MIDDLE) == ("S1", "buddy")


def test_a_cross_grade_buddy_without_approval_never_covers_even_as_the_only_buddy():
    """RULES.md COV-GRADE: without approval the pairing is not valid; the child goes to duty or nobody."""
    b = on_leave().buddy("Y1", "S1")
    assert contact(b, MIDDLE) == (None, "none")


def test_a_buddy_who_has_left_is_passed_over():
    """RULES.md COV-BUDDY: "A nomination is valid only while the buddy is employed"."""
    b = on_leave().buddy("Y1", "Y4", rank=1).buddy("Y1", "Y2", rank=2)
    b.person("Y4", manager="D1", end="2026-03-10")
    assert contact(b, FIRST) == ("Y4", "buddy")
    assert contact(b, MIDDLE) == ("Y2", "buddy")
    assert "buddy Y4 no longer employed" in reasons(b, MIDDLE)


def test_a_manager_nominated_as_buddy_is_passed_over():
    """RULES.md COV-BUDDY: the buddy must be "a practitioner (youth justice officer, support officer or
    specialist)"."""
    b = on_leave().buddy("Y1", "D1", rank=1, approved_by="T1").buddy("Y1", "Y2", rank=2)
    assert contact(b, MIDDLE) == ("Y2", "buddy")
    assert "buddy D1 is not a practitioner" in reasons(b, MIDDLE)


def test_specialist_buddies_must_share_the_discipline():
    """RULES.md COV-GRADE: "Same role (for specialists, same discipline) is valid"."""
    b = team()
    b.person("H1", "specialist", manager="D1", discipline="health")
    b.person("H2", "specialist", manager="D1", discipline="health")
    b.person("E1", "specialist", manager="D1", discipline="education")
    b.case("C1", manager="H1", opened="2025-06-02").absence("L1", "H1", FIRST, LAST)
    b.buddy("H1", "E1", rank=1).buddy("H1", "H2", rank=2)
    assert contact(b, MIDDLE) == ("H2", "buddy")


# -- step 6: duty --------------------------------------------------------------------------------------
def test_two_duty_officers_share_the_cases_in_turn():
    """Lead's interpretation: "cases shared in turn among present officers, in case-id order"."""
    b = on_leave()
    for case in ("C2", "C3", "C4"):
        b.case(case, manager="Y1", opened="2025-06-02")
    b.duty(MIDDLE, "O2").duty(MIDDLE, "O1")
    answers = cover_on(b.build(), MIDDLE)
    assert {c: (a.contact, str(a.via)) for c, a in answers.items()} == {
        "C1": ("O1", "duty"), "C2": ("O2", "duty"), "C3": ("O1", "duty"), "C4": ("O2", "duty"),
    }


def test_an_absent_duty_officer_is_passed_over_and_the_other_takes_every_case():
    """RULES.md step 6: "the duty officer on the rota that day", present."""
    b = on_leave().case("C2", manager="Y1", opened="2025-06-02")
    b.duty(MIDDLE, "O1").duty(MIDDLE, "O2").absence("L9", "O1", MIDDLE, MIDDLE, kind="sickness", planned=False)
    answers = cover_on(b.build(), MIDDLE)
    assert {c: a.contact for c, a in answers.items()} == {"C1": "O2", "C2": "O2"}
    assert "duty officer O1 absent 2026-03-11 to 2026-03-11" in [p.reason for p in answers["C1"].passed_over]


def test_duty_is_only_the_rota_of_that_day():
    """RULES.md step 6: the duty officer "on the rota that day"."""
    b = on_leave().duty(FIRST, "O1")
    assert contact(b, FIRST) == ("O1", "duty")
    assert contact(b, MIDDLE) == (None, "none")


def test_no_rota_and_nobody_present_resolves_to_none_with_every_reason():
    """RULES.md step 7: "nobody (none), which is a COV-CONTACT breach"."""
    b = on_leave()
    answer = cover_on(b.build(), MIDDLE)["C1"]
    assert (answer.contact, answer.via, answer.case_manager) == (None, Via.NONE, "Y1")
    assert [p.reason for p in answer.passed_over] == [
        "case manager Y1 absent 2026-03-10 to 2026-03-12",
        "no leave sheet for absence L1",
        "case manager Y1 has no buddy in force",
        "no duty officer on the rota for 2026-03-11",
    ]


def test_an_unallocated_case_goes_to_duty():
    """RULES.md: "Every open case has a named contact at every moment" (also one with no case manager)."""
    b = office().case("C9", opened="2026-03-01").duty(MIDDLE, "O1")
    answer = cover_on(b.build(), MIDDLE)["C9"]
    assert (answer.contact, answer.via) == ("O1", Via.DUTY)
    assert "no case manager allocated on 2026-03-11" in [p.reason for p in answer.passed_over]


def test_only_cases_open_that_day_are_resolved():
    """RULES.md COV-CONTACT: "Every open case has a named contact": closed cases are not reported."""
    b = office().case("C2", manager="Y2", opened="2025-06-02", closed=BEFORE)
    assert set(cover_on(b.build(), BEFORE)) == {"C1", "C2"}
    assert set(cover_on(b.build(), FIRST)) == {"C1"}


def test_booked_leave_that_has_not_begun_ends_on_its_expected_last_day():
    """RULES.md: only "a person whose absence has begun counts as absent, also past the expected last
    day"; a holiday booked for next week is judged by its expected dates."""
    from oversight.policy.engine import cover_at

    b = team().person("Y1", manager="D1").person("Y2", manager="D1").buddy("Y1", "Y2")
    b.case("C1", manager="Y1", opened="2025-06-02")
    b.absence("L1", "Y1", "2026-03-09", None, expected="2026-03-13")
    facts = b.build()
    booked = facts.known_on(date(2026, 3, 2))
    assert booked.is_present("Y1", date(2026, 3, 16))  # after the expected last day: back
    assert not booked.is_present("Y1", date(2026, 3, 10))
    begun = facts.known_on(date(2026, 3, 10))
    assert not begun.is_present("Y1", date(2026, 3, 16))  # begun, no return recorded: still away
    assert cover_at(facts, moment("2026-03-16 10:00"))[0].via == "buddy"
