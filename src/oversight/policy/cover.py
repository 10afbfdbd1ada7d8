"""Cover resolution: who is a case's named contact on a day (RULES.md, "Cover resolution").

Take the first that applies and is present (not absent that day, still employed):
reallocation, case manager, leave-sheet cover, paired worker, buddies in nominated order, duty
officer, and otherwise nobody. Every step passed over is kept with its reason, so a manager can
see why a child ended up with duty or with nobody.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from oversight.policy.facts import BuddyNomination, ServiceFacts, in_range


class Via(StrEnum):
    REALLOCATION = "reallocation"
    CASE_MANAGER = "case_manager"
    LEAVE_SHEET = "leave_sheet"
    PAIRED_WORKER = "paired_worker"
    BUDDY = "buddy"
    DUTY = "duty"
    NONE = "none"


# Steps through which a person looks after a colleague's case: they count towards COV-BUDDY-LOAD.
COVERING_STEPS = frozenset({Via.REALLOCATION, Via.LEAVE_SHEET, Via.PAIRED_WORKER, Via.BUDDY})


@dataclass(frozen=True, slots=True)
class PassedOver:
    staff: str | None
    reason: str

    def as_dict(self) -> dict:
        return {"staff": self.staff, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class CoverAnswer:
    case: str
    day: date
    contact: str | None
    via: Via
    case_manager: str | None = None
    passed_over: tuple[PassedOver, ...] = field(default=())

    def as_dict(self) -> dict:
        return {
            "case": self.case,
            "contact": self.contact,
            "via": str(self.via),
            "passed_over": [p.as_dict() for p in self.passed_over],
        }


class CannotCover(StrEnum):
    """Why a person cannot look after a colleague's cases on a day."""

    ONESELF = "oneself"
    UNKNOWN = "unknown"
    NOT_EMPLOYED = "not_employed"
    NOT_PRACTITIONER = "not_practitioner"


def cannot_cover(
    facts: ServiceFacts, staff_id: str, day: date, *, for_staff: str | None = None
) -> CannotCover | None:
    """Why `staff_id` cannot cover `for_staff`'s cases on `day` (None when they can).

    COV-BUDDY: "a nomination is valid only while the buddy is employed and is a practitioner (youth
    justice officer, support officer or specialist)". The buddy policy's cover is given by buddies,
    so the same test says who can be named as cover on a leave sheet; and nobody covers themselves.
    Being away is not judged here: cover resolution passes over whoever is absent on the day.
    """
    if for_staff is not None and staff_id == for_staff:
        return CannotCover.ONESELF
    person = facts.staff_by_id.get(staff_id)
    if person is None:
        return CannotCover.UNKNOWN
    if not person.employed_on(day):
        return CannotCover.NOT_EMPLOYED
    if not person.is_practitioner:
        return CannotCover.NOT_PRACTITIONER
    return None


def grade_accepted(facts: ServiceFacts, nomination: BuddyNomination) -> bool:
    """COV-GRADE: same role (for specialists, same discipline), or a recorded management approval."""
    staff = facts.staff_by_id.get(nomination.staff)
    buddy = facts.staff_by_id.get(nomination.buddy)
    if staff is None or buddy is None:
        return False
    return staff.grade == buddy.grade or nomination.approved_by is not None


def buddy_invalid_reason(facts: ServiceFacts, nomination: BuddyNomination, day: date) -> str | None:
    """Why a nomination in force cannot act as a buddy on `day` (None when it can).

    COV-BUDDY: a nomination is valid only while the buddy is employed and is a practitioner.
    COV-GRADE: a cross-grade buddy acts only with a recorded management approval.
    """
    why = cannot_cover(facts, nomination.buddy, day)
    if why in (CannotCover.UNKNOWN, CannotCover.NOT_EMPLOYED):
        return f"buddy {nomination.buddy} no longer employed"
    if why is CannotCover.NOT_PRACTITIONER:
        return f"buddy {nomination.buddy} is not a practitioner"
    if not grade_accepted(facts, nomination):
        return f"buddy {nomination.buddy} is cross-grade without management approval"
    return None


