"""The generated world as `ServiceFacts`, without going through an exchange document.

`parse_document(to_document(world))` gives the same facts (tests/unit/demo prove it); this is the
short way for the region and national data sets, where writing and re-reading millions of records
as JSON-shaped dictionaries would cost more than generating them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from oversight.demo.world import World
from oversight.policy import facts as f
from oversight.policy.settings import PolicySettings

LONDON = ZoneInfo("Europe/London")


def _utc(moment: datetime | None) -> datetime | None:
    """A local time of the service, held in UTC as the exchange reader holds it."""
    return None if moment is None else moment.replace(tzinfo=LONDON).astimezone(UTC)


def facts_from_world(world: World, name: str) -> f.ServiceFacts:
    sessions = []
    for s in world.sessions:
        discussions = tuple(
            f.Discussion(
                d.case.id, d.depth, d.significant, _utc(d.recorded), d.recorded_by,
                tuple(f.Action(a.id, a.text, a.owner, a.due, a.done, a.reason_not_done) for a in d.actions),
            )
            for d in s.discussions
        )
        sessions.append(
            f.Supervision(s.id, s.kind, s.supervisor, tuple(s.supervisees), _utc(s.held), s.minutes, discussions)
        )
    return f.ServiceFacts(
        service=f.Service(world.service_id, name, "Europe/London", "england-and-wales", PolicySettings()),
        staff=tuple(
            f.Staff(p.id, p.name, p.role, p.start, p.end, p.discipline, p.employment, p.email) for p in world.staff
        ),
        reporting_lines=tuple(f.ReportingLine(ln.staff, ln.manager, ln.start, ln.end) for ln in world.lines),
        cases=tuple(
            f.Case(c.id, c.name, c.order_type, c.risk, c.opened, c.closed, c.date_of_birth, c.paired_worker)
            for c in world.cases
        ),
        allocations=tuple(f.Allocation(a.case.id, a.staff, a.start, a.end) for a in world.allocations),
        buddies=tuple(
            f.BuddyNomination(n.staff, n.buddy, n.rank, n.start, n.end, n.approved_by) for n in world.buddies
        ),
        absences=tuple(
            f.Absence(a.id, a.staff, a.kind, a.planned, a.first_day, a.expected_last_day, a.actual_last_day)
            for a in world.absences
        ),
        leave_sheets=tuple(
            f.LeaveSheet(
                a.id, _utc(a.sheet.submitted), a.sheet.submitted_to,
                tuple(f.LeaveSheetLine(ln.case.id, ln.cover, ln.informed, ln.notes) for ln in a.sheet.lines),
            )
            for a in world.absences
            if a.sheet
        ),
        cover_confirmations=tuple(
            f.CoverConfirmation(a.id, _utc(a.confirmation.confirmed), a.confirmation.by)
            for a in world.absences
            if a.confirmation
        ),
        reallocations=tuple(f.Reallocation(r.case.id, r.staff, r.start, r.end, r.by) for r in world.reallocations),
        duty_rota=tuple(f.DutyShift(day, staff) for day, staff in world.rota),
        supervisions=tuple(sessions),
        gap_records=tuple(f.GapRecord(g.staff, g.month, _utc(g.recorded), g.by) for g in world.gap_records),
        frequency_overrides=tuple(
            f.FrequencyOverride(o.staff, o.every_days, o.start, o.end) for o in world.overrides
        ),
        oversight_events=tuple(
            f.OversightEvent(
                e.id, e.case.id, e.kind, _utc(e.held), e.by, e.significant, _utc(e.recorded), e.recorded_by
            )
            for e in world.events
        ),
        contacts=tuple(f.Contact(c.id, day, kind) for c, day, kind in world.contacts),
        milestones=tuple(f.Milestone(c.id, kind, due, done) for c, kind, due, done in world.milestones),
    )
