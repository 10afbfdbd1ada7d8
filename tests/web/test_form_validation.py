"""Web forms refuse bad input and say why (reliability issue, point 4): dates that do not exist or are
not numbers, a last day before the first, leave overlapping leave already booked, a buddy who is
oneself. Each refusal comes back as the same page (200) with GOV.UK's error summary naming the
problem, a page title starting "Error:", and nothing written.

On tests/web/test_team.py's service (dated from today): Y1 and Y2 are each other's buddy and both on
planned leave next week (L1, L2); Y4 is off sick since three days ago (L4); D1 manages Y1..Y4.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from oversight.cover.models import Absence, BuddyNomination, Reallocation
from oversight.policy.calendar import WorkingCalendar
from tests.web.test_team import long_day, next_week, today
from tests.web.test_two_sessions import hidden, refused, signed_in, team  # noqa: F401 (team: the fixture)

pytestmark = pytest.mark.django_db


def parts(prefix: str, day: date | tuple[str, str, str]) -> dict:
    d, m, y = (day.day, day.month, day.year) if isinstance(day, date) else day
    return {f"{prefix}-day": d, f"{prefix}-month": m, f"{prefix}-year": y}


def tomorrow() -> date:
    return today() + timedelta(days=1)


def in_a_month() -> date:
    return WorkingCalendar().first_working_day_from(today() + timedelta(days=30))


def assert_refused(response, *messages: str) -> None:
    summary = refused(response)
    assert all(message in summary for message in messages), summary
    assert re.search(r"<title>Error: [^<]+</title>", response.content.decode())


# What people type wrongly into a date, and what each page says (GOV.UK's date input pattern).
BAD_DATES = [
    (("31", "2", "2027"), "must be a real date"),
    (("ten", "3", "2027"), "must be a real date"),
    (("1", "March", "2027"), "must be a real date"),
    (("-1", "3", "2027"), "must be a real date"),
    (("0", "3", "2027"), "must be a real date"),
    (("1", "13", "2027"), "must be a real date"),
    (("1", "3", "27"), "must include 4 numbers"),
    (("1", "3", "20277"), "must include 4 numbers"),
    (("1", "", "2027"), "must include a month"),
    (("", "", "2027"), "must include a day and month"),
]


# -- my leave (/absences/new/) ---------------------------------------------------------------------


@pytest.mark.parametrize("typed, message", BAD_DATES)
@pytest.mark.parametrize("which", ["first_day", "last_day"])
def test_leave_refuses_a_date_that_is_not_one(team, typed, message, which):
    good = {**parts("first_day", in_a_month()), **parts("last_day", in_a_month())}
    response = signed_in(team, "Y3").post("/absences/new/", {"kind": "annual_leave", **good, **parts(which, typed)})
    assert_refused(response, message, which.replace("_", " "))
    assert not Absence.objects.filter(staff__ref="Y3").exists()


def test_leave_refuses_a_last_day_before_the_first(team):
    response = signed_in(team, "Y3").post("/absences/new/", {
        "kind": "annual_leave", **parts("first_day", in_a_month()), **parts("last_day", in_a_month() - timedelta(days=1))})
    assert_refused(response, "The last day of your leave must be the same as or after the first day")
    assert not Absence.objects.filter(staff__ref="Y3").exists()


def test_leave_refuses_days_overlapping_leave_already_booked(team):
    first, friday = next_week()
    response = signed_in(team, "Y1").post("/absences/new/", {
        "kind": "training", **parts("first_day", friday), **parts("last_day", friday + timedelta(days=3))})
    assert_refused(response, f"You are already away from {long_day(first)} to {long_day(friday)}")
    assert list(Absence.objects.filter(staff__ref="Y1").values_list("ref", flat=True)) == ["L1"]


@pytest.mark.parametrize("year", [9999, 2200, 1899])
def test_leave_in_a_year_nobody_means_is_refused_not_a_crash(team, year):
    """31 12 9999 is a real date, but leave to it made every page with findings fail (a date overflow
    in the rules); the exchange's years (1900 to 2199) are the bounds everywhere."""
    y3 = signed_in(team, "Y3")
    response = y3.post("/absences/new/", {
        "kind": "annual_leave", **parts("first_day", in_a_month()), **parts("last_day", date(year, 12, 31))})
    assert_refused(response, "The year of the last day must be between 1900 and 2199")
    assert not Absence.objects.filter(staff__ref="Y3").exists()
    assert y3.get("/").status_code == 200


def test_the_api_refuses_leave_in_a_year_nobody_means(team):
    y3 = signed_in(team, "Y3")
    response = y3.post("/api/absences", {"kind": "annual_leave", "first_day": in_a_month().isoformat(),
                                         "last_day": "9999-12-31"}, content_type="application/json")
    assert response.status_code == 422  # the API's status for a request body that fails validation
    assert "must be between the years 1900 and 2199" in response.content.decode()
    assert not Absence.objects.filter(staff__ref="Y3").exists()


