"""A person's buddy nominations as they stand on a day (buddy policy): in their order, whether each
needs management approval (COV-GRADE) and has it, and whether the buddy can act that day (COV-BUDDY)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from oversight.policy.cover import buddies_in_force, buddy_invalid_reason
from oversight.policy.facts import BuddyNomination, ServiceFacts


@dataclass(frozen=True, slots=True)
class NominationState:
    nomination: BuddyNomination
    position: int  # 1 = asked first
    needs_approval: bool  # COV-GRADE: a different role (for specialists, discipline) needs approval
    approved: bool
    cannot_act: str | None  # why this buddy cannot act on the day (None: they can)


def nomination_states(facts: ServiceFacts, staff_id: str, day: date) -> list[NominationState]:
    me = facts.staff_by_id.get(staff_id)
    states = []
    for position, nomination in enumerate(buddies_in_force(facts, staff_id, day), start=1):
        buddy = facts.staff_by_id.get(nomination.buddy)
        needs = me is None or buddy is None or me.grade != buddy.grade
        states.append(NominationState(
            nomination=nomination,
            position=position,
            needs_approval=needs,
            approved=nomination.approved_by is not None,
            cannot_act=buddy_invalid_reason(facts, nomination, day),
        ))
    return states


def buddy_for(facts: ServiceFacts, staff_id: str, day: date) -> list[BuddyNomination]:
    """The colleagues who have nominated this person as a buddy, in force on the day."""
    return sorted(
        (n for n in facts.buddies if n.buddy == staff_id and n.start <= day and (n.end is None or day <= n.end)),
        key=lambda n: (n.staff, n.rank),
    )
