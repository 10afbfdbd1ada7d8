"""The team cover board: for a manager's people, each working day's absences, who is the named
contact of each of their cases, and the cover gaps the rules find, before they happen.

Nothing here judges anything again. Cover comes from `cover.resolve_day` with the leave sheets
known at the as-of moment, and findings from the buddy policy's rules (as `engine.evaluate` gives them),
judged over exactly the board's days (the cover window is set to them). The board only places
what those answer:
- a case's gaps on a day come from its cover answer: nobody (a COV-CONTACT breach, or due ahead),
  the duty officer (the COV-CONTACT warning), a duty officer the COV-DUTY-LOAD rule finds
  overloaded that day, and, for a case that fell to duty or to nobody, buddies of its case
  manager passed over because they were absent too;
- findings about an absence (COV-LEAVE-SHEET, COV-INFORMED, COV-REALLOCATE) are attached to it
  through `leave.absence_findings`, the function the rules themselves run for each absence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from oversight.policy import buddies, cover_checks, leave
from oversight.policy.calendar import WorkingCalendar
from oversight.policy.cover import COVERING_STEPS, CoverAnswer, Via, buddies_in_force, resolve_day
from oversight.policy.facts import Absence, ServiceFacts, overlaps
from oversight.policy.findings import Finding, Judgement

BOARD_WEEKS = 4
# Findings judged on a day: their deadline is the start of that day.
DAY_RULES = frozenset({"COV-CONTACT", "COV-DUTY-LOAD", "COV-BUDDY-LOAD"})
# Findings that describe how things stand at the as-of moment, with no deadline.
STANDING_RULES = frozenset({"COV-BUDDY", "COV-GRADE", "COV-PAIRED"})
LEAVE_RULES = frozenset({"COV-LEAVE-SHEET", "COV-INFORMED", "COV-REALLOCATE"})
# Cover windows whose facts are kept on the facts they were made from (see _judged_over).
JUDGED_OVER_KEPT = 8


class Gap(StrEnum):
    """What can go wrong with a case's cover on a day, most serious first."""

    NO_CONTACT = "no_contact"
    DUTY_OVERLOAD = "duty_overload"
    BUDDY_ABSENT = "buddy_absent"
    LEAVE_SHEET = "leave_sheet"
    DUTY = "duty"


@dataclass(frozen=True, slots=True)
class CaseDay:
    """One case of a board person on one day: its cover answer and its gaps."""

    answer: CoverAnswer
    gaps: tuple[Gap, ...] = ()
    absent_buddies: tuple[str, ...] = ()

    @property
    def case(self) -> str:
        return self.answer.case

    @property
    def covered_by_someone_else(self) -> bool:
        return self.answer.via is not Via.CASE_MANAGER


@dataclass(frozen=True, slots=True)
class Cell:
    """A board person on a day."""

    staff: str
    day: date
    employed: bool
    absence: Absence | None
    cases: tuple[CaseDay, ...] = ()  # the cases they manage that day, by case id
    covering: tuple[str, ...] = ()  # colleagues' cases they are the named contact of that day
    on_duty: tuple[str, ...] = ()  # cases that fall to them as duty officer that day
    gaps: tuple[Gap, ...] = ()
    findings: tuple[Finding, ...] = ()  # about their absence that day

    @property
    def affected(self) -> tuple[CaseDay, ...]:
        """Their cases whose named contact that day is not them."""
        return tuple(c for c in self.cases if c.covered_by_someone_else)

    def contacts(self) -> list[tuple[str | None, Via, int]]:
        """(contact, step, number of cases) for the cases someone else holds that day, most first."""
        counted = Counter((c.answer.contact, c.answer.via) for c in self.affected)
        return sorted(
            ((contact, via, n) for (contact, via), n in counted.items()),
            key=lambda item: (-item[2], item[0] or "", str(item[1])),
        )


