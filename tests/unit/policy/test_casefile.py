"""What the child's file shows (policy/casefile.py): cover history, records' findings, next discussion."""

from __future__ import annotations

from datetime import date

from oversight.policy.calendar import WorkingCalendar
from oversight.policy.casefile import cover_history, last_face_to_face, next_discussion_due, record_findings
from oversight.policy.cover import Via

from .builders import discuss, judge, moment, small_service

CAL = WorkingCalendar()


def test_small_service_cover_history_of_e1_during_y1s_leave():
    facts = small_service().build().known_on(date(2026, 2, 18))
    [episode] = cover_history(facts, "E1", CAL, date(2026, 2, 18), known_at=moment("2026-02-18 12:00"))
    assert (episode.absence.id, episode.case_manager, episode.first, episode.last) == (
        "L1", "Y1", date(2026, 2, 16), date(2026, 2, 20))  # no return recorded: up to the expected end
    assert (episode.sheet_cover, episode.young_person_informed, episode.sheet_notes) == (
        "Y2", True, "Reparation session Wed 18th")
    assert [(s.contact, s.via, s.first, s.last, s.days) for s in episode.spells] == [
        ("Y2", Via.LEAVE_SHEET, date(2026, 2, 16), date(2026, 2, 20), 5)]


def test_cover_history_runs_on_while_no_return_is_recorded_and_shows_each_change_of_contact():
    b = small_service()
    b.absence("L2", "Y2", "2026-02-23", "2026-02-24")  # the cover is away too
    facts = b.build().known_on(date(2026, 2, 26))
    [episode] = cover_history(facts, "E2", CAL, date(2026, 2, 26), known_at=moment("2026-02-26 12:00"))
    assert episode.last == date(2026, 2, 26) and episode.sheet_cover is None
    # E2: paired worker Y2, then Y1's other buddies (none valid but Y2) and the duty rota (empty): nobody.
    assert [(s.contact, str(s.via), s.days) for s in episode.spells] == [
        ("Y2", "paired_worker", 5), (None, "none", 2), ("Y2", "paired_worker", 2)]


def test_cover_history_leaves_out_absences_while_the_case_was_someone_elses():
    b = small_service()
    b.absence("L0", "Y1", "2025-12-22", "2025-12-24")  # before E1 opened
    facts = b.build().known_on(date(2026, 2, 18))
    assert [e.absence.id for e in cover_history(facts, "E1", CAL, date(2026, 2, 18))] == ["L1"]
    assert cover_history(facts, "E3", CAL, date(2026, 2, 18)) == []


def test_record_findings_are_paired_with_their_discussion():
    j = judge(small_service().build(), "2026-02-18 12:00")
    found = record_findings(j)
    assert set(found) == {("supervision", "V2", "E3")}
    assert [(f.rule, str(f.status)) for f in found[("supervision", "V2", "E3")]] == [("REC-DEADLINE", "breach")]


def test_next_discussion_is_due_this_month_until_the_case_is_discussed():
    b = small_service()
    facts = b.build()
    due = next_discussion_due(facts, "E1", CAL, moment("2026-02-18 12:00"))
    assert CAL.local_date(due) == date(2026, 2, 27)
    b.formal("V9", "Y1", "2026-02-10 10:00", discuss("E1"))
    facts = b.build()
    assert CAL.local_date(next_discussion_due(facts, "E1", CAL, moment("2026-02-18 12:00"))) == date(2026, 3, 31)
    assert CAL.local_date(next_discussion_due(facts, "E2", CAL, moment("2026-02-18 12:00"))) == date(2026, 2, 27)
    # Before the session was held, it does not count yet.
    assert CAL.local_date(next_discussion_due(facts, "E1", CAL, moment("2026-02-09 12:00"))) == date(2026, 2, 27)


def test_last_seen_is_the_last_face_to_face_contact_up_to_the_day():
    b = small_service().contact("E1", "2026-02-17", "phone").contact("E1", "2026-02-20")
    facts = b.build()
    assert last_face_to_face(facts, "E1", date(2026, 2, 18)) == date(2026, 2, 13)
    assert last_face_to_face(facts, "E1", date(2026, 2, 12)) is None
