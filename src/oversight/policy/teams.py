"""Teams, as the reporting line makes them: a team is a team manager and everyone below them.

The exchange format has no team table. A person's team on a day is the nearest team manager at or
above them in the reporting line that day (a team manager is in their own team); people with no
team manager above them (senior managers, a service run without team managers) have none.
Reports that are split "per team" (Stat Wednesday) use the team manager's identifier as the team's.
"""

from __future__ import annotations

from datetime import date

from oversight.policy.access import Viewer, senior_or_above
from oversight.policy.facts import ServiceFacts

TEAM_MANAGER = "team_manager"
NO_TEAM = "none"  # the identifier of the lines whose owner has no team manager above them


def team_of(facts: ServiceFacts, staff_id: str | None, day: date) -> str | None:
    """The team manager of the person's team on `day`, or None."""
    if staff_id is None:
        return None
    for person in (staff_id, *facts.managers_above(staff_id, day)):
        found = facts.staff_by_id.get(person)
        if found is not None and found.role == TEAM_MANAGER:
            return person
    return None


def may_see_team_report(facts: ServiceFacts, viewer: Viewer, team: str, day: date) -> bool:
    """A team's report is for the team's manager and those above them, senior managers and the
    performance team. The whole-service report (team "all") only for the last two."""
    if viewer.performance:
        return True
    return senior_or_above(facts, viewer, None if team in ("all", NO_TEAM) else team, day)


def team_of_finding(facts: ServiceFacts, finding, day: date) -> str | None:
    """The team a finding belongs to: its subject's when the subject is a person, else the team of the
    case's case manager on the day (or its last one)."""
    if finding.subject in facts.staff_by_id:
        return team_of(facts, finding.subject, day)
    case = finding.case or finding.subject
    manager = facts.case_manager_on(case, day)
    if manager is None:
        allocations = facts.allocations_by_case.get(case, ())
        manager = allocations[-1].staff if allocations else None
    return team_of(facts, manager, day) if manager else None
