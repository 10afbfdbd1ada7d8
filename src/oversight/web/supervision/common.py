"""What the supervision pages share: the signed-in manager, the service's facts and findings now,
and the supervisee a page is about (someone below the manager in the reporting line, or 404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from django.http import Http404

from oversight.accounts.permissions import local_now, require_identity
from oversight.accounts.selectors import Identity
from oversight.audit import services as audit
from oversight.people.models import Staff
from oversight.policy.facts import MANAGER_ROLES, ServiceFacts, in_range
from oversight.policy.findings import Finding, Judgement
from oversight.store.cache import findings_at
from oversight.store.read import service_facts

_ATTR = "_oversight_supervision_page"


@dataclass
class Page:
    identity: Identity
    now: datetime
    today: date

    @property
    def service(self):
        return self.identity.service

    @property
    def me(self) -> str | None:
        return self.identity.viewer.staff

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.service.timezone)

    @cached_property
    def facts(self) -> ServiceFacts:
        """The whole service, as known today (with casework)."""
        return service_facts(self.service).known_on(self.today)

    @cached_property
    def judgement(self) -> Judgement:
        return Judgement.at(self.facts, self.now)

    @cached_property
    def findings(self) -> list[Finding]:
        # Kept per data revision (store/cache.py): exactly `evaluate(self.facts, self.now)`, since
        # Judgement.at reads the facts as known on the day of `now` either way.
        return findings_at(self.service, self.now)

    @cached_property
    def my_staff(self) -> Staff | None:
        return Staff.objects.filter(service=self.service, ref=self.me).first() if self.me else None

    def is_manager(self) -> bool:
        person = self.facts.staff_by_id.get(self.me) if self.me else None
        return person is not None and person.role in MANAGER_ROLES

    def direct_reports(self) -> list[str]:
        """My supervisees: the people whose line manager I am today, employed today."""
        reports = {
            line.staff
            for line in self.facts.reporting_lines
            if line.manager == self.me and in_range(self.today, line.start, line.end)
        }
        return sorted(
            (s for s in reports if s in self.facts.staff_by_id and self.facts.staff_by_id[s].employed_on(self.today)),
            key=lambda s: (self.facts.staff_by_id[s].name, s),
        )

    def below_me(self, staff_ref: str) -> bool:
        return self.facts.is_above(self.me, staff_ref, self.today)


def page_for(request) -> Page:
    """The page context, made once per request."""
    page = getattr(request, _ATTR, None)
    if page is None:
        identity = require_identity(request)
        now, today = local_now(identity)
        page = Page(identity=identity, now=now, today=today)
        setattr(request, _ATTR, page)
    return page


def supervisee_or_404(request, page: Page, staff_ref: str) -> Staff:
    """The member of staff, if they are below the signed-in manager in the line today; else 404
    (audited as a refusal), so that a guessed identifier reveals nothing."""
    staff = Staff.objects.filter(service=page.service, ref=staff_ref).first()
    if staff is None or not page.below_me(staff_ref):
        audit.record(
            service=page.service, actor=page.identity.label, action="denied", object_type="staff",
            object_ref=staff_ref[:200], summary="Refused: supervision of someone outside my reporting line",
        )
        raise Http404("No such supervisee")
    return staff
