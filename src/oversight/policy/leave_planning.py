"""Planning leave (buddy policy): which requested days clash with leave already booked, and who can
cover each case on the leave sheet, with their own clashes and load.

"All case-holders must complete a leave sheet prior to taking leave … identifying who will be
covering each case": the sheet offers the case holder's valid buddies first, in their nominated
order, then their team (same line manager), then every other practitioner, each with the days they
are away themselves during the leave and the cases they would already hold on its first day.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from oversight.policy.cover import (
    COVERING_STEPS,
    CannotCover,
    buddies_in_force,
    buddy_invalid_reason,
    cannot_cover,
    resolve_day,
)
from oversight.policy.facts import Absence, ServiceFacts, overlaps


def booked_last_day(absence: Absence) -> date:
    """The last day an absence is booked to: its recorded return, else its expected last day.

    (For judging cover an absence with no recorded return runs on; for booking more leave, the
    person's own plan is what counts.)"""
    return absence.actual_last_day or absence.expected_last_day


def leave_clashes(
    facts: ServiceFacts, staff_id: str, first: date, last: date, *, ignore: str | None = None
) -> list[Absence]:
    """The person's own booked absences (other than `ignore`) that share a day with first..last:
    what a new request for leave must not overlap."""
    return [
        a
        for a in facts.absences_by_staff.get(staff_id, ())
        if a.id != ignore and overlaps(a.first_day, booked_last_day(a), first, last)
    ]


def away_during(facts: ServiceFacts, staff_id: str, first: date, last: date) -> list[Absence]:
    """The person's absences that share a day with first..last, as cover resolution sees them: an
    absence that has begun with no return recorded runs on (pass facts `known_on` today, so that
    leave booked ahead runs to its expected last day)."""
    return [
        a for a in facts.absences_by_staff.get(staff_id, ()) if overlaps(a.first_day, a.actual_last_day, first, last)
    ]


def leave_sheet_cover_refused(facts: ServiceFacts, absence: Absence, staff_id: str) -> CannotCover | None:
    """Why `staff_id` cannot be named as cover on the leave sheet of `absence` (None: they can).

    COV-LEAVE-SHEET asks the sheet to name cover for each case; who can give cover is COV-BUDDY's
    (`cover.cannot_cover`): a practitioner employed on the leave's first day, not the absent person.
    Cover who is away themselves during the leave is not refused: the sheet shows it beside their
    name (`CoverCandidate.clashes`), and on the days they are away cover resolution passes over them
    to the paired worker, the buddies and duty, with that reason (docs/interpretations.md)."""
    return cannot_cover(facts, staff_id, absence.first_day, for_staff=absence.staff)


@dataclass(frozen=True, slots=True)
class CoverCandidate:
    staff: str
    relation: str  # "buddy", "team" (same line manager) or "colleague"
    buddy_rank: int | None  # position among the valid buddies (1 = first), for buddies
    clashes: tuple[Absence, ...]  # their own absences during the leave
    own_cases: int  # their open cases on the leave's first day
    covering: int  # colleagues' cases (other than these) they are already named contact for that day
    limit: int  # COV-BUDDY-LOAD: `buddy_max_total_cases`, own cases and cases covered together

    @property
    def load(self) -> int:
        return self.own_cases + self.covering

    @property
    def room(self) -> int:
        """How many more cases they can take that day before COV-BUDDY-LOAD warns (0: none)."""
        return max(self.limit - self.load, 0)


def cover_candidates(facts: ServiceFacts, absence: Absence, known_at: datetime | None = None) -> list[CoverCandidate]:
    """Who may be named as cover on the leave sheet of `absence` (pass facts `known_on` today):
    practitioners employed on its first day (not the absent person), buddies first in their order,
    then the team, then the rest.

    A buddy nomination that cannot act (no longer valid, or cross-grade without approval) does not
    make the person a buddy here; they are offered with their team or as a colleague, like anyone else."""
    day, me = absence.first_day, absence.staff
    last = booked_last_day(absence)
    answers = resolve_day(facts, day, known_at=known_at)
    # Cover load that day from everyone else's absences: this leave's own cases are what is being
    # decided, so they are left out.
    covering = Counter(a.contact for a in answers if a.via in COVERING_STEPS and a.case_manager != me)
    buddies = [
        n.buddy
        for n in buddies_in_force(facts, me, day)
        if buddy_invalid_reason(facts, n, day) is None
    ]
    buddies = list(dict.fromkeys(buddies))
    manager = facts.line_manager_on(me, day)
    candidates = []
    for person in facts.staff:
        if leave_sheet_cover_refused(facts, absence, person.id) is not None:
            continue
        if person.id in buddies:
            relation = "buddy"
        elif manager is not None and facts.line_manager_on(person.id, day) == manager:
            relation = "team"
        else:
            relation = "colleague"
        candidates.append(
            CoverCandidate(
                staff=person.id,
                relation=relation,
                buddy_rank=buddies.index(person.id) + 1 if person.id in buddies else None,
                clashes=tuple(away_during(facts, person.id, day, last)),
                own_cases=len(facts.open_cases_of(person.id, day)),
                covering=covering[person.id],
                limit=facts.settings.buddy_max_total_cases,
            )
        )
    order = {"buddy": 0, "team": 1, "colleague": 2}
    return sorted(
        candidates,
        key=lambda c: (order[c.relation], c.buddy_rank or 0, facts.staff_by_id[c.staff].name, c.staff),
    )
