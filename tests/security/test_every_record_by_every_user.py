"""Every record identifier tried by every user, against a separate reference of who may see what.

The reference below is written from issue 3 point 1 on the exchange documents themselves (it does not
call oversight.policy.access): a case manager sees their own cases; a buddy or leave-sheet cover sees
a colleague's case only while that colleague is absent; the paired worker sees the case; a line
manager sees the cases of everyone below them; senior managers read everything; the duty officer sees
the cases that fall to duty that day; the performance and administrator accounts never see a case;
nobody sees anything of another service. Each user asks for every case of both services and for
guessed identifiers through the case page and the API; a leak (allowed where the reference says no)
and a wrongful refusal (refused where it says yes) are both counted, and both must be 0.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

import pytest

from tests.security import service as fixture

pytestmark = pytest.mark.usefixtures("within")

DAY = date(2026, 2, 18)  # the world's clock (tests/security/service.py DAY)
SENIOR = {"operational_service_manager", "head_of_service", "assistant_director"}
DOCUMENTS = {"EX": fixture.document_a(), "EXB": fixture.document_b()}
ACCOUNTS_WITHOUT_STAFF = {"performance": "EX", "administrator": "EX"}


def _on(day: date, first: str, last: str | None) -> bool:
    return date.fromisoformat(first) <= day and (last is None or day <= date.fromisoformat(last))


def service_of(user: str) -> str:
    if user in ACCOUNTS_WITHOUT_STAFF:
        return ACCOUNTS_WITHOUT_STAFF[user]
    return next(ref for ref, doc in DOCUMENTS.items() if any(s["id"] == user for s in doc["staff"]))


class Reference:
    """Who may see what in one exchange document, on one day."""

    def __init__(self, doc: dict, day: date):
        self.doc, self.day = doc, day
        self.cases = {c["id"]: c for c in doc["cases"]}
        self.staff = {s["id"]: s for s in doc["staff"]}

    def case_manager(self, case: str) -> str | None:
        return next((a["staff"] for a in self.doc["allocations"]
                     if a["case"] == case and _on(self.day, a["from"], a["to"])), None)

    def absence(self, person: str) -> dict | None:
        # Away from the first day until the return recorded; with none recorded, still away.
        return next((a for a in self.doc["absences"] if a["staff"] == person
                     and _on(self.day, a["first_day"], a["actual_last_day"])), None)

    def above(self, person: str) -> set[str]:
        managers, seen = set(), person
        while True:
            line = next((r for r in self.doc["reporting_lines"]
                         if r["staff"] == seen and _on(self.day, r["from"], r["to"])), None)
            if line is None or line["manager"] in managers:
                return managers
            managers.add(line["manager"])
            seen = line["manager"]

    def buddies(self, person: str) -> set[str]:
        return {b["buddy"] for b in self.doc["buddies"]
                if b["staff"] == person and _on(self.day, b["from"], b["to"])}

    def sheet_cover(self, absence: dict, case: str) -> str | None:
        sheet = next((s for s in self.doc["leave_sheets"]
                      if s["absence"] == absence["id"] and s["submitted"]), None)
        return next((ln["cover"] for ln in sheet["cases"] if ln["case"] == case), None) if sheet else None

    def falls_to_duty(self, case: str) -> bool:
        manager = self.case_manager(case)
        away = self.absence(manager) if manager else None
        if away is None:
            return False
        helpers = {self.sheet_cover(away, case), self.cases[case]["paired_worker"], *self.buddies(manager)}
        return not any(h and self.absence(h) is None for h in helpers)

    def on_duty(self, person: str) -> bool:
        rota = {d["staff"] for d in self.doc["duty_rota"] if d["date"] == self.day.isoformat()}
        return person in rota and self.absence(person) is None

    def may_see_case(self, user: str, case: str) -> bool:
        if user not in self.staff or case not in self.cases:
            return False
        manager = self.case_manager(case)
        if user == manager or user == self.cases[case]["paired_worker"]:
            return True
        away = self.absence(manager) if manager else None
        if away and (user in self.buddies(manager) or user == self.sheet_cover(away, case)):
            return True
        if manager and user in self.above(manager):
            return True
        if self.staff[user]["role"] in SENIOR:
            return True
        return self.on_duty(user) and self.falls_to_duty(case)

    def may_see_leave_sheet(self, user: str, absence_ref: str) -> bool:
        absence = next((a for a in self.doc["absences"] if a["id"] == absence_ref), None)
        return absence is not None and user in self.staff and (
            user == absence["staff"] or user in self.above(absence["staff"]))

    def may_see_supervision(self, user: str, ref: str) -> bool:
        session = next((s for s in self.doc["supervisions"] if s["id"] == ref), None)
        if session is None or user not in self.staff:
            return False
        people = {session["supervisor"], *session["supervisees"]}
        return (user in people or self.staff[user]["role"] in SENIOR
                or any(user in self.above(p) for p in people))

    def has_record(self, case: str, kind: str, ident: str) -> bool:
        if kind == "event":
            return any(e["id"] == ident and e["case"] == case for e in self.doc["oversight_events"])
        return any(s["id"] == ident and s["kind"] == "formal"
                   and any(d["case"] == case for d in s["discussions"]) for s in self.doc["supervisions"])


REFERENCES = {ref: Reference(doc, DAY) for ref, doc in DOCUMENTS.items()}
USERS = [*(s["id"] for doc in DOCUMENTS.values() for s in doc["staff"]), *ACCOUNTS_WITHOUT_STAFF]
CASES = [c["id"] for doc in DOCUMENTS.values() for c in doc["cases"]]
# Guesses: refs that do not exist, look like real ones, or name a real case in another form.
GUESSED_CASES = ["E5", "E0", "E01", "e1", "E1 ", " E1", "E1%", "E", "*", "BE4", "E1'--", "../E1", "E1\x00"]


def reference(user: str, what: str, *args) -> bool:
    """The reference's answer for `user`, who belongs to one service: nothing of another is theirs."""
    return getattr(REFERENCES[service_of(user)], what)(user, *args)


