""""Cases you covered before" on Cases I cover: once a colleague's absence has ended, their buddy can
no longer open the child's file but sees, read-only, the cover they gave and what they did.

Y1 (case manager of E1; E2's paired worker is Y2) is on leave from Mon 16 February 2026; the leave
sheet names Y2, Y1's buddy, as E1's cover.
"""

from __future__ import annotations

from datetime import date

import pytest

from oversight.cover.models import Absence
from oversight.cover.services_team import absence_record_return
from oversight.people.models import Staff
from oversight.store.versions import snapshot
from tests.reports.fixtures import clock, service, sign_in, words  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_day_after_the_absence_the_buddy_sees_the_history_but_not_the_file(service, clock, sign_in):
    clock("2026-02-18 12:00")
    y2 = sign_in("Y2")
    assert y2.get("/cases/E1/").status_code == 200  # covering: the file is open to them
    during = words(y2.get("/covering/"))
    assert "You have covered no colleague’s cases for an absence that has ended in the last 3 months." in during
    l1 = Absence.objects.get(service=service, ref="L1")
    absence_record_return(absence=l1, actual_last_day=date(2026, 2, 18), seen=snapshot(l1),
                          by=Staff.objects.get(service=service, ref="D1"), actor="test", on=date(2026, 2, 18))

    clock("2026-02-19 09:00")
    assert y2.get("/cases/E1/").status_code == 404  # Y1 is back: the buddy's access has ended
    page = y2.get("/covering/")
    assert page.status_code == 200
    text = words(page)
    assert "You cover no colleague’s cases today." in text
    history = text[text.index("Cases you covered before"):]
    assert ("Case E1: you covered for Example Y1 (absence L1), Mon 16 February 2026 to Wed 18 February 2026 "
            "When What Summary Wed 18 February 2026 at midday Viewed user-y2 opened the child's file") in history
    assert "Case E2" not in history  # E2 is Y2's as its paired worker, not as cover
    assert "Refused" not in history  # only what was done while covering
    assert 'href="/cases/E1/"' not in page.content.decode()  # read-only: no way into the child's file


def test_others_have_no_history_of_cover(service, clock, sign_in):
    clock("2026-02-19 09:00")
    for who in ("Y1", "D1", "SO1"):
        page = words(sign_in(who).get("/covering/"))
        assert "You have covered no colleague’s cases for an absence that has ended in the last 3 months." in page, who
        assert "Cover by the year the absence ended" not in page, who


def test_older_cover_is_shown_by_the_year_the_absence_ended(service, clock, sign_in):
    """Ten years of a buddy's cover are thousands of periods: the page shows the last three months,
    and each earlier year on request."""
    l1 = Absence.objects.get(service=service, ref="L1")
    absence_record_return(absence=l1, actual_last_day=date(2026, 2, 18), seen=snapshot(l1),
                          by=Staff.objects.get(service=service, ref="D1"), actor="test", on=date(2026, 2, 18))
    clock("2026-06-01 09:00")
    y2 = sign_in("Y2")
    recent = words(y2.get("/covering/"))
    assert "You have covered no colleague’s cases for an absence that has ended in the last 3 months." in recent
    assert "Cover by the year the absence ended: 2026" in recent
    assert 'href="/covering/?year=2026#covered-before"' in y2.get("/covering/").content.decode()

    in_2026 = words(y2.get("/covering/?year=2026"))
    assert "Absences that ended in 2026." in in_2026
    assert "Case E1: you covered for Example Y1 (absence L1), Mon 16 February 2026 to Wed 18 February 2026" in in_2026
    # A year with nothing, or not a year, shows the last three months.
    for other in ("2019", "last", "-1"):
        assert "Absences that ended in the last 3 months." in words(y2.get(f"/covering/?year={other}")), other
