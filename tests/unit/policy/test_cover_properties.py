"""Properties of cover resolution over random small services (RULES.md, "Cover resolution").

Each service has a few practitioners of mixed grades (some leaving), a deputy team manager, random absences
(some with no recorded return), leave sheets, buddy nominations (some cross-grade, some approved, some of a
manager), temporary reallocations, a random duty rota and random allocations. The services keep the invariants
the exchange format enforces: one case manager at a time, no overlapping absences of one person, nobody their
own buddy.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.policy import cover_checks
from oversight.policy.cover import Via, resolve_day
from oversight.policy.facts import ServiceFacts, in_range

from .builders import LONDON, cover_line, judge, team

FIRST = date(2025, 12, 1)  # Christmas and Easter bank holidays fall inside
LAST = date(2026, 4, 30)
SPAN = (LAST - FIRST).days
GRADES = [
    ("youth_justice_officer", None),
    ("youth_justice_officer", None),
    ("support_officer", None),
    ("specialist", "health"),
    ("specialist", "education"),
]
PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


BOOLS = st.booleans()


def number(draw, low: int, high: int) -> int:
    return draw(st.integers(low, high))  # st.integers is cached: no new strategy per draw


def pick(draw, items):
    return items[number(draw, 0, len(items) - 1)]


def maybe(draw, make):
    """`make()` or None, half the time each (`make` draws only when used, which keeps shrinking simple)."""
    return make() if draw(BOOLS) else None


def offset(draw, low=0, high=SPAN):
    return FIRST + timedelta(days=number(draw, low, high))


def moment(draw, low=0, high=SPAN):
    """A local moment on the quarter hour."""
    when = offset(draw, low, high)
    return datetime(when.year, when.month, when.day, tzinfo=LONDON) + timedelta(minutes=15 * number(draw, 0, 95))


@st.composite
def services(draw) -> ServiceFacts:
    b = team("P")
    people = [f"P{i}" for i in range(1, number(draw, 2, 6) + 1)]
    for person in people:
        role, discipline = pick(draw, GRADES)
        b.person(person, role, manager="D1", discipline=discipline, end=maybe(draw, lambda: offset(draw)))
    staff = [*people, "D1"]

    # Absences: non-overlapping per person; one with no recorded return is the last of that person.
    absence_ids = []
    for person in staff:
        cursor = FIRST - timedelta(days=number(draw, 0, 20))
        for _ in range(number(draw, 0, 4)):
            first = cursor + timedelta(days=number(draw, 0, 40))
            expected = first + timedelta(days=number(draw, 0, 15))
            # A quarter of absences have no recorded return (they then run to the end of the facts).
            last = first + timedelta(days=number(draw, 0, 30)) if number(draw, 0, 3) else None
            absence_id = f"L{len(absence_ids) + 1}"
            kind = pick(draw, ("annual_leave", "sickness", "training"))
            b.absence(absence_id, person, first, last, expected=expected, kind=kind, planned=kind != "sickness")
            absence_ids.append(absence_id)
            if last is None:
                break
            cursor = last + timedelta(days=1)

    # Cases, each with consecutive allocations (one case manager at a time), sometimes none.
    cases = [f"C{i}" for i in range(1, number(draw, 1, 7) + 1)]
    for case in cases:
        opened = offset(draw, -60, SPAN // 2)
        closed = opened + timedelta(days=number(draw, 0, 200)) if number(draw, 0, 2) == 0 else None
        order = "detention_and_training_order" if draw(BOOLS) else "referral_order"
        b.case(case, opened=opened, closed=closed, order_type=order, paired_worker=pick(draw, staff) if number(draw, 0, 2) == 0 else None)
        start = opened
        for _ in range(pick(draw, (0, 1, 1, 2, 3))):
            end = maybe(draw, lambda: start + timedelta(days=number(draw, 0, 150)))  # noqa: B023
            b.allocate(case, pick(draw, [*people, *people, "D1"]), start, end)
            if end is None:
                break
            start = end + timedelta(days=number(draw, 1, 5))

    for absence_id in absence_ids:
        if draw(BOOLS):
            covered = [case for case in cases if number(draw, 0, 3)]
            lines = [cover_line(case, pick(draw, [*staff, None]), draw(BOOLS)) for case in covered]
            submitted = pick(draw, [None, moment(draw, -30, SPAN), moment(draw, -30, SPAN)])
            b.leave_sheet(absence_id, submitted, "D1", lines)

    for person in people:
        for _ in range(number(draw, 0, 3)):
            buddy = pick(draw, [s for s in staff if s != person])
            start = offset(draw, -120, SPAN // 2)
            end = maybe(draw, lambda: start + timedelta(days=number(draw, 0, 150)))  # noqa: B023
            b.buddy(person, buddy, rank=number(draw, 1, 3), start=start, end=end,
                    approved_by=pick(draw, (None, None, "D1")))

    for _ in range(number(draw, 0, 6)):
        start = offset(draw, -30, SPAN)
        end = maybe(draw, lambda: start + timedelta(days=number(draw, 0, 60)))  # noqa: B023
        b.reallocate(pick(draw, cases), pick(draw, staff), start, end, by="D1")

    # The rota: each officer on some weekdays (weekends too, at times), skipping some weeks.
    for person in sorted({pick(draw, staff) for _ in range(number(draw, 0, 3))}):
        weekdays = {number(draw, 0, 6) for _ in range(number(draw, 0, 5))}
        weeks_off = {number(draw, 0, SPAN // 7) for _ in range(number(draw, 0, SPAN // 14))}
        for n in range(SPAN + 1):
            when = FIRST + timedelta(days=n)
            if when.weekday() in weekdays and n // 7 not in weeks_off:
                b.duty(when, person)
    return b.build()


def one_day():
    return st.integers(0, SPAN).map(lambda n: FIRST + timedelta(days=n))


def days():
    """A few days to judge each random service on."""
    return st.lists(one_day(), min_size=1, max_size=6)


# -- a reference model of the candidates, from RULES.md alone ---------------------------------------------
def active_reallocations(facts: ServiceFacts, case: str, day: date) -> list[str]:
    return [r.staff for r in facts.reallocations_by_case.get(case, ()) if in_range(day, r.start, r.end)]


def valid_buddies(facts: ServiceFacts, staff: str, day: date) -> list[str]:
    """RULES.md step 5: nominations in force, buddy employed and a practitioner, same grade or approved."""
    return [
        n.buddy
        for n in facts.buddies_by_staff.get(staff, ())
        if in_range(day, n.start, n.end)
        and n.buddy in facts.staff_by_id
        and facts.staff_by_id[n.buddy].employed_on(day)
        and facts.staff_by_id[n.buddy].is_practitioner
        and (facts.staff_by_id[n.buddy].grade == facts.staff_by_id[staff].grade or n.approved_by is not None)
    ]


def candidates(facts: ServiceFacts, case: str, day: date, known_at=None) -> list[tuple[str, Via]]:
    """Every candidate of steps 1–5 in order, present or not (with `known_at`: leave sheets sent by then)."""
    found = [(s, Via.REALLOCATION) for s in active_reallocations(facts, case, day)]
    manager = facts.case_manager_on(case, day)
    if manager is None:
        return found + _paired(facts, case)
    found.append((manager, Via.CASE_MANAGER))
    absence = facts.absence_on(manager, day)
    sheet = facts.leave_sheet_by_absence.get(absence.id) if absence else None
    if sheet and known_at and (sheet.submitted is None or sheet.submitted > known_at):
        sheet = None
    for line in sheet.lines if sheet else ():
        if line.case == case and line.cover is not None:
            found.append((line.cover, Via.LEAVE_SHEET))
            break
    found += _paired(facts, case)
    found += [(s, Via.BUDDY) for s in valid_buddies(facts, manager, day)]
    return found


def _paired(facts, case):
    paired = facts.case_by_id[case].paired_worker
    return [(paired, Via.PAIRED_WORKER)] if paired else []


# -- properties ----------------------------------------------------------------------------------------
@PROPERTY
@given(services(), days())
def test_the_contact_is_never_absent_or_gone(facts, days_):
    """(a) RULES.md: "Take the first that applies and is present (not absent that day, still employed)"."""
    for day in days_:
        for answer in resolve_day(facts, day):
            if answer.contact is not None:
                assert facts.is_present(answer.contact, day), answer


@PROPERTY
@given(services(), days())
def test_an_active_reallocation_to_a_present_worker_always_wins(facts, days_):
    """(b) RULES.md step 1: "an active temporary reallocation of the case (reallocation)" comes first."""
    for day in days_:
        for answer in resolve_day(facts, day):
            present = [s for s in active_reallocations(facts, answer.case, day) if facts.is_present(s, day)]
            if present:
                assert answer.via is Via.REALLOCATION and answer.contact == present[0], answer
            else:
                assert answer.via is not Via.REALLOCATION, answer


@PROPERTY
@given(services(), days())
def test_a_buddy_acts_only_while_the_case_manager_is_away(facts, days_):
    """(c) RULES.md: "A buddy acts only while the colleague is absent, and so gets access to the case only then"
    (away: absent that day or no longer employed)."""
    for day in days_:
        for answer in resolve_day(facts, day):
            if answer.via is Via.BUDDY:
                assert answer.case_manager is not None and not facts.is_present(answer.case_manager, day), answer


@PROPERTY
@given(services(), days())
def test_nobody_exactly_when_no_candidate_in_the_order_is_present(facts, days_):
    """(d) RULES.md step 7: "nobody (none)" only when no reallocated worker, case manager, leave-sheet cover,
    paired worker, valid buddy or duty officer on the rota is present."""
    for day in days_:
        rota = facts.duty_by_day.get(day, [])
        for answer in resolve_day(facts, day):
            people = [s for s, _ in candidates(facts, answer.case, day)] + rota
            assert (answer.via is Via.NONE) == (not any(facts.is_present(s, day) for s in people)), answer


@st.composite
def known_ats(draw):
    return maybe(draw, lambda: moment(draw, -30, SPAN))


@PROPERTY
@given(services(), days(), known_ats())
def test_the_contact_is_the_first_present_candidate_and_duty_is_shared_fairly(facts, days_, known_at):
    """RULES.md: "Take the first that applies and is present"; lead: duty cases "shared in turn among present
    officers, in case-id order"; docs/interpretations.md: leave sheets sent after the moment are not yet known."""
    for day in days_:
        answers = resolve_day(facts, day, known_at=known_at)
        assert [a.case for a in answers] == sorted(c.id for c in facts.cases if c.open_on(day))
        officers = [s for s in facts.duty_by_day.get(day, []) if facts.is_present(s, day)]
        for answer in answers:
            first = next(
                ((s, via) for s, via in candidates(facts, answer.case, day, known_at) if facts.is_present(s, day)),
                None,
            )
            if first is not None:
                assert (answer.contact, answer.via) == first, answer
            elif officers:
                assert answer.via is Via.DUTY and answer.contact in officers, answer
        to_duty = [a.contact for a in answers if a.via is Via.DUTY]
        if to_duty:
            shares = [to_duty.count(o) for o in officers]
            assert max(shares) - min(shares) <= 1
            assert to_duty == [officers[i % len(officers)] for i in range(len(to_duty))]


