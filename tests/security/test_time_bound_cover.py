"""Cover is time-bound: Y2, Y1's buddy and the cover named on Y1's leave sheet for E1, may open E1 only
on the days Y1 is away (leave L1: Mon 16 to Fri 20 February 2026, tests/security/service.py).

The clock is moved as the other page tests move it (the `clock` fixture patches django.utils.timezone.now);
a return is recorded the way a manager's page records it (the absence's actual last day).
"""

from __future__ import annotations

from datetime import date

import pytest

from oversight.cover.models import Absence

pytestmark = pytest.mark.usefixtures("within")


def opens_e1(world, who: str = "Y2") -> dict[str, bool]:
    """Whether `who` reaches E1 through each door: its page, the API, their lists."""
    browser = world.client(who)
    page = browser.get("/cases/E1/").status_code
    api = browser.get("/api/cases/E1").status_code
    assert page in (200, 404) and api in (200, 404), (page, api)
    listed = {item["id"] for item in browser.get("/api/cases").json()["items"]}
    return {"page": page == 200, "api": api == 200, "listed": "E1" in listed}


def assert_opens(world, expected: bool, when: str):
    doors = opens_e1(world)
    assert doors == {"page": expected, "api": expected, "listed": expected}, when


def record_return(last_day: date):
    assert Absence.objects.filter(ref="L1", service__ref="EX").update(actual_last_day=last_day) == 1


def test_the_buddy_is_refused_the_day_before_the_absence(within, clock):
    clock("2026-02-15 23:59")  # Sunday, the day before the first day of leave
    assert_opens(within, False, "the day before")
    clock("2026-02-13 17:00")  # and the Friday before, when the leave sheet was already sent
    assert_opens(within, False, "the working day before")


@pytest.mark.parametrize("when", ["2026-02-16 00:01", "2026-02-16 09:00"])
def test_the_buddy_is_allowed_on_the_first_day(within, clock, when):
    clock(when)
    assert_opens(within, True, when)


def test_the_buddy_is_allowed_on_the_last_day_and_refused_the_day_after_the_return(within, clock):
    record_return(date(2026, 2, 20))
    clock("2026-02-20 23:59")
    assert_opens(within, True, "the last day")
    for when in ("2026-02-21 00:01", "2026-02-23 09:00"):  # the day after, and the next working day
        clock(when)
        assert_opens(within, False, when)


def test_with_no_return_recorded_the_colleague_still_counts_as_away(within, clock):
    """Past the expected last day with no return recorded, Y1 is taken to be away (cover must not lapse
    while nobody knows whether they are back); recording the return ends it."""
    clock("2026-02-23 09:00")
    assert_opens(within, True, "no return recorded")
    record_return(date(2026, 2, 20))
    assert_opens(within, False, "return recorded")


def test_an_early_return_ends_the_cover_from_the_day_after_the_actual_last_day(within, clock):
    record_return(date(2026, 2, 18))  # back on Thursday instead of Monday
    clock("2026-02-18 17:00")
    assert_opens(within, True, "the actual last day")
    for when in ("2026-02-19 09:00", "2026-02-20 12:00"):
        clock(when)
        assert_opens(within, False, when)


def test_the_case_manager_and_the_paired_worker_are_not_time_bound(within, clock):
    """Controls: Y1 keeps E1 throughout, and Y2 keeps E2 as its paired worker on any day."""
    record_return(date(2026, 2, 18))
    for when in ("2026-02-13 10:00", "2026-02-17 10:00", "2026-02-23 10:00"):
        clock(when)
        assert opens_e1(within, "Y1") == {"page": True, "api": True, "listed": True}, when
        assert within.client("Y2").get("/cases/E2/").status_code == 200, when


def test_a_refused_cover_is_audited_as_denied(within, clock):
    from oversight.audit.models import AuditEvent

    clock("2026-02-15 12:00")
    before = AuditEvent.objects.filter(action="denied", object_ref="E1").count()
    assert within.client("Y2").get("/cases/E1/").status_code == 404
    assert AuditEvent.objects.filter(action="denied", object_ref="E1").count() == before + 1