def outcome(response) -> bool:
    """True when the content was given; refusals are 404 (never 403, which would tell it exists), or
    400 for an address holding a NUL character (refused before anything is looked up)."""
    if response.status_code == 200:
        return True
    nul = "\x00" in response.wsgi_request.path_info
    assert response.status_code == (400 if nul else 404), (
        response.status_code, response.get("Location"), response.content[:200])
    return False


def tally(world, attempts) -> tuple[list[str], list[str]]:
    """attempts: (user, url, expected); returns (leaks, wrongful refusals)."""
    leaks, refusals = [], []
    for user, url, expected in attempts:
        got = outcome(world.client(user).get(url))
        if got and not expected:
            leaks.append(f"{user} {url}")
        elif expected and not got:
            refusals.append(f"{user} {url}")
    return leaks, refusals


def assert_no_leak(leaks, refusals, tried):
    assert tried > 0
    assert (len(leaks), len(refusals)) == (0, 0), f"leaks: {leaks}\nwrongful refusals: {refusals}"


def test_the_reference_agrees_with_the_fixture_story():
    """The reference is right about the story the fixture tells (so that a bug in it cannot hide one in
    the application): Y2 covers E1 and E2, DO1 has E4 from duty, SO1 sees only E3."""
    ex = REFERENCES["EX"]
    seen = {u: {c for c in ex.cases if ex.may_see_case(u, c)} for u in ex.staff}
    assert seen == {"Y1": {"E1", "E2"}, "Y2": {"E1", "E2"}, "SO1": {"E3"}, "Y3": {"E4"}, "DO1": {"E4"},
                    **dict.fromkeys(("D1", "T1", "A1"), {"E1", "E2", "E3", "E4"})}


def test_every_case_by_every_user_through_the_case_page_and_the_api(within):
    refs = CASES + GUESSED_CASES
    attempts = []
    for user in USERS:
        for ref in refs:
            expected = reference(user, "may_see_case", ref)
            path = quote(ref, safe="")
            attempts += [(user, f"/cases/{path}/", expected), (user, f"/api/cases/{path}", expected),
                         (user, f"/api/cases/{path}/cover", expected)]
    leaks, refusals = tally(within, attempts)
    assert_no_leak(leaks, refusals, len(attempts))


