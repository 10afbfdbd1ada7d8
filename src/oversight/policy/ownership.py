"""Who must act on a finding, and where it is put right: the home page's "what needs me now".

- A finding about a person (its subject is a member of staff) is theirs to act on: the practitioner
  without a buddy, the case holder whose leave sheet is missing, the owner of an overdue action.
- A finding about a case is its case manager's on the day, except:
  - REC-DEADLINE and REC-AUTHOR belong to the manager who held the discussion or made the decision
    ("It is the responsibility of the manager involved to make this recording");
  - COV-REALLOCATE belongs to the absent case manager's line manager ("Managers will reallocate
    cases on a temporary basis").
- Cover for an unplanned absence is the line manager's to confirm (COV-LEAVE-SHEET: "the line
  manager must confirm cover"), so that finding is the line manager's, not the absent person's.
- Line managers also see the findings of everyone below them in the reporting line on the day
  (their team's), without them being theirs to act on.

The findings themselves carry the rule, subject and case; which record or absence a finding is about
is read from the identifier its detail names (every rule's detail names it, so that a manager can find
it), which is how a link to the place to fix it is found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from oversight.policy.facts import Absence, OversightEvent, ServiceFacts
from oversight.policy.findings import Finding, Judgement
from oversight.policy.records import needed_records

RECORD_RULES = frozenset({"REC-DEADLINE", "REC-AUTHOR"})
SUPERVISION_RULES = frozenset({"SUP-MONTHLY", "SUP-GAP", "SUP-RETURN", "SUP-FREQUENCY", "SUP-CHAIN"})
LEAVE_RULES = frozenset({"COV-LEAVE-SHEET", "COV-INFORMED"})


@dataclass(frozen=True, slots=True)
class Fix:
    """Where a finding is put right: a kind of place and, where there is one, the record's identifier.

    kind: "case" (the child's file), "record" (ref: the case; record: ("discussion", the formal
    session's id) or ("event", the oversight event's id)), "leave_sheet" (ref: the absence), "cover"
    (a manager confirms cover for an unplanned absence; ref: the absence), "buddies" (ref: the
    person), "supervision" (ref: the person), "covering" (ref: the person), "duty" (the duty list).
    """

    kind: str
    ref: str | None = None
    record: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Owned:
    finding: Finding
    actors: frozenset[str]  # who must act on it (may be empty: nobody holds the case)
    fix: Fix | None


@dataclass(frozen=True, slots=True)
class NeedsMe:
    mine: tuple[Owned, ...]  # mine to act on, soonest deadline first
    team: tuple[Owned, ...]  # for people below me in the reporting line, soonest deadline first


def is_about_case(finding: Finding) -> bool:
    return finding.case is not None and finding.subject == finding.case


class Ownership:
    """Answers "who acts, and where" for the findings of one judgement (indexes built once)."""

    def __init__(self, j: Judgement) -> None:
        self.j = j
        self.facts: ServiceFacts = j.facts
        self.today: date = j.today
        self._records: dict[str, list[tuple[str, str, tuple[str, str]]]] | None = None

    # -- who -------------------------------------------------------------------------------------
    def actors(self, finding: Finding) -> frozenset[str]:
        facts, today = self.facts, self.today
        if finding.rule in RECORD_RULES and finding.case:
            # The manager who held it: the record named in the detail ("… at formal supervision V1 on …").
            held_by = {who for what, who, _ in self.records().get(finding.case, ()) if f"{what} on " in finding.detail}
            return frozenset(held_by)
        if is_about_case(finding):
            manager = facts.case_manager_on(finding.case, today) or _last_case_manager(facts, finding.case)
            if finding.rule == "COV-REALLOCATE":
                line = facts.line_manager_on(manager, today) if manager else None
                return frozenset({line} if line else ())
            return frozenset({manager} if manager else ())
        if finding.rule == "COV-LEAVE-SHEET":
            absence = self.absence(finding)
            if absence is not None and not absence.planned:
                line = facts.line_manager_on(absence.staff, absence.first_day)
                return frozenset({line} if line else ())
        return frozenset({finding.subject}) if finding.subject in facts.staff_by_id else frozenset()

    def records(self) -> dict[str, list[tuple[str, str, tuple[str, str]]]]:
        """Per case, the records it needs as (how the detail names it, the manager responsible,
        ("discussion", session id) or ("event", event id))."""
        if self._records is None:
            index: dict[str, list[tuple[str, str, tuple[str, str]]]] = {}
            for record in needed_records(self.j):
                source = ("event" if isinstance(record.source, OversightEvent) else "discussion", record.source.id)
                index.setdefault(record.case, []).append((record.what, record.responsible, source))
            self._records = index
        return self._records

    # -- where -----------------------------------------------------------------------------------
    def absence(self, finding: Finding) -> Absence | None:
        """The absence a leave finding is about: the one of its subject its detail names."""
        for absence in self.facts.absences_by_staff.get(finding.subject, ()):
            if re.search(rf"(?<![\w-]){re.escape(absence.id)}(?![\w-])", finding.detail):
                return absence
        return None

    def fix(self, finding: Finding) -> Fix | None:
        rule = finding.rule
        if rule in RECORD_RULES and finding.case:
            source = next(
                (src for what, _, src in self.records().get(finding.case, ()) if f"{what} on " in finding.detail), None
            )
            # A record still to write (due, overdue) or to check and own (REC-AUTHOR) is put right on
            # the record's page; a late one is on the file already: the child's file shows it.
            late = rule == "REC-DEADLINE" and finding.detail.startswith("late:")
            if source is not None and not late:
                return Fix("record", finding.case, record=source)
        if rule in LEAVE_RULES:
            absence = self.absence(finding)
            if absence is not None:
                return Fix("leave_sheet" if absence.planned else "cover", absence.id)
        if rule in ("COV-BUDDY", "COV-GRADE"):
            return Fix("buddies", finding.subject)
        if rule == "COV-BUDDY-LOAD":
            return Fix("covering", finding.subject)
        if rule == "COV-DUTY-LOAD":
            return Fix("duty")
        if rule in SUPERVISION_RULES:
            return Fix("supervision", finding.subject)
        if finding.case is not None:
            return Fix("case", finding.case)
        return None

    def owned(self, finding: Finding) -> Owned:
        return Owned(finding, self.actors(finding), self.fix(finding))


def needs_me(j: Judgement, findings: Iterable[Finding], staff_id: str) -> NeedsMe:
    """The findings that are mine to act on, and those of my team (everyone below me on the day)."""
    return mine_and_team(j, owners(j, findings), staff_id)


def owners(j: Judgement, findings: Iterable[Finding]) -> tuple[Owned, ...]:
    """Who acts on each finding and where, soonest deadline first: the same for every reader, so
    it can be worked out once and kept with the findings (store/cache.py)."""
    ownership = Ownership(j)
    return tuple(ownership.owned(finding) for finding in sorted(findings, key=Finding.sort_key))


def mine_and_team(j: Judgement, owned: Iterable[Owned], staff_id: str) -> NeedsMe:
    """`needs_me` from the findings' owners."""
    mine: list[Owned] = []
    team: list[Owned] = []
    above: dict[str, list[str]] = {}  # each actor's managers, worked out once

    def managers_above(actor: str) -> list[str]:
        if actor not in above:
            above[actor] = j.facts.managers_above(actor, j.today)
        return above[actor]

    for item in owned:
        if staff_id in item.actors:
            mine.append(item)
        elif any(staff_id in managers_above(actor) for actor in item.actors):
            team.append(item)
    return NeedsMe(tuple(mine), tuple(team))


def _last_case_manager(facts: ServiceFacts, case_id: str) -> str | None:
    allocations = facts.allocations_by_case.get(case_id, ())
    return allocations[-1].staff if allocations else None