@dataclass(frozen=True, slots=True)
class DutyDay:
    """The duty rota on a day, for the whole service: cases fall to duty from every team."""

    day: date
    rota: tuple[str, ...]
    load: tuple[tuple[str, int], ...]  # the officers present, with the cases that fall to each
    overloaded: tuple[str, ...]
    unreached: int  # cases that fell past duty to nobody
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class Board:
    as_of: datetime
    today: date
    days: tuple[date, ...]
    people: tuple[str, ...]
    cells: Mapping[tuple[str, date], Cell]
    duty: Mapping[date, DutyDay]
    absences: tuple[Absence, ...]  # the people's absences that meet the board's days
    findings: tuple[Finding, ...]  # the buddy policy's findings about the people and their cases
    findings_by_absence: Mapping[str, tuple[Finding, ...]] = field(default_factory=dict)

    def cell(self, staff: str, day: date) -> Cell:
        return self.cells[(staff, day)]

    def gap_days(self) -> list[tuple[date, list[Cell]]]:
        """The days on which any of the people's cells has a gap, with those cells."""
        out = []
        for day in self.days:
            cells = [self.cells[(p, day)] for p in self.people if self.cells[(p, day)].gaps]
            if cells:
                out.append((day, cells))
        return out


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def board_days(calendar: WorkingCalendar, start: date, weeks: int = BOARD_WEEKS) -> list[date]:
    """The working days of `weeks` weeks from the Monday of `start`'s week."""
    monday = week_start(start)
    return list(calendar.working_days(monday, monday + timedelta(days=7 * weeks - 1)))


def cover_board(facts: ServiceFacts, as_of: datetime, people: Iterable[str], days: Iterable[date]) -> Board:
    """The board of `people` on `days` (working days, in order), as known at `as_of`."""
    days = tuple(sorted(days))
    people = tuple(people)
    wanted = set(people)
    judgement = Judgement.at(_judged_over(facts, as_of, days), as_of)
    facts, today = judgement.facts, judgement.today
    first, last = (days[0], days[-1]) if days else (today, today)

    absences = tuple(
        a for person in people for a in facts.absences_by_staff.get(person, ())
        if overlaps(a.first_day, a.actual_last_day, first, last)
    )
    found_by_absence = {a.id: tuple(leave.absence_findings(judgement, a)) for a in absences}
    by_absence = {ref: tuple(sorted(found, key=Finding.sort_key)) for ref, found in found_by_absence.items()}
    attached = {f for found in by_absence.values() for f in found}

    # The cover of each day, resolved once: for the rules' cover window and for the cells.
    answers_by_day: dict[date, list[CoverAnswer]] = {}

    def answers_on(day: date) -> list[CoverAnswer]:
        if day not in answers_by_day:
            answers_by_day[day] = resolve_day(facts, day, known_at=judgement.as_of)
        return answers_by_day[day]

    # `engine.evaluate(facts, as_of, rules=<the COV- rules>)` as far as the board shows it:
    # of the leave rules' findings only those about the absences above are kept (`relevant`), so
    # the leave rules are run for those absences alone rather than for every absence of ten years,
    # in the order `leave.check` takes them, so that sorting places them exactly as it would.
    findings = sorted(
        [
            *buddies.check(judgement),
            *(f for a in sorted(absences, key=lambda a: (a.first_day, a.id)) for f in found_by_absence[a.id]),
            *cover_checks.check(judgement, answers_on),
        ],
        key=Finding.sort_key,
    ) if days else []

    overloads = {
        (f.subject, judgement.calendar.local_date(f.due)): f for f in findings if f.rule == "COV-DUTY-LOAD" and f.due
    }
    cells: dict[tuple[str, date], Cell] = {}
    duty: dict[date, DutyDay] = {}
    board_cases: set[str] = {c for p in people for c in facts.open_cases_of(p, today)}
    duty_officers_of_people: set[tuple[str, date]] = set()
    for day in days:
        answers = answers_on(day)
        duty[day] = _duty_day(facts, day, answers, overloads)
        mine: dict[str, list[CaseDay]] = {p: [] for p in people}
        covering: dict[str, list[str]] = {p: [] for p in people}
        on_duty: dict[str, list[str]] = {p: [] for p in people}
        for answer in answers:
            if answer.case_manager in wanted:
                board_cases.add(answer.case)
                mine[answer.case_manager].append(_case_day(facts, answer, overloads))
                if answer.via is Via.DUTY:
                    duty_officers_of_people.add((answer.contact, day))
            if answer.contact in wanted and answer.contact != answer.case_manager:
                if answer.via is Via.DUTY:
                    on_duty[answer.contact].append(answer.case)
                elif answer.via in COVERING_STEPS:
                    covering[answer.contact].append(answer.case)
        for person in people:
            cells[(person, day)] = _cell(
                facts, person, day, mine[person], covering[person], on_duty[person], by_absence
            )

    def relevant(f: Finding) -> bool:
        if f.rule in LEAVE_RULES:
            return f in attached
        about_us = f.subject in wanted or (f.case is not None and f.case in board_cases)
        if f.rule == "COV-DUTY-LOAD":
            about_us = about_us or (f.subject, judgement.calendar.local_date(f.due)) in duty_officers_of_people
        if f.rule in DAY_RULES:
            return about_us and f.due is not None and first <= judgement.calendar.local_date(f.due) <= last
        return about_us

    return Board(
        as_of=judgement.as_of, today=today, days=days, people=people, cells=cells, duty=duty,
        absences=tuple(sorted(absences, key=lambda a: (a.first_day, a.staff, a.id))),
        findings=tuple(f for f in findings if relevant(f)), findings_by_absence=by_absence,
    )