@PROPERTY
@given(services(), one_day(), st.integers(0, 24 * 4 - 1))
def test_contact_breaches_are_exactly_the_days_with_nobody(facts, day, quarter):
    """(e) RULES.md COV-CONTACT: "Resolving to nobody on any working day: breach" – one finding per case and
    working day of the window with nobody, breach up to today and due after, and no other."""
    as_of = datetime(day.year, day.month, day.day, tzinfo=LONDON) + timedelta(minutes=15 * quarter)
    j = judge(facts, as_of)
    found = [
        (f.case, j.calendar.local_date(f.due), str(f.status))
        for f in cover_checks.check(j)
        if f.rule == "COV-CONTACT" and str(f.status) in ("breach", "due")
    ]
    assert len(found) == len(set(found)), "one finding per case and day"
    expected = set()
    first, last = day - timedelta(days=28), day + timedelta(days=28)
    d = first
    while d <= last:
        if j.calendar.is_working_day(d):
            # As known on the as-of day: a booked absence that has not begun runs to its expected end.
            for answer in resolve_day(facts.known_on(day), d, known_at=as_of):
                if answer.via is Via.NONE:
                    expected.add((answer.case, d, "breach" if d <= day else "due"))
        d += timedelta(days=1)
    assert set(found) == expected
