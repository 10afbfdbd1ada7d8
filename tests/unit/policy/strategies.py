"""Hypothesis strategies for small random services, built with `builders.ServiceBuilder`."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import strategies as st

from oversight.policy.facts import SUPERVISION_KINDS

from .builders import LONDON, ServiceBuilder, action, discuss, team

FIRST = date(2025, 9, 1)
LAST = date(2026, 6, 30)


def days(first: date = FIRST, last: date = LAST):
    return st.dates(min_value=first, max_value=last)


def moments(first: date = FIRST, last: date = LAST):
    """Local moments on the quarter hour (the way sessions are booked)."""
    return st.builds(
        lambda d, quarter: datetime(d.year, d.month, d.day, tzinfo=LONDON) + timedelta(minutes=15 * quarter),
        days(first, last),
        st.integers(0, 95),
    )


@st.composite
def services(draw) -> ServiceBuilder:
    """A team (A1 > T1 > D1) with up to four practitioners and a few months of random history."""
    b = team()
    workers = [f"W{i}" for i in range(1, draw(st.integers(1, 4)) + 1)]
    for worker in workers:
        b.person(worker, draw(st.sampled_from(["youth_justice_officer", "support_officer"])), manager="D1")
    people = [*workers, "D1", "T1", "A1"]
    cases = [f"C{i}" for i in range(1, draw(st.integers(0, 5)) + 1)]
    for case in cases:
        opened = draw(days(FIRST, date(2026, 3, 31)))
        closed = draw(st.none() | days(opened, LAST))
        b.case(case, opened=opened, closed=closed, risk=draw(st.sampled_from(["low", "medium", "high"])))
        start = opened
        for _ in range(draw(st.integers(1, 2))):  # allocated once, or reallocated part-way
            end = draw(st.none() | days(start, LAST))
            b.allocate(case, draw(st.sampled_from(workers)), start, end)
            if end is None or end >= LAST:
                break
            start = end + timedelta(days=1)
        for when in draw(st.lists(days(), max_size=3)):
            b.contact(case, when, draw(st.sampled_from(["face_to_face", "phone"])))
        for kind in draw(st.lists(st.sampled_from(["assessment", "plan", "review"]), max_size=2)):
            b.milestone(case, kind, draw(days()), draw(st.none() | days()))
    for n in range(draw(st.integers(0, 3))):
        first = draw(days())
        b.absence(f"L{n}", draw(st.sampled_from(workers)), first, draw(st.none() | days(first, LAST)))
    for n in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(SUPERVISION_KINDS))
        supervisees = [draw(st.sampled_from(people))] if kind == "formal" else workers
        talked = [
            discuss(
                case,
                significant=draw(st.booleans()),
                recorded=draw(st.none() | moments()),
                by=draw(st.none() | st.sampled_from(people)),
                actions=[
                    action(
                        f"AC{n}{case}",
                        owner=draw(st.none() | st.sampled_from(people)),
                        due=draw(st.none() | days()),
                        done=draw(st.none() | days()),
                        reason=draw(st.sampled_from([None, "", "Court moved"])),
                    )
                ],
            )
            for case in draw(
                st.lists(st.sampled_from(cases), unique=True, max_size=3) if cases else st.just([])
            )
        ]
        b.session(
            f"V{n}", kind, draw(st.sampled_from(["D1", "T1", "A1"])), supervisees, draw(moments()), *talked
        )
    for n in range(draw(st.integers(0, 2)) if cases else 0):
        b.event(
            f"M{n}",
            draw(st.sampled_from(cases)),
            draw(moments()),
            significant=draw(st.booleans()),
            kind=draw(st.sampled_from(["management_decision", "marp", "audit"])),
            recorded=draw(st.none() | moments()),
            recorded_by=draw(st.none() | st.sampled_from(people)),
        )
    if draw(st.booleans()):
        start = draw(days())
        b.frequency(
            draw(st.sampled_from(workers)), draw(st.integers(7, 28)), start, draw(st.none() | days(start))
        )
    for staff in draw(st.lists(st.sampled_from(workers), max_size=2)):
        b.gap_record(staff, draw(st.sampled_from(["2025-10", "2025-11", "2025-12", "2026-01"])))
    return b
