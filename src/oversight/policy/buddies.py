"""Buddy nominations (buddy policy): COV-BUDDY and COV-GRADE."""

from __future__ import annotations

from collections.abc import Iterator

from oversight.policy.cover import buddies_in_force, buddy_invalid_reason, grade_accepted
from oversight.policy.findings import Finding, Judgement, Status


def check(j: Judgement) -> Iterator[Finding]:
    facts, today = j.facts, j.today
    for person in sorted(facts.staff, key=lambda s: s.id):
        if not person.employed_on(today):
            continue
        nominations = buddies_in_force(facts, person.id, today)
        # COV-BUDDY: "All practitioners must nominate a colleague to act as a 'buddy'", judged for
        # case-holding practitioners on the as-of day. Validity here is employment and role;
        # grade is COV-GRADE's concern, so that one mistake gives one finding.
        # RULES.md: a case-holding practitioner is anyone holding an open case that day, whatever
        # their role, so a deputy team manager who holds cases needs a buddy too.
        if facts.is_case_holding(person.id, today):
            valid = [
                n
                for n in nominations
                if (reason := buddy_invalid_reason(facts, n, today)) is None or "cross-grade" in reason
            ]
            if not valid:
                yield Finding(
                    rule="COV-BUDDY",
                    status=Status.BREACH,
                    subject=person.id,
                    detail=(
                        f"{j.names(person.id)} holds {len(facts.open_cases_of(person.id, today))} open "
                        "cases but has no valid buddy nominated: nominate an employed practitioner."
                    ),
                )
        # COV-GRADE: YJOs buddy with YJOs, support officers with support officers; any other
        # pairing needs a recorded management approval.
        for nomination in nominations:
            buddy = facts.staff_by_id.get(nomination.buddy)
            if buddy is None or grade_accepted(facts, nomination):
                continue
            yield Finding(
                rule="COV-GRADE",
                status=Status.BREACH,
                subject=person.id,
                detail=(
                    f"{j.names(person.id)} ({_grade(person)}) has {j.names(buddy.id)} ({_grade(buddy)}) "
                    "as a buddy without management approval: approve the pairing or nominate "
                    "someone of the same grade."
                ),
            )


def _grade(person) -> str:
    role = person.role.replace("_", " ")
    return f"{person.discipline} {role}" if person.role == "specialist" and person.discipline else role