def buddies_in_force(facts: ServiceFacts, staff_id: str, day: date) -> list[BuddyNomination]:
    return [b for b in facts.buddies_by_staff.get(staff_id, ()) if in_range(day, b.start, b.end)]


def absence_reason(facts: ServiceFacts, staff_id: str, day: date, role: str) -> str | None:
    """Why a person is not present on `day` (None when present)."""
    person = facts.staff_by_id.get(staff_id)
    if person is None or not person.employed_on(day):
        return f"{role} {staff_id} not employed on {day.isoformat()}"
    absence = facts.absence_on(staff_id, day)
    if absence is None:
        return None
    if absence.actual_last_day is not None:
        return f"{role} {staff_id} absent {absence.first_day.isoformat()} to {absence.actual_last_day.isoformat()}"
    return (
        f"{role} {staff_id} absent {absence.first_day.isoformat()} to "
        f"{absence.expected_last_day.isoformat()} (return not recorded)"
    )


def resolve_case(
    facts: ServiceFacts, case_id: str, day: date, known_at: datetime | None = None
) -> tuple[CoverAnswer | None, list[PassedOver]]:
    """Steps 1–5 for one case. Returns (answer, passed over) where answer is None if it falls to duty.

    With `known_at`, only leave sheets submitted by then name cover: what is dated after the moment
    judged is not yet known (docs/interpretations.md), and a sheet never submitted was never sent.
    """
    case = facts.case_by_id[case_id]
    passed: list[PassedOver] = []
    manager = facts.case_manager_on(case_id, day)

    def answer(contact: str, via: Via) -> CoverAnswer:
        return CoverAnswer(case_id, day, contact, via, manager, tuple(passed))

    def try_person(staff_id: str, role: str) -> bool:
        reason = absence_reason(facts, staff_id, day, role)
        if reason is not None:
            passed.append(PassedOver(staff_id, reason))
        return reason is None

    # Step 1: an active temporary reallocation always wins over the case manager.
    for reallocation in facts.reallocations_by_case.get(case_id, ()):
        if in_range(day, reallocation.start, reallocation.end) and try_person(
            reallocation.staff, "reallocated worker"
        ):
            return answer(reallocation.staff, Via.REALLOCATION), passed

    # Step 2: the case manager.
    if manager is None:
        passed.append(PassedOver(None, f"no case manager allocated on {day.isoformat()}"))
    elif try_person(manager, "case manager"):
        return answer(manager, Via.CASE_MANAGER), passed

    # Step 3: the cover named for this case on the absent case manager's leave sheet.
    manager_absence = facts.absence_on(manager, day) if manager else None
    if manager_absence is not None:
        sheet = facts.leave_sheet_by_absence.get(manager_absence.id)
        if sheet and known_at is not None and (sheet.submitted is None or sheet.submitted > known_at):
            sheet = None
        line = next((ln for ln in sheet.lines if ln.case == case_id), None) if sheet else None
        if sheet is None:
            passed.append(PassedOver(None, f"no leave sheet for absence {manager_absence.id}"))
        elif line is None or line.cover is None:
            passed.append(PassedOver(None, f"leave sheet for {manager_absence.id} names no cover for {case_id}"))
        elif try_person(line.cover, "leave sheet cover"):
            return answer(line.cover, Via.LEAVE_SHEET), passed

    # Step 4: the paired worker.
    if case.paired_worker is not None and try_person(case.paired_worker, "paired worker"):
        return answer(case.paired_worker, Via.PAIRED_WORKER), passed

    # Step 5: the case manager's valid buddies, in nominated order. A buddy acts only while the
    # colleague is absent; the case manager was present, we would have returned at step 2.
    if manager is not None:
        nominations = buddies_in_force(facts, manager, day)
        if not nominations:
            passed.append(PassedOver(None, f"case manager {manager} has no buddy in force"))
        for nomination in nominations:
            invalid = buddy_invalid_reason(facts, nomination, day)
            if invalid is not None:
                passed.append(PassedOver(nomination.buddy, invalid))
            elif try_person(nomination.buddy, "buddy"):
                return answer(nomination.buddy, Via.BUDDY), passed
    return None, passed


