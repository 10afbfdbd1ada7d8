"""One journey through the demo service in a real browser (issue 4, point 9): a case manager books leave
and sends its leave sheet, choosing cover case by case; the line manager sees it on the team cover
board; on the first day of leave the buddy finds the colleague's cases under "Cases I cover", and no
longer once the colleague is back; the line manager records a formal supervision of the whole caseload
on one page; and the home pages' findings change as each of these is done.

The demo stands on Mon 23 November 2026 (TODAY). The leave is Mon 7 to Fri 11 December 2026, when the
case manager has nothing booked.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.browser.conftest import fill_date, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

FIRST, LAST = date(2026, 12, 7), date(2026, 12, 11)
BACK = date(2026, 12, 14)  # the Monday after: the case manager is at work again


def nav(session, name: str) -> None:
    """Follow a link of the service navigation, as a person would."""
    session.page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True).click()
    session.page.wait_for_load_state("load")


def findings_text(session) -> str:
    session.open("/")
    return session.page.locator("main").inner_text()


def test_leave_cover_and_supervision_journey(new_session, clock, server):
    from oversight.accounts.models import Account
    from oversight.accounts.services import account_set
    from oversight.people.models import Staff

    me = Account.objects.select_related("staff", "service").get(user__username="casemanager").staff
    service = me.service
    line_manager = Account.objects.select_related("staff").get(user__username="linemanager").staff

    # -- the case manager books leave and is told to complete its leave sheet --------------------------
    worker = new_session("casemanager")
    assert "leave sheet" not in findings_text(worker).lower()
    nav(worker, "My absences")
    worker.page.get_by_role("button", name="Request leave").click()
    worker.page.get_by_label("Annual leave").check()
    fill_date(worker.page, "First day of leave", FIRST)
    fill_date(worker.page, "Last day of leave", LAST)
    worker.page.get_by_role("button", name="Book leave").click()
    worker.page.wait_for_url("**/leave-sheet/")
    absence_ref = worker.page.url.rstrip("/").split("/")[-2]
    home = findings_text(worker)
    assert f"has no leave sheet submitted for leave {absence_ref}" in home, home

    # -- the leave sheet: cover for each case from the valid buddies, each young person told -----------
    worker.page.goto(f"{worker.base}/absences/{absence_ref}/leave-sheet/")
    covers = worker.page.get_by_label(re.compile(r"^Who will cover case "))
    cases = covers.count()
    assert cases > 0
    options = covers.first.locator("option").all()
    # A buddy who is not away then (the options show each candidate's clashes and load).
    buddy_option = next(o for o in options
                        if "your buddy" in o.inner_text() and "away:" not in o.inner_text())
    buddy_ref = buddy_option.get_attribute("value")
    buddy = Staff.objects.get(service=service, ref=buddy_ref)
    case_refs = []
    for index in range(cases):
        select = covers.nth(index)
        case_refs.append(select.get_attribute("name").removeprefix("case-").removesuffix("-cover"))
        select.select_option(buddy_ref)
    for radio in worker.page.get_by_role("radio", name="Yes").all():
        radio.check()
    notes = worker.page.get_by_label("Notes and planned appointments")
    notes.first.fill("Home visit on Wed 9 December at 10am.")
    screenshot(worker.page, "journey-leave-sheet")
    worker.page.get_by_role("button", name=f"Send to {line_manager.name}").click()
    worker.page.wait_for_load_state("load")
    assert "There is a problem" not in worker.page.content(), worker.page.locator("main").inner_text()
    nav(worker, "My absences")
    row = worker.page.locator(".govuk-summary-card", has_text=absence_ref)
    assert "Sent" in row.inner_text() and f"To {line_manager.name}" in row.inner_text()
    assert f"has no leave sheet submitted for leave {absence_ref}" not in findings_text(worker)

    # -- the line manager sees the leave and its cover on the team cover board -------------------------
    manager = new_session("linemanager")
    nav(manager, "Team cover")
    cell = manager.page.locator(f'td[data-staff="{me.ref}"][data-day="{FIRST.isoformat()}"]')
    assert "Annual leave" in cell.inner_text() and buddy.name in cell.inner_text(), cell.inner_text()
    screenshot(manager.page, "journey-cover-board")

    # -- on the first day of leave the buddy covers the case manager's cases --------------------------
    # The buddy is given a sign-in (the demo has none for them), as an administrator would.
    account_set(service=service, username="buddy", password="oversight-demo", staff=buddy,
                actor="browser tests")
    clock.set(FIRST)
    covering = new_session("buddy")
    nav(covering, "Cases I cover")
    table = covering.page.locator("main").inner_text()
    for case_ref in case_refs:
        assert case_ref in table
    assert table.count(f"You cover for {me.name} during absence {absence_ref}") == cases, table
    screenshot(covering.page, "journey-covering")

    # -- the line manager records the return; from then on the cases are no longer the buddy's ----------
    clock.set(BACK)
    manager = new_session("linemanager")
    manager.open(f"/team/absences/{absence_ref}/")
    fill_date(manager.page, "Last day absent", LAST)
    manager.page.get_by_role("button", name="Record return").click()
    manager.page.wait_for_load_state("load")
    assert "11 December 2026" in manager.page.locator("#last-day-absent").inner_text()
    covering = new_session("buddy")
    nav(covering, "Cases I cover")
    table = covering.page.locator("main").inner_text()
    today_part, _, covered_before = table.partition("Cases you covered before")
    assert f"You cover for {me.name}" not in today_part, table
    assert not [case_ref for case_ref in case_refs if f"{case_ref}:" in today_part], table
    # What they covered stays as a read-only record, without the child's file.
    for case_ref in case_refs:
        assert f"Case {case_ref}: you covered for {me.name} (absence {absence_ref})" in covered_before, table

    # -- the line manager records a formal supervision of the whole caseload on one page --------------
    worker = new_session("casemanager")
    monthly = f"{me.name} ({me.ref}) holds cases and has had no formal one-to-one in December 2026 yet"
    before = findings_text(worker)
    assert monthly in before, before
    open_actions = re.findall(r"has not done action (\w+)", before)
    team_before = team_findings(manager)
    nav(manager, "Supervision")
    manager.page.get_by_role("link", name=f"Record a session with {me.name}").click()
    manager.page.wait_for_load_state("load")
    fill_date(manager.page, "Date of the session", BACK)
    manager.page.get_by_label("Time it started").fill("9:00am")
    manager.page.get_by_label("How long it took").fill("60")
    records = manager.page.get_by_label(re.compile(r"^Record for .*'s file"))
    assert records.count() == len(case_refs)  # every open case, on one page
    for index in range(records.count()):
        records.nth(index).fill("Discussed the plan, risk and contact; the plan stands.")
    for group in manager.page.get_by_role("group", name=re.compile(r"^Action ")).all():
        group.get_by_role("radio", name="Done", exact=True).check()
    screenshot(manager.page, "journey-supervision")
    manager.page.get_by_role("button", name="Save the session and records").click()
    manager.page.wait_for_load_state("load")
    assert "There is a problem" not in manager.page.content(), manager.page.locator("main").inner_text()

    # -- the findings on both home pages follow ----------------------------------------------------------
    after = findings_text(worker)
    assert monthly not in after, after
    assert not [a for a in open_actions if f"has not done action {a}" in after], after
    assert team_findings(manager) < team_before


def team_findings(session) -> int:
    """The number of findings for the people below a manager, as their home page gives it."""
    text = findings_text(session)
    return int(re.search(r"(\d+) findings? for people who report to you", text).group(1))
