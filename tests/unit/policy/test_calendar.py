"""The working-day calendar and deadlines (RULES.md, "Time and calendars")."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.policy.calendar import END_OF_DAY, WorkingCalendar

from .builders import LONDON

CAL = WorkingCalendar()
ZONES = [LONDON, UTC, ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata")]


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


# -- working days ----------------------------------------------------------------------------------
def test_christmas_boxing_day_and_new_year_are_not_working_days_in_england():
    """RULES.md: "2025-12-25, 2025-12-26 and 2026-01-01 are not working days in England"."""
    assert not any(CAL.is_working_day(d) for d in (date(2025, 12, 25), date(2025, 12, 26), date(2026, 1, 1)))
    assert CAL.is_working_day(date(2025, 12, 24)) and CAL.is_working_day(date(2026, 1, 2))


def test_weekends_are_not_working_days():
    """RULES.md: "A working day is Monday to Friday"."""
    assert [CAL.is_working_day(date(2026, 3, d)) for d in range(9, 16)] == [True] * 5 + [False] * 2


def test_easter_bank_holidays_2026():
    """RULES.md: a working day is "not a bank holiday of the service's region" (Good Friday, Easter Monday)."""
    assert not CAL.is_working_day(date(2026, 4, 3)) and not CAL.is_working_day(date(2026, 4, 6))


def test_local_closure_days_are_not_working_days():
    """settings.py `closure_days`: "local closure days that are not working days"."""
    closed = WorkingCalendar(closure_days=[date(2026, 3, 10)])
    assert not closed.is_working_day(date(2026, 3, 10))
    assert closed.working_days_after(date(2026, 3, 9), 1) == date(2026, 3, 11)


# -- N working days after a moment ---------------------------------------------------------------------
def test_five_working_days_after_friday_19_december_2025_is_the_end_of_tuesday_30_december():
    """RULES.md: "A discussion on Fri 2025-12-19 has its 5-working-day record deadline at the end of Tue
    2025-12-30"."""
    deadline = CAL.working_day_deadline(local("2025-12-19 15:00"), 5)
    assert deadline == local("2025-12-30 23:59:59.999")
    assert deadline.utcoffset() == timedelta(0)


def test_a_late_evening_utc_moment_counts_from_its_local_date():
    """RULES.md: "count working days strictly after the moment's local date" (23:30 UTC on 31 March 2026 is
    00:30 on 1 April in London)."""
    assert CAL.working_day_deadline(datetime(2026, 3, 31, 23, 30, tzinfo=UTC), 1) == local("2026-04-02 23:59:59.999")


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31)),
    st.sampled_from(ZONES),
    st.integers(1, 30),
)
def test_working_day_deadline_is_the_end_of_the_nth_working_day_strictly_after(naive, zone, count):
    """RULES.md: "N working days after a moment: count working days strictly after the moment's local date; the
    deadline is the end (23:59:59.999 local) of the Nth one"."""
    moment = naive.replace(tzinfo=zone)
    deadline = CAL.working_day_deadline(moment, count)
    day = deadline.astimezone(LONDON).date()
    assert deadline > moment
    assert CAL.is_working_day(day)
    assert deadline.astimezone(LONDON).timetz().replace(tzinfo=None) == END_OF_DAY
    start = moment.astimezone(LONDON).date()
    assert CAL.count_working_days(start + timedelta(days=1), day) == count


def test_working_days_after_needs_a_positive_count():
    """A deadline of 0 working days is not defined by RULES.md."""
    with pytest.raises(ValueError):
        CAL.working_days_after(date(2026, 3, 9), 0)


# -- N hours after a moment ------------------------------------------------------------------------
def test_24_hours_after_friday_10_00_is_saturday_10_00():
    """RULES.md: "N hours after a moment is clock time, weekends included: 24 hours after Fri 10:00 is Sat
    10:00"."""
    assert CAL.hours_deadline(local("2026-03-06 10:00"), 24) == local("2026-03-07 10:00")


def test_24_hours_across_the_october_clock_change_are_24_real_hours():
    """docs/interpretations.md: "24 hours … are elapsed hours … 24 real hours later, shown in local time". The
    clocks go back at 02:00 BST on Sun 2025-10-26, so 24 hours after Sat 10:00 BST is Sun 09:00 GMT."""
    deadline = CAL.hours_deadline(local("2025-10-25 10:00"), 24)
    assert deadline == datetime(2025, 10, 26, 9, 0, tzinfo=UTC)
    assert deadline.astimezone(LONDON).strftime("%a %H:%M %Z") == "Sun 09:00 GMT"


def test_24_hours_across_the_march_clock_change_are_24_real_hours():
    """docs/interpretations.md: elapsed hours; clocks go forward at 01:00 GMT on Sun 2026-03-29."""
    deadline = CAL.hours_deadline(local("2026-03-28 10:00"), 24)
    assert deadline.astimezone(LONDON).strftime("%a %H:%M %Z") == "Sun 11:00 BST"


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31)),
    st.sampled_from(ZONES),
    st.sampled_from(ZONES),
    st.integers(1, 24 * 14),
)
def test_hours_deadline_is_elapsed_time_whatever_zone_the_moment_is_given_in(naive, zone, other, hours):
    """RULES.md: "All times are stored in UTC and shown in the service's time zone": the same moment given in
    any zone has the same deadline, exactly `hours` real hours later, shown in London time."""
    moment = naive.replace(tzinfo=zone)
    deadline = CAL.hours_deadline(moment, hours)
    assert deadline == CAL.hours_deadline(moment.astimezone(other), hours)
    assert deadline.astimezone(UTC) - moment.astimezone(UTC) == timedelta(hours=hours)
    assert deadline.tzinfo == LONDON