def resolve_day(
    facts: ServiceFacts, day: date, case_ids: list[str] | None = None, known_at: datetime | None = None
) -> list[CoverAnswer]:
    """The named contact of every case open on `day` (or of `case_ids`), sorted by case id, with the
    leave sheets known at `known_at` (all of them when None; see `resolve_case`).

    Cases that fall to duty are shared among the duty officers present that day, in turn and in
    case order, so that no officer takes more than their share (COV-DUTY-LOAD).
    """
    if case_ids is None:
        key = _resolved_key(facts, day, known_at)
        if key is None:
            return _resolve_day(facts, day, [c.id for c in facts.cases_open_on(day)], known_at)
        answers = facts.kept(
            "resolved_days", key,
            lambda: _resolve_day(facts, day, [c.id for c in facts.cases_open_on(day)], known_at),
            limit=RESOLVED_DAYS_KEPT,
        )
        return list(answers)
    return _resolve_day(facts, day, case_ids, known_at)


# Whole days resolved, kept on the facts object (see _resolved_key): the cover board and the rules'
# cover window ask for the same days of the same facts on every request.
RESOLVED_DAYS_KEPT = 64


def _resolved_key(facts: ServiceFacts, day: date, known_at: datetime | None) -> tuple | None:
    """What a whole day's cover depends on besides the facts: the day, and which leave sheets are
    known at `known_at` (the only use of the moment: resolve_case, step 3), that is how many were
    submitted by then. None when it should not be kept: a moment that is not a plain datetime (the
    watched as-of moment of policy/window.py must see its own comparisons), or one not comparable."""
    if known_at is None:
        return (day, None)
    if type(known_at) is not datetime:
        return None
    try:
        return (day, bisect_right(facts.leave_sheet_submissions, known_at))
    except TypeError:
        return None


def _resolve_day(
    facts: ServiceFacts, day: date, case_ids: list[str], known_at: datetime | None
) -> list[CoverAnswer]:
    answers: list[CoverAnswer] = []
    to_duty: list[tuple[str, list[PassedOver]]] = []
    for case_id in sorted(case_ids):
        resolved, passed = resolve_case(facts, case_id, day, known_at)
        if resolved is None:
            to_duty.append((case_id, passed))
        else:
            answers.append(resolved)
    if to_duty:
        answers.extend(_route_to_duty(facts, day, to_duty))
    answers.sort(key=lambda a: a.case)
    return answers


def _route_to_duty(facts: ServiceFacts, day: date, to_duty) -> list[CoverAnswer]:
    rota = facts.duty_by_day.get(day, [])
    rota_passed = [
        PassedOver(s, reason) for s in rota if (reason := absence_reason(facts, s, day, "duty officer"))
    ]
    officers = [s for s in rota if absence_reason(facts, s, day, "duty officer") is None]
    if not rota:
        rota_passed.append(PassedOver(None, f"no duty officer on the rota for {day.isoformat()}"))
    load: Counter[str] = Counter()
    answers = []
    for case_id, passed in to_duty:
        manager = facts.case_manager_on(case_id, day)
        if not officers:
            answers.append(CoverAnswer(case_id, day, None, Via.NONE, manager, tuple(passed + rota_passed)))
            continue
        officer = min(officers, key=lambda s: (load[s], officers.index(s)))
        load[officer] += 1
        answers.append(CoverAnswer(case_id, day, officer, Via.DUTY, manager, tuple(passed + rota_passed)))
    return answers