# -- my buddies (/buddies/) ------------------------------------------------------------------------


def test_a_buddy_who_is_oneself_is_refused(team):
    y3 = signed_in(team, "Y3")
    page = y3.get("/buddies/")
    assert 'value="Y3"' not in page.content.decode()  # oneself is not offered ...
    response = y3.post("/buddies/", {"action": "nominate", "buddy": "Y3", "seen": hidden(page, "seen")})
    assert_refused(response, "You cannot be your own buddy")  # ... nor accepted when forged, and says why
    assert "Select the colleague you want as your buddy" not in refused(response)
    assert not BuddyNomination.objects.filter(staff__ref="Y3").exists()


# -- the team's unplanned absences (/team/absences/new/) -------------------------------------------


def unplanned(staff: str, first, last) -> dict:
    return {"staff": staff, "kind": "sickness", **parts("first_day", first), **parts("expected_last_day", last)}


@pytest.mark.parametrize("typed, message", BAD_DATES)
def test_an_unplanned_absence_refuses_a_date_that_is_not_one(team, typed, message):
    response = signed_in(team, "D1").post("/team/absences/new/", unplanned("Y3", today(), typed))
    assert_refused(response, message, "expected last day")
    assert not Absence.objects.filter(staff__ref="Y3").exists()


def test_an_unplanned_absence_refuses_an_expected_last_day_before_the_first(team):
    response = signed_in(team, "D1").post("/team/absences/new/", unplanned("Y3", today(), today() - timedelta(days=1)))
    assert_refused(response, "The expected last day must be the same as or after the first day")
    assert not Absence.objects.filter(staff__ref="Y3").exists()


def test_an_unplanned_absence_refuses_days_overlapping_booked_leave(team):
    first, friday = next_week()
    response = signed_in(team, "D1").post("/team/absences/new/", unplanned("Y1", first - timedelta(days=1), first))
    assert_refused(response, f"Example Y1 is already absent from {long_day(first)} to {long_day(friday)}: "
                             "choose days that do not overlap it")
    assert list(Absence.objects.filter(staff__ref="Y1").values_list("ref", flat=True)) == ["L1"]


# -- recording a return (/team/absences/L4/) -------------------------------------------------------


@pytest.mark.parametrize("typed, message", BAD_DATES[:4])
def test_a_return_refuses_a_date_that_is_not_one(team, typed, message):
    d1 = signed_in(team, "D1")
    seen = hidden(d1.get("/team/absences/L4/"), "seen")
    response = d1.post("/team/absences/L4/", {"action": "return", "seen": seen, **parts("actual_last_day", typed)})
    assert_refused(response, message, "last day absent")
    assert Absence.objects.get(ref="L4").actual_last_day is None


def test_a_return_refuses_a_last_day_before_the_absence_began(team):
    d1 = signed_in(team, "D1")
    seen = hidden(d1.get("/team/absences/L4/"), "seen")
    began = today() - timedelta(days=3)
    response = d1.post("/team/absences/L4/", {"action": "return", "seen": seen,
                                              **parts("actual_last_day", began - timedelta(days=1))})
    assert_refused(response, f"The last day absent must be the same as or after the first day, {long_day(began)}")
    assert Absence.objects.get(ref="L4").actual_last_day is None


# -- temporary reallocation (/team/reallocate/) ----------------------------------------------------


def reallocation(start, end) -> dict:
    return {"cases": ["C5"], "staff": "Z1", **parts("start", start), **parts("end", end)}


@pytest.mark.parametrize("typed, message", BAD_DATES)
def test_a_reallocation_refuses_an_end_date_that_is_not_one(team, typed, message):
    response = signed_in(team, "D1").post("/team/reallocate/", reallocation(tomorrow(), typed))
    assert_refused(response, message, "last day")
    assert not Reallocation.objects.exists()


def test_a_reallocation_refuses_an_end_before_its_start(team):
    response = signed_in(team, "D1").post("/team/reallocate/", reallocation(tomorrow(), today()))
    assert_refused(response, "The last day must be the same as or after the first day")
    assert not Reallocation.objects.exists()


def test_a_reallocation_to_a_year_nobody_means_is_refused_not_a_crash(team):
    response = signed_in(team, "D1").post("/team/reallocate/", reallocation(tomorrow(), date(9999, 12, 31)))
    assert_refused(response, "The year of the last day must be between 1900 and 2199")
    assert not Reallocation.objects.exists()


def test_error_messages_link_to_the_field_they_are_about(team):
    """GOV.UK's error summary: each message is a link to its field, so a screen reader user can get there."""
    response = signed_in(team, "D1").post("/team/reallocate/", reallocation(tomorrow(), ("31", "2", "2027")))
    page = response.content.decode()
    link = re.search(r'<a href="#([^"]+)">The last day must be a real date</a>', page)
    assert link and f'id="{link.group(1)}"' in page
    assert html.unescape("The last day must be a real date") in page.split("govuk-error-summary", 1)[1]