def test_the_case_lists_hold_exactly_the_cases_of_the_reference(within):
    wrong = []
    for user in USERS:
        expected = {c for c in CASES if reference(user, "may_see_case", c)}
        listed = {item["id"] for item in within.client(user).get("/api/cases?limit=500").json()["items"]}
        answer = within.client(user).get("/api/oversight-events?limit=500").json()
        events = {item["case"] for item in answer["items"]}
        if listed != expected or not events <= expected:
            wrong.append(f"{user}: listed {sorted(listed)}, events on {sorted(events)}, "
                         f"reference {sorted(expected)}")
    assert wrong == []


def test_every_leave_sheet_by_every_user(within):
    absences = [a["id"] for doc in DOCUMENTS.values() for a in doc["absences"]] + ["L4", "L0", "l1", "BL2"]
    planned = {a["id"] for doc in DOCUMENTS.values() for a in doc["absences"] if a["planned"]}
    attempts = []
    for user in USERS:
        for ref in absences:
            may = reference(user, "may_see_leave_sheet", ref)
            # The page is for planned leave only; the API answers for any absence.
            attempts += [(user, f"/absences/{ref}/leave-sheet/", may and ref in planned),
                         (user, f"/api/absences/{ref}/leave-sheet", may)]
    leaks, refusals = tally(within, attempts)
    assert_no_leak(leaks, refusals, len(attempts))


def test_every_supervision_record_by_every_user(within):
    sessions = [s["id"] for doc in DOCUMENTS.values() for s in doc["supervisions"]] + ["V4", "v1", "BV9"]
    attempts = [(user, f"/supervisions/{ref}/record.pdf", reference(user, "may_see_supervision", ref))
                for user in USERS for ref in sessions]
    leaks, refusals = tally(within, attempts)
    assert_no_leak(leaks, refusals, len(attempts))


def test_every_record_on_a_childs_file_by_every_user(within):
    """Oversight events and discussion records, also asked through another case than their own."""
    records = [("E1", "event", "M1"), ("E3", "event", "M2"), ("E1", "event", "M2"), ("E2", "event", "M1"),
               ("E1", "discussion", "V1"), ("E3", "discussion", "V2"), ("E1", "discussion", "V2"),
               ("E4", "discussion", "V1"), ("BE1", "discussion", "BV1"), ("E1", "discussion", "BV1"),
               ("E1", "event", "M3"), ("E1", "event", "m1")]
    attempts = []
    for user in USERS:
        for case, kind, ident in records:
            svc = REFERENCES[service_of(user)]
            expected = reference(user, "may_see_case", case) and svc.has_record(case, kind, ident)
            attempts.append((user, f"/api/cases/{case}/records/{kind}/{ident}", expected))
    leaks, refusals = tally(within, attempts)
    assert_no_leak(leaks, refusals, len(attempts))


def test_nothing_of_another_service_opens_for_anyone_of_this_one(within):
    """Service B's identifiers, tried by service A's people on every page that takes one: all 404."""
    b = DOCUMENTS["EXB"]
    urls = [f"/cases/{c['id']}/" for c in b["cases"]] + [f"/api/cases/{c['id']}" for c in b["cases"]] \
        + [f"/cases/{c['id']}/timeline.pdf" for c in b["cases"]] \
        + [f"/absences/{a['id']}/leave-sheet/" for a in b["absences"]] \
        + [f"/absences/{a['id']}/leave-sheet.pdf" for a in b["absences"]] \
        + [f"/api/absences/{a['id']}/leave-sheet" for a in b["absences"]] \
        + [f"/supervisions/{s['id']}/record.pdf" for s in b["supervisions"]] \
        + [f"/team/absences/{a['id']}/" for a in b["absences"]] \
        + [f"/supervision/{s['id']}/prepare/" for s in b["staff"]] \
        + [f"/api/supervisees/{s['id']}/preparation" for s in b["staff"]]
    people = [s["id"] for s in DOCUMENTS["EX"]["staff"]] + list(ACCOUNTS_WITHOUT_STAFF)
    opened = [(user, url, response.status_code) for user in people for url in urls
              if (response := within.client(user).get(url)).status_code != 404]
    assert opened == []