def _judged_over(facts: ServiceFacts, as_of: datetime, days: tuple[date, ...]) -> ServiceFacts:
    """The facts with the cover window (`cover_lookback_days`, `cover_lookahead_days`) set to reach
    exactly from the board's first day to its last, as seen from the as-of day."""
    if not days:
        return facts
    calendar = WorkingCalendar(facts.service.holidays, facts.service.timezone, facts.settings.closure_days)
    today = calendar.local_date(as_of if as_of.tzinfo else as_of.replace(tzinfo=calendar.tz))
    window = (max(0, (today - days[0]).days), max(0, (days[-1] - today).days))
    # The same window asked again (every request for this week's board): the same facts, with the
    # indexes they built (cover by day, absences, holdings ...) rather than building them anew.
    settings = replace(facts.settings, cover_lookback_days=window[0], cover_lookahead_days=window[1])
    return facts.kept("judged_over", window, lambda: replace(facts, service=replace(facts.service, settings=settings)),
                      limit=JUDGED_OVER_KEPT)


def _case_day(facts: ServiceFacts, answer: CoverAnswer, overloads) -> CaseDay:
    gaps: list[Gap] = []
    absent_buddies: tuple[str, ...] = ()
    if answer.via is Via.NONE:
        gaps.append(Gap.NO_CONTACT)
    if answer.via is Via.DUTY and (answer.contact, answer.day) in overloads:
        gaps.append(Gap.DUTY_OVERLOAD)
    if answer.via in (Via.DUTY, Via.NONE) and answer.case_manager is not None:
        buddies = {n.buddy for n in buddies_in_force(facts, answer.case_manager, answer.day)}
        absent_buddies = tuple(
            p.staff for p in answer.passed_over
            if p.staff in buddies and facts.absence_on(p.staff, answer.day) is not None
        )
        if absent_buddies:
            gaps.append(Gap.BUDDY_ABSENT)
    if answer.via is Via.DUTY:
        gaps.append(Gap.DUTY)
    return CaseDay(answer, tuple(gaps), absent_buddies)


def _cell(facts, person, day, cases, covering, on_duty, by_absence) -> Cell:
    staff = facts.staff_by_id.get(person)
    employed = staff is not None and staff.employed_on(day)
    absence = facts.absence_on(person, day) if employed else None
    found = by_absence.get(absence.id, ()) if absence else ()
    gaps = {g for c in cases for g in c.gaps}
    if any(f.rule == "COV-LEAVE-SHEET" for f in found):
        gaps.add(Gap.LEAVE_SHEET)
    return Cell(
        staff=person, day=day, employed=employed, absence=absence,
        cases=tuple(sorted(cases, key=lambda c: c.case)), covering=tuple(sorted(covering)),
        on_duty=tuple(sorted(on_duty)), gaps=tuple(g for g in Gap if g in gaps), findings=found,
    )


def _duty_day(facts: ServiceFacts, day: date, answers: list[CoverAnswer], overloads) -> DutyDay:
    rota = tuple(facts.duty_by_day.get(day, ()))
    load = Counter(a.contact for a in answers if a.via is Via.DUTY)
    present = [s for s in rota if facts.is_present(s, day)]
    return DutyDay(
        day=day, rota=rota, load=tuple((s, load[s]) for s in present),
        overloaded=tuple(s for s in present if (s, day) in overloads),
        unreached=sum(1 for a in answers if a.via is Via.NONE),
        findings=tuple(f for (s, d), f in sorted(overloads.items()) if d == day),
    )
