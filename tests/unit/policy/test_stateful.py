"""A service lived day by day: random sequences of what managers do, checked after every step.

A hypothesis state machine opens, transfers and closes cases, books absences (planned with or
without a leave sheet, unplanned, open-ended) and records returns, nominates and ends buddies
(cross-grade with and without approval), reallocates cases, fills the duty rota, holds supervision,
lets people leave, and moves "today" on. After every step, for the days around today:

- every open case has a named contact (present that day), or nobody, and then the engine reports a
  COV-CONTACT breach (up to today) or due (after it) for exactly that case and working day;
- nobody holds a case as buddy or leave-sheet cover on a day its case manager is at work, a
  reallocated worker only while the reallocation runs, a duty officer only on their rota day;
- the findings never contradict the cover answers: over the cover window, the COV-CONTACT breaches
  and dues are exactly the (case, working day) pairs that cover resolves to nobody;
- every state is a service the exchange format accepts (so the checks judge real services).

Pure: facts in memory, no database.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from oversight.exchange import parse_document, to_document
from oversight.policy.cover import Via, resolve_day
from oversight.policy.cover_checks import cover_window
from oversight.policy.engine import cover_at, evaluate
from oversight.policy.facts import (
    Absence,
    Allocation,
    BuddyNomination,
    Case,
    DutyShift,
    LeaveSheet,
    LeaveSheetLine,
    Reallocation,
    ReportingLine,
    Service,
    ServiceFacts,
    Staff,
    Supervision,
    in_range,
)
from oversight.policy.findings import Judgement
from oversight.policy.settings import PolicySettings

from .builders import LONDON, discuss

START = date(2025, 12, 15)  # the first run crosses the Christmas and New Year bank holidays
EMPLOYED_FROM = date(2024, 1, 8)
AROUND = 3  # cover is checked on the days from today - AROUND to today + AROUND
GRADES = [
    ("youth_justice_officer", None),
    ("youth_justice_officer", None),
    ("support_officer", None),
    ("specialist", "health"),
    ("specialist", "education"),
]
MANAGERS = ("A1", "T1", "D1")

index = st.integers(0, 10_000)  # picks from a list whatever its length (modulo)


def moment(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


class ServiceOverTime(RuleBasedStateMachine):
    @initialize(
        grades=st.lists(st.sampled_from(GRADES), min_size=2, max_size=5),
        window=st.sampled_from([(28, 28), (7, 14), (3, 5)]),
        duty_limit=st.integers(1, 4),
        caseloads=st.lists(st.tuples(index, index), min_size=1, max_size=6),
        officer=index,
        rota_weekdays=st.sets(st.integers(0, 6), max_size=3),
        pairs=st.lists(st.tuples(index, index, st.booleans()), max_size=5),
    )
    def hire(self, grades, window, duty_limit, caseloads, officer, rota_weekdays, pairs):
        self.today = START
        self.settings = PolicySettings(
            cover_lookback_days=window[0], cover_lookahead_days=window[1], duty_max_cases_per_officer=duty_limit
        )
        self.staff: dict[str, Staff] = {
            "A1": Staff("A1", "Ann Director", "assistant_director", EMPLOYED_FROM),
            "T1": Staff("T1", "Tom Manager", "team_manager", EMPLOYED_FROM),
            "D1": Staff("D1", "Dee Deputy", "deputy_team_manager", EMPLOYED_FROM),
        }
        self.lines = [ReportingLine("T1", "A1", EMPLOYED_FROM), ReportingLine("D1", "T1", EMPLOYED_FROM)]
        for number, (role, discipline) in enumerate(grades, start=1):
            person = f"P{number}"
            self.staff[person] = Staff(person, f"Worker {person}", role, EMPLOYED_FROM, discipline=discipline)
            self.lines.append(ReportingLine(person, "D1", EMPLOYED_FROM))
        self.cases: dict[str, Case] = {}
        self.allocations: dict[str, list[Allocation]] = {}
        self.absences: dict[str, Absence] = {}
        self.sheets: dict[str, LeaveSheet] = {}
        self.buddies: list[BuddyNomination] = []
        self.reallocations: list[Reallocation] = []
        self.duty: set[DutyShift] = set()
        self.supervisions: list[Supervision] = []
        practitioners = [p for p in self.people if p not in MANAGERS]
        for manager, opened in caseloads:  # a caseload to begin with
            case = f"C{len(self.cases) + 1}"
            start = START - timedelta(days=opened % 60)
            self.cases[case] = Case(case, f"Child {case}", "referral_order", "medium", start)
            self.allocations[case] = [Allocation(case, self.pick(practitioners, manager), start)]
        for who, buddy, approved in pairs:  # buddies nominated from the start
            staff, buddy = self.pick(practitioners, who), self.pick(practitioners, buddy)
            if staff != buddy and not any((b.staff, b.buddy) == (staff, buddy) for b in self.buddies):
                rank = 1 + sum(b.staff == staff for b in self.buddies)
                approver = "D1" if approved else None
                self.buddies.append(BuddyNomination(staff, buddy, rank, EMPLOYED_FROM, approved_by=approver))
        for n in range(120):  # a duty officer on some days of the week
            day = START + timedelta(days=n)
            if day.weekday() in rota_weekdays:
                self.duty.add(DutyShift(day, self.person(officer)))

    # -- helpers -----------------------------------------------------------------------------------
    @property
    def people(self) -> list[str]:
        return sorted(self.staff)

    def pick(self, items, number: int):
        items = list(items)
        return items[number % len(items)] if items else None

    def person(self, number: int) -> str:
        return self.pick(self.people, number)

    def facts(self) -> ServiceFacts:
        return ServiceFacts(
            service=Service("SM", "Service over time", settings=self.settings),
            staff=tuple(self.staff.values()),
            reporting_lines=tuple(self.lines),
            cases=tuple(self.cases.values()),
            allocations=tuple(a for allocations in self.allocations.values() for a in allocations),
            buddies=tuple(self.buddies),
            absences=tuple(self.absences.values()),
            leave_sheets=tuple(self.sheets.values()),
            reallocations=tuple(self.reallocations),
            duty_rota=tuple(sorted(self.duty, key=lambda d: (d.day, d.staff))),
            supervisions=tuple(self.supervisions),
        )

    def case_holders(self) -> list[str]:
        """People who are case managers on a day from today on (those whose absence matters)."""
        return sorted({a.staff for allocations in self.allocations.values() for a in allocations
                       if a.end is None or a.end >= self.today})

    def someone(self, number: int, holder: bool) -> str:
        """Half the time a case holder (when there is one), otherwise anyone."""
        return self.pick(self.case_holders(), number) if holder and self.case_holders() else self.person(number)

    def absences_of(self, person: str) -> list[Absence]:
        return sorted((a for a in self.absences.values() if a.staff == person), key=lambda a: a.first_day)

    @staticmethod
    def booked_until(absence: Absence) -> date:
        """The last day the exchange format counts an absence as booked (its overlap check)."""
        return absence.actual_last_day or absence.expected_last_day

    # -- cases -------------------------------------------------------------------------------------
    @rule(offset=st.integers(-10, 5), manager=index, paired=index, allocated=st.booleans(),
          with_paired=st.booleans(), dto=st.booleans())
    def open_case(self, offset, manager, paired, allocated, with_paired, dto):
        case = f"C{len(self.cases) + 1}"
        opened = self.today + timedelta(days=offset)
        manager = self.person(manager) if allocated else None
        paired = self.person(paired) if with_paired and dto else None
        if paired == manager:
            paired = None
        order = "detention_and_training_order" if dto else "referral_order"
        self.cases[case] = Case(case, f"Child {case}", order, "medium", opened, paired_worker=paired)
        self.allocations[case] = [Allocation(case, manager, opened)] if manager else []

    @precondition(lambda self: any(c.closed is None for c in self.cases.values()))
    @rule(which=index, offset=st.integers(0, 5))
    def close_case(self, which, offset):
        case = self.pick([c for c in self.cases.values() if c.closed is None], which)
        starts = [a.start for a in self.allocations[case.id]]
        closed = max([self.today + timedelta(days=offset), case.opened, *starts])
        self.cases[case.id] = replace(case, closed=closed)

    @precondition(lambda self: self.cases)
    @rule(which=index, staff=index, offset=st.integers(0, 5))
    def transfer_case(self, which, staff, offset):
        """The case manager changes from a day: the allocation before ends the day before."""
        case = self.pick(self.cases.values(), which)
        staff = self.person(staff)
        if staff == case.paired_worker:
            return  # a paired worker is never the case manager (the exchange format refuses it)
        allocations = self.allocations[case.id]
        start = max(self.today + timedelta(days=offset), case.opened)
        if allocations:
            last = allocations[-1]
            if last.end is not None:
                start = max(start, last.end + timedelta(days=1))
            elif last.start >= start:
                allocations[-1] = replace(last, staff=staff)
                return
            else:
                allocations[-1] = replace(last, end=start - timedelta(days=1))
        allocations.append(Allocation(case.id, staff, start))

    @precondition(lambda self: any(a and a[-1].end is None for a in self.allocations.values()))
    @rule(which=index, offset=st.integers(0, 5))
    def unallocate(self, which, offset):
        """The case manager's allocation ends and nobody new is allocated (yet)."""
        case = self.pick([c for c, a in self.allocations.items() if a and a[-1].end is None], which)
        last = self.allocations[case][-1]
        self.allocations[case][-1] = replace(last, end=max(last.start, self.today + timedelta(days=offset)))

    # -- absences and leave sheets -------------------------------------------------------------------
    def book(self, person: str, first: date, length: int, kind: str, planned: bool, open_ended: bool) -> None:
        earlier = self.absences_of(person)
        if earlier:  # a person's absences do not overlap
            first = max(first, max(self.booked_until(a) for a in earlier) + timedelta(days=1))
        expected = first + timedelta(days=length)
        absence_id = f"L{len(self.absences) + 1}"
        self.absences[absence_id] = Absence(
            absence_id, person, kind, planned, first, expected, None if open_ended else expected
        )

    @rule(who=index, holder=st.booleans(), offset=st.integers(-5, 10), length=st.integers(0, 15),
          kind=st.sampled_from(["annual_leave", "training"]), open_ended=st.booleans())
    def book_leave(self, who, holder, offset, length, kind, open_ended):
        """Planned leave; open-ended until a return is recorded, or with its return already recorded."""
        self.book(self.someone(who, holder), self.today + timedelta(days=offset), length, kind, True, open_ended)

    @rule(who=index, holder=st.booleans(), offset=st.integers(-3, 0), length=st.integers(0, 15),
          kind=st.sampled_from(["sickness", "other"]), open_ended=st.booleans())
    def fall_ill(self, who, holder, offset, length, kind, open_ended):
        """An unplanned absence, from today or lately (recorded late)."""
        self.book(self.someone(who, holder), self.today + timedelta(days=offset), length, kind, False, open_ended)

    @precondition(lambda self: any(a.planned and a.id not in self.sheets for a in self.absences.values()))
    @rule(which=index, sent=st.none() | st.integers(-10, 3), covers=st.lists(index, min_size=1, max_size=4),
          informed=st.booleans())
    def submit_leave_sheet(self, which, sent, covers, informed):
        """The leave sheet of planned leave: cover for some of the cases held when it begins (anyone,
        even someone away, or nobody), sent ahead, late, or never (`sent` None)."""
        absence = self.pick(sorted((a for a in self.absences.values() if a.planned and a.id not in self.sheets),
                                   key=lambda a: a.id), which)
        held = sorted({c for c, allocations in self.allocations.items()
                       if any(a.staff == absence.staff and in_range(absence.first_day, a.start, a.end)
                              for a in allocations)})
        lines = [
            LeaveSheetLine(case, self.pick([*self.people, None], cover), informed)
            for case, cover in zip(held, covers, strict=False)
        ]
        submitted = None if sent is None else moment(absence.first_day + timedelta(days=sent), 16)
        self.sheets[absence.id] = LeaveSheet(absence.id, submitted, "D1", tuple(lines))

    @precondition(lambda self: any(a.actual_last_day is None for a in self.absences.values()))
    @rule(which=index, offset=st.integers(-3, 5))
    def record_return(self, which, offset):
        absence = self.pick(sorted((a for a in self.absences.values() if a.actual_last_day is None),
                                   key=lambda a: a.id), which)
        last = max(absence.first_day, self.today + timedelta(days=offset))
        later = [a.first_day for a in self.absences_of(absence.staff) if a.first_day > absence.first_day]
        if later:
            last = min(last, min(later) - timedelta(days=1))
        self.absences[absence.id] = replace(absence, actual_last_day=last)

    # -- buddies, reallocations, duty ----------------------------------------------------------------
    @rule(who=index, holder=st.booleans(), buddy=index, rank=st.integers(1, 3), offset=st.integers(-5, 5),
          approved=st.booleans())
    def nominate_buddy(self, who, holder, buddy, rank, offset, approved):
        """Any colleague, any grade: a cross-grade buddy acts only with approval (COV-GRADE), and a
        manager never acts as a buddy (COV-BUDDY) – cover must pass them over."""
        staff, buddy = self.someone(who, holder), self.person(buddy)
        start = self.today + timedelta(days=offset)
        if staff == buddy or any((b.staff, b.buddy, b.start) == (staff, buddy, start) for b in self.buddies):
            return
        self.buddies.append(BuddyNomination(staff, buddy, rank, start, approved_by="D1" if approved else None))

    @precondition(lambda self: any(b.end is None for b in self.buddies))
    @rule(which=index, offset=st.integers(0, 5))
    def end_buddy(self, which, offset):
        current = [i for i, b in enumerate(self.buddies) if b.end is None]
        position = self.pick(current, which)
        nomination = self.buddies[position]
        self.buddies[position] = replace(nomination, end=max(nomination.start, self.today + timedelta(days=offset)))

    @precondition(lambda self: self.cases)
    @rule(which=index, staff=index, offset=st.integers(-2, 3), length=st.integers(0, 12))
    def reallocate(self, which, staff, offset, length):
        case = self.pick(self.cases.values(), which)
        start = self.today + timedelta(days=offset)
        if any((r.case, r.start) == (case.id, start) for r in self.reallocations):
            return
        end = None if length == 12 else start + timedelta(days=length)  # now and then open-ended
        self.reallocations.append(Reallocation(case.id, self.person(staff), start, end, by="D1"))

    @rule(who=index, offset=st.integers(-3, 10))
    def add_duty_shift(self, who, offset):
        self.duty.add(DutyShift(self.today + timedelta(days=offset), self.person(who)))

    # -- supervision, leavers and time ---------------------------------------------------------------
    @rule(who=index, offset=st.integers(-20, 0), recorded=st.none() | st.integers(0, 10))
    def supervise(self, who, offset, recorded):
        """Supervision must not change who covers a case: the invariants hold as before."""
        supervisee = self.person(who)
        supervisor = "T1" if supervisee == "D1" else "A1" if supervisee == "T1" else "D1"
        if supervisee == "A1":
            return
        held = moment(self.today + timedelta(days=offset), 10)
        cases = sorted(c for c, allocations in self.allocations.items()
                       if any(a.staff == supervisee and in_range(held.date(), a.start, a.end) for a in allocations))
        when = None if recorded is None else held + timedelta(days=recorded)
        talked = [discuss(case, recorded=when, by=supervisor if when else None) for case in cases]
        self.supervisions.append(
            Supervision(f"V{len(self.supervisions) + 1}", "formal", supervisor, (supervisee,), held, 60, tuple(talked))
        )

    @precondition(lambda self: any(s.end is None and s.id not in MANAGERS for s in self.staff.values()))
    @rule(who=index, offset=st.integers(0, 10))
    def leave_the_service(self, who, offset):
        person = self.pick([s for s in self.staff.values() if s.end is None and s.id not in MANAGERS], who)
        self.staff[person.id] = replace(person, end=self.today + timedelta(days=offset))

    @rule(days=st.integers(1, 10))
    def time_passes(self, days):
        self.today += timedelta(days=days)

    # -- invariants --------------------------------------------------------------------------------
    @invariant()
    def every_case_has_a_named_contact_or_nobody_and_nobody_covers_outside_an_absence(self):
        for shift in range(-AROUND, AROUND + 1):
            day = self.today + timedelta(days=shift)
            at = moment(day, 9, 30)
            answers = cover_at(self.facts(), at)
            facts = Judgement.at(self.facts(), at).facts  # the facts as known that day
            assert [a.case for a in answers] == sorted(c.id for c in facts.cases if c.open_on(day))
            for answer in answers:
                assert (answer.contact is None) == (answer.via is Via.NONE), answer
                if answer.contact is not None:
                    assert facts.is_present(answer.contact, day), answer
                manager = facts.case_manager_on(answer.case, day)
                if answer.via in (Via.BUDDY, Via.LEAVE_SHEET):
                    # Covering a colleague's case only while the colleague is away.
                    assert manager is not None and not facts.is_present(manager, day), answer
                if answer.via is Via.BUDDY:  # a valid nomination in force (COV-BUDDY, COV-GRADE)
                    buddy = facts.staff_by_id[answer.contact]
                    assert buddy.is_practitioner and any(
                        n.buddy == answer.contact and in_range(day, n.start, n.end)
                        and (buddy.grade == facts.staff_by_id[manager].grade or n.approved_by is not None)
                        for n in facts.buddies_by_staff.get(manager, ())
                    ), answer
                if answer.via is Via.LEAVE_SHEET:
                    absence = facts.absence_on(manager, day)
                    sheet = facts.leave_sheet_by_absence[absence.id]
                    assert any(ln.case == answer.case and ln.cover == answer.contact for ln in sheet.lines), answer
                if answer.via is Via.REALLOCATION:
                    assert any(r.staff == answer.contact and in_range(day, r.start, r.end)
                               for r in facts.reallocations_by_case.get(answer.case, ())), answer
                if answer.via is Via.CASE_MANAGER:
                    assert answer.contact == manager, answer
                if answer.via is Via.DUTY:
                    assert answer.contact in facts.duty_by_day.get(day, []), answer

    @invariant()
    def the_findings_never_contradict_the_cover_answers(self):
        as_of = moment(self.today, 12)
        findings = evaluate(self.facts(), as_of)
        judgement = Judgement.at(self.facts(), as_of)
        facts = judgement.facts  # as known today: booked leave not yet begun ends when expected
        reported = [
            (f.case, judgement.calendar.local_date(f.due), str(f.status))
            for f in findings
            if f.rule == "COV-CONTACT" and str(f.status) in ("breach", "due")
        ]
        assert len(reported) == len(set(reported)), "one COV-CONTACT finding per case and working day"
        nobody = {
            (answer.case, day, "breach" if day <= self.today else "due")
            for day in cover_window(judgement)
            for answer in resolve_day(facts, day, known_at=as_of)
            if answer.via is Via.NONE
        }
        assert set(reported) == nobody
        # Today's cover as the command shows it is the cover the findings were judged on.
        today = resolve_day(facts, self.today, known_at=as_of)
        assert cover_at(self.facts(), as_of) == today
        if judgement.calendar.is_working_day(self.today):
            for answer in today:
                assert answer.contact is not None or (answer.case, self.today, "breach") in nobody, answer

    @invariant()
    def the_service_is_one_the_exchange_format_accepts(self):
        document = json.loads(json.dumps(to_document(self.facts())))
        parse_document(document)  # raises InvalidDocument, listing the problems, if not


ServiceOverTime.TestCase.settings = settings(
    max_examples=80, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_a_service_over_time = ServiceOverTime.TestCase
