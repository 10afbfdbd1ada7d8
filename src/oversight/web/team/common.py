"""What the team pages share: the signed-in manager and the people below them, and how people,
steps of cover and gaps are worded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.http import Http404
from django.urls import NoReverseMatch, reverse

from oversight.accounts.permissions import cover_facts, local_now, require_identity
from oversight.accounts.selectors import Identity
from oversight.audit import services as audit
from oversight.people.models import Staff
from oversight.policy.access import everyone_below
from oversight.policy.board import Gap
from oversight.policy.calendar import WorkingCalendar
from oversight.policy.catalogue import BY_ID
from oversight.policy.facts import ServiceFacts
from oversight.policy.findings import Status
from oversight.web.casework.display import ROLES, deadline_text, name_of

# The steps of cover resolution, as a board cell words them (short: a cell is narrow).
VIA_SHORT = {
    "reallocation": "reallocated",
    "case_manager": "case manager",
    "leave_sheet": "leave sheet",
    "paired_worker": "paired worker",
    "buddy": "buddy",
    "duty": "duty",
    "none": "nobody",
}
GAP_TEXT = {
    Gap.NO_CONTACT: "No contact",
    Gap.DUTY_OVERLOAD: "Duty overloaded",
    Gap.BUDDY_ABSENT: "Buddy away too",
    Gap.DUTY: "Falls to duty",
}
GAP_COLOUR = {Gap.NO_CONTACT: "red", Gap.DUTY_OVERLOAD: "orange", Gap.BUDDY_ABSENT: "orange", Gap.DUTY: "orange"}
GAP_MEANING = {
    Gap.NO_CONTACT: "A case has nobody to go to that day: no cover, buddy or duty officer is available.",
    Gap.DUTY_OVERLOAD: "A case falls to a duty officer who holds more cases that day than the service allows.",
    Gap.BUDDY_ABSENT: "A case falls to duty or to nobody because the case manager’s buddies are away too.",
    Gap.LEAVE_SHEET: "Planned leave has no leave sheet in order, or the line manager has not confirmed cover for "
    "an unplanned absence.",
    Gap.DUTY: "A case falls to the duty officer: allowed, but it counts against the duty system.",
}


@dataclass(frozen=True)
class Manager:
    """The signed-in manager, today, and the people below them in the reporting line today."""

    identity: Identity
    now: datetime
    today: date
    facts: ServiceFacts
    staff: Staff
    people: tuple[str, ...]  # by name

    @property
    def me(self) -> str:
        return self.staff.ref

    @property
    def calendar(self) -> WorkingCalendar:
        service = self.identity.service
        return WorkingCalendar(service.holidays, service.timezone, self.facts.settings.closure_days)

    def label(self, staff_id: str | None) -> str:
        return person_label(self.facts, staff_id)

    def refuse(self, object_type: str, ref: str) -> Http404:
        """Audit a refusal of something outside the manager's line; the caller raises the 404."""
        audit.record(
            service=self.identity.service, actor=self.identity.label, action="denied", object_type=object_type,
            object_ref=ref[:200], summary=f"Refused: {object_type} outside the line of management",
        )
        return Http404("Not found")


def manager_for(request) -> Manager:
    identity = require_identity(request)
    now, today = local_now(identity)
    facts = cover_facts(request, identity)
    staff = Staff.objects.get(service=identity.service, ref=identity.viewer.staff)
    below = everyone_below(facts, staff.ref, today)
    people = tuple(sorted(below, key=lambda s: (name_of(facts, s), s)))
    return Manager(identity=identity, now=now, today=today, facts=facts, staff=staff, people=people)


def person_label(facts: ServiceFacts, staff_id: str | None) -> str:
    """'Asha Khan (youth justice officer)'."""
    if staff_id is None:
        return "Nobody"
    person = facts.staff_by_id.get(staff_id)
    if person is None:
        return staff_id
    role = ROLES.get(person.role, person.role).lower()
    if person.role == "specialist" and person.discipline:
        role = f"{person.discipline} specialist"
    return f"{person.name} ({role})"


def case_url(ref: str) -> str:
    """The child's file (built by the casework pages)."""
    try:
        return reverse("web:case", args=[ref])
    except NoReverseMatch:
        return f"/cases/{ref}/"


def short_day(day: date) -> str:
    """'Mon 23 Nov', for a column heading."""
    return f"{day:%a} {day.day} {day:%b}"


STATUS_ORDER = (Status.BREACH, Status.DUE, Status.WARNING)


def _leave_sheet_tag(m: Manager, cell) -> dict:
    """The leave-sheet gap of an absent person, worded from what is recorded."""
    absence = cell.absence
    worst = min((STATUS_ORDER.index(f.status) for f in cell.findings if f.rule == "COV-LEAVE-SHEET"), default=0)
    if absence.planned:
        sheet = m.facts.leave_sheet_by_absence.get(absence.id)
        sent = sheet is not None and sheet.submitted is not None and sheet.submitted <= m.now
        text = "Leave sheet incomplete" if sent else "No leave sheet"
    else:
        confirmed = bool(m.facts.cover_confirmations_by_absence.get(absence.id))
        text = "Cover confirmed late" if confirmed else "Cover not confirmed"
    return {"text": text, "colour": "red" if STATUS_ORDER[worst] is Status.BREACH else "yellow"}


def gap_tags(m: Manager, cell) -> list[dict]:
    tags = []
    for gap in cell.gaps:
        if gap is Gap.LEAVE_SHEET:
            tags.append(_leave_sheet_tag(m, cell))
        else:
            tags.append({"text": GAP_TEXT[gap], "colour": GAP_COLOUR[gap]})
    return tags


# Where a manager puts a finding right, from the team pages.
FIX_PAGES = {
    "COV-GRADE": ("web:team-buddies", "Approve cross-grade buddies"),
    "COV-REALLOCATE": ("web:team-reallocate", "Reallocate cases temporarily"),
}


def finding_row(m: Manager, finding) -> dict:
    rule = BY_ID.get(finding.rule)
    fix = FIX_PAGES.get(finding.rule)
    return {
        "rule": finding.rule, "title": rule.title if rule else finding.rule, "status": str(finding.status),
        "detail": finding.detail, "due": deadline_text(finding.due, m.calendar.tz),
        "case_href": case_url(finding.case) if finding.case else None, "case": finding.case,
        "fix_href": reverse(fix[0]) if fix else None, "fix_text": fix[1] if fix else "",
    }


def passed_over_text(m: Manager, passed) -> str:
    """A step passed over, led by the person's name when it names one."""
    if passed.staff is None:
        return passed.reason[:1].upper() + passed.reason[1:]
    return f"{name_of(m.facts, passed.staff)}: {passed.reason}"
