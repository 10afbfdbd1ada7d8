"""Reading the records on a child's file: discussions at formal supervision and oversight events,
with their text and every amendment (the original always kept). For the child's file page, the
amend page and the API.

Records are named in URLs by kind and identifier: ("discussion", session ref) together with the
case, or ("event", event ref).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch

from oversight.dataprotection.models import Anonymisation
from oversight.people.models import Case, Service
from oversight.policy.access import CaseAccess, Viewer, may_write_records
from oversight.policy.facts import ServiceFacts
from oversight.supervision.models import Discussion, OversightEvent, RecordAmendment

RECORD_KINDS = ("discussion", "event")
EVENT_TITLES = {"management_decision": "Management decision", "marp": "MARP outcome", "audit": "Case audit"}


@dataclass(frozen=True)
class AmendmentView:
    text: str
    reason: str
    by: str  # name
    by_ref: str
    at: datetime


@dataclass(frozen=True)
class RecordView:
    kind: str  # "discussion" or "event"
    ident: str  # the session's ref (discussion) or the event's ref
    case: str
    title: str  # "Formal supervision SV00012" / "Management decision M0003"
    held: datetime
    held_by: str  # the manager who held it (name)
    held_by_ref: str
    significant: bool
    depth: str | None  # discussions only
    notes: str  # the original text ("" when written elsewhere, or not yet written)
    recorded: datetime | None
    recorded_by: str | None  # name
    amendments: tuple[AmendmentView, ...]

    @property
    def on_file(self) -> bool:
        return self.recorded is not None

    @property
    def current_text(self) -> str:
        """What the record says now: the latest amendment's text, else the original."""
        return self.amendments[-1].text if self.amendments else self.notes


def record_for(service: Service, case: Case, kind: str, ident: str) -> Discussion | OversightEvent | None:
    """The discussion of `case` at the formal session `ident`, or the oversight event `ident` on it."""
    if kind == "discussion":
        return (
            Discussion.objects.filter(service=service, case=case, supervision__ref=ident, supervision__kind="formal")
            .select_related("supervision__supervisor", "supervision__supervisee", "recorded_by", "case")
            .first()
        )
    if kind == "event":
        return (
            OversightEvent.objects.filter(service=service, case=case, ref=ident)
            .select_related("by", "recorded_by", "case")
            .first()
        )
    return None


def _amendments(record) -> tuple[AmendmentView, ...]:
    return tuple(
        AmendmentView(text=a.text, reason=a.reason, by=a.by.name, by_ref=a.by.ref, at=a.at)
        for a in record.amendments.all()
    )


def view_of(record: Discussion | OversightEvent) -> RecordView:
    if isinstance(record, Discussion):
        session = record.supervision
        return RecordView(
            kind="discussion", ident=session.ref, case=record.case.ref,
            title=f"Formal supervision {session.ref}", held=session.held, held_by=session.supervisor.name,
            held_by_ref=session.supervisor.ref, significant=record.significant, depth=record.depth,
            notes=record.notes, recorded=record.recorded,
            recorded_by=record.recorded_by.name if record.recorded_by_id else None,
            amendments=_amendments(record),
        )
    return RecordView(
        kind="event", ident=record.ref, case=record.case.ref,
        title=f"{EVENT_TITLES.get(record.kind, record.kind)} {record.ref}", held=record.held, held_by=record.by.name,
        held_by_ref=record.by.ref, significant=record.significant, depth=None, notes=record.notes,
        recorded=record.recorded, recorded_by=record.recorded_by.name if record.recorded_by_id else None,
        amendments=_amendments(record),
    )


def case_records(service: Service, case: Case) -> list[RecordView]:
    """Every record the child's file needs (formal supervision discussions and oversight events),
    newest first, with their amendments in order."""
    amendments = Prefetch("amendments", queryset=RecordAmendment.objects.select_related("by").order_by("at", "id"))
    discussions = (
        Discussion.objects.filter(service=service, case=case, supervision__kind="formal")
        .select_related("supervision__supervisor", "recorded_by", "case")
        .prefetch_related(amendments)
    )
    events = (
        OversightEvent.objects.filter(service=service, case=case)
        .select_related("by", "recorded_by", "case")
        .prefetch_related(amendments)
    )
    views = [view_of(d) for d in discussions] + [view_of(e) for e in events]
    return sorted(views, key=lambda v: (v.held, v.ident), reverse=True)


def anonymisation_of(service: Service, case_ref: str) -> Anonymisation | None:
    """The case's anonymisation, once retention has disposed of its file: a record may be written on
    a closed case (decision 0004), but nothing is written on an anonymised file again
    (services.why_no_more_records)."""
    return Anonymisation.objects.filter(service=service, case__ref=case_ref).first()


def anonymised_cases(service: Service, case_refs: set[str]) -> set[str]:
    """Which of the cases retention has anonymised: their files take no more records."""
    return set(Anonymisation.objects.filter(service=service, case__ref__in=sorted(case_refs))
               .values_list("case__ref", flat=True))


def record_writer(service: Service, facts: ServiceFacts, viewer: Viewer,
                  case_refs: Iterable[str]) -> Callable[[str, CaseAccess], bool]:
    """Whether the viewer writes records now on the file of each of `case_refs`, given their access
    to that case: who they are to the case (policy.access.may_write_records) and the file not
    anonymised by retention (services.why_no_more_records). The anonymised files among them are
    read in one query. What the child's file, the home page's links and the API's `writes_records`
    all tell, so that none offers what writing would refuse."""
    looked_up = set(case_refs)
    anonymised = anonymised_cases(service, looked_up)

    def writes(case_ref: str, access: CaseAccess) -> bool:
        if case_ref not in looked_up:  # not named beforehand: looked up now, never assumed whole
            looked_up.add(case_ref)
            anonymised.update(anonymised_cases(service, {case_ref}))
        return case_ref not in anonymised and may_write_records(facts, viewer, access)

    return writes
