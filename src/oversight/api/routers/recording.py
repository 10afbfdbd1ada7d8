"""The writes the pages offer, through the pages' own services and with the pages' permission checks:
a formal supervision session for a whole caseload, a gap in supervision, a management decision (MARP
outcome, case audit), writing and amending a record on the child's file, confirming cover for an
unplanned absence and reallocating cases temporarily.

The rules are the services' (oversight.supervision.services, oversight.cover.services_team): their
ValidationError is a 422 naming the field. Who may act is decided as on the pages: a supervisee must
be below the manager in the line (web.supervision.common), an absence must be of someone below them
(web.team.common), a child's case goes through `case_for` (404 and audited when refused). Where a
page carries a snapshot of what the person saw (previous actions, a record not yet written), the API
carries it as `version`, and a stale one is refused with 409 and what changed.
"""

from typing import Literal

from django.db import transaction
from django.db.models import Prefetch, Q
from ninja import Field, Router, Schema, Status

from oversight.accounts.permissions import case_for, page_policy
from oversight.api.common import IsoDate, identity, parse_moment, responses
from oversight.api.errors import ApiError
from oversight.api.routers import work
from oversight.api.schemas import (
    CaseRecordOut,
    CoverConfirmationOut,
    EventKind,
    GapRecordOut,
    OversightEventOut,
    PreparationOut,
    ReallocationsOut,
    SupervisionOut,
)
from oversight.audit import services as audit
from oversight.cover.models import Absence
from oversight.cover.services_team import cover_confirm, reallocation_create
from oversight.people.models import Case, Staff
from oversight.policy.facts import DEPTHS
from oversight.policy.preparation import cases_to_discuss, open_actions, preparation_pack, reallocated_to
from oversight.store.versions import StaleEdit, check_unchanged, snapshot
from oversight.supervision import services
from oversight.supervision.models import Action, Discussion, OversightEvent, Supervision
from oversight.supervision.selectors import record_for, view_of
from oversight.web.supervision.common import page_for, supervisee_or_404
from oversight.web.supervision.records import RECORD_FIELDS
from oversight.web.team.common import manager_for

router = Router(tags=["recording"])
Depth = Literal[DEPTHS]
RecordKind = Literal["discussion", "event"]
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
HELD = "ISO 8601 moment it took place (local time of the service without an offset)"
SIGNIFICANT = "A significant case decision or urgent matter (the record is due within 24 hours)"


def _actor(who) -> str:
    return f"{who.label} (API)"


def _moment_required(text: str, who, name: str):
    if not text.strip():
        raise ApiError(422, f"Enter {name}: an ISO 8601 moment, for example 2026-02-18T10:00", {name: "required"})
    return parse_moment(text, who, name=name)


def _restamp(stale: StaleEdit, what: str) -> StaleEdit:
    """The same refusal, its fields named after the thing that changed ("action AC000012 done")."""
    return StaleEdit({f"{what} {name}": values for name, values in stale.changed.items()} or {what: (None, None)})


# -- a formal supervision session for a whole caseload --------------------------------------------


@router.get("/supervisees/{ref}/preparation", response=responses(PreparationOut),
            summary="What a formal session with this supervisee must cover: their cases and open actions")
@page_policy("manager")
def supervisee_preparation(request, ref: str):
    page = page_for(request)
    staff = supervisee_or_404(request, page, ref)
    pack = preparation_pack(page.facts, staff.ref, page.now, page.findings)
    audit.record(
        service=page.service, actor=_actor(page.identity), action="view", object_type="supervision_pack",
        object_ref=staff.ref, basis="line manager",
        summary=f"{page.identity.username} prepared the supervision of {staff.ref} through the API",
        details={"cases": [p.case.id for p in pack]},
    )
    previous = open_actions(page.facts, page.now, cases=[p.case.id for p in pack], supervisee=staff.ref)
    models = {a.ref: a for a in Action.objects.filter(service=page.service, ref__in=[a.id for a in previous])}
    return {
        "supervisee": staff.ref, "name": staff.name,
        "cases": [
            {"case": p.case.id, "name": p.case.name, "risk": p.case.risk, "reallocated": p.reallocated,
             "in_depth_suggested": p.suggestion.in_depth, "reasons": list(p.suggestion.reasons)}
            for p in pack
        ],
        "previous_actions": [
            {"id": a.id, "case": a.case, "session": a.session, "text": a.text, "owner": a.owner, "due": a.due,
             "overdue": a.overdue, "version": work._version(snapshot(models[a.id], fields=services.ACTION_FIELDS))}
            for a in previous if a.id in models
        ],
    }


class NewActionIn(Schema):
    text: str = Field(min_length=1, max_length=2000, description="What is to be done")
    owner: str | None = Field(None, max_length=64, description="The supervisee (the default) or you")
    due: IsoDate | None = None


class DiscussionIn(Schema):
    case: str = Field(max_length=64)
    depth: Depth = Field(description="in_depth when on the agreed agenda, otherwise check_in")
    notes: str = Field("", max_length=50_000, description="The record for the child's file; empty: written later")
    significant: bool = Field(False, description=SIGNIFICANT)
    actions: list[NewActionIn] = Field([], max_length=50)


class PreviousActionIn(Schema):
    action: str = Field(max_length=64)
    outcome: Literal[services.OUTCOMES] = Field(
        description="done, not_done (give the reason) or open (carried forward)")
    reason: str = Field("", max_length=4000)
    version: str = Field(max_length=10_000, description="The action's `version` from the preparation")


class SessionIn(Schema):
    supervisee: str = Field(max_length=64)
    held: str = Field(max_length=40, description=HELD)
    minutes: int | None = Field(None, ge=1, le=600, description="How long it took")
    discussions: list[DiscussionIn] = Field(max_length=500, description="One per case: every open case (SUP-CASE)")
    previous_actions: list[PreviousActionIn] = Field([], max_length=500)


def _session_out(session: Supervision) -> dict:
    session = (
        Supervision.objects.filter(pk=session.pk).select_related("supervisor", "supervisee").prefetch_related(
            "participants",
            Prefetch("discussions",
                     queryset=Discussion.objects.select_related("case", "recorded_by").order_by("case__ref")),
            Prefetch("discussions__actions", queryset=Action.objects.select_related("owner").order_by("ref")),
        ).get()
    )
    return work._supervision_item(session)


# POST /supervisions shares its path with the list (GET) in work.py: one ninja path, one router.
@work.router.post("/supervisions", response=responses(SupervisionOut, 409, status=201),
                  summary="Record a formal one-to-one for the supervisee's whole caseload (managers, own line)")
@page_policy("manager")
def supervision_create(request, body: SessionIn):
    page = page_for(request)
    staff = supervisee_or_404(request, page, body.supervisee)
    held = _moment_required(body.held, page.identity, "held")
    refs = [d.case for d in body.discussions]
    cases = {c.ref: c for c in Case.objects.filter(service=page.service, ref__in=refs)}
    unknown = [ref for ref in refs if ref not in cases]
    if unknown:
        raise ApiError(422, f"No case {', '.join(unknown)} in this service.", {"cases": "unknown case"})
    me = page.my_staff
    owners = {staff.ref: staff, me.ref: me}
    strangers = sorted({a.owner for d in body.discussions for a in d.actions if a.owner and a.owner not in owners})
    if strangers:
        raise ApiError(422, f"An action is owned by the supervisee ({staff.ref}) or by you ({me.ref}), "
                       f"not {', '.join(strangers)}.", {"actions": "owner must be the supervisee or you"})
    discussions = [
        services.CaseDiscussion(
            case=cases[d.case], depth=d.depth, notes=d.notes, significant=d.significant,
            actions=tuple(services.NewAction(text=a.text, owner=owners[a.owner or staff.ref], due=a.due)
                          for a in d.actions),
        )
        for d in body.discussions
    ]
    # The actions the page offers are those still open on the supervisee's cases of today or agreed
    # at their own sessions. Whether one is still open is the service's to say (422), after a stale
    # version (409); an action outside that scope is refused before anything about it is said.
    today = cases_to_discuss(page.facts, staff.ref, page.today) + reallocated_to(page.facts, staff.ref, page.today)
    wanted = [u.action for u in body.previous_actions]
    models = {a.ref: a for a in Action.objects.filter(service=page.service, ref__in=wanted).filter(
        Q(discussion__case__ref__in=today)
        | Q(discussion__supervision__kind="formal", discussion__supervision__supervisee=staff))}
    outside = [ref for ref in wanted if ref not in models]
    if outside:
        raise ApiError(422, f"No action {', '.join(outside)} on {staff.name}'s cases or agreed at their supervision.",
                       {"previous_actions": "not an action of this supervisee"})
    updates = [
        services.ActionUpdate(action=models[u.action], outcome=u.outcome, reason=u.reason, seen=work._seen(u.version))
        for u in body.previous_actions
    ]
    with transaction.atomic():
        for update in updates:
            if update.outcome == "open":
                continue  # carried forward: nothing is written to it
            # The page reports a stale action as a message; the API says what changed (409).
            try:
                check_unchanged(Action, update.action.pk, update.seen, fields=services.ACTION_FIELDS)
            except StaleEdit as stale:
                raise _restamp(stale, f"action {update.action.ref}") from None
        session = services.session_record(
            service=page.service, supervisor=me, supervisee=staff, held=held, minutes=body.minutes,
            discussions=discussions, action_updates=updates, actor=_actor(page.identity),
        )
    return Status(201, _session_out(session))


# -- a gap in supervision through leave -----------------------------------------------------------


class GapIn(Schema):
    staff: str = Field(max_length=64, description="Your supervisee")
    month: str = Field(pattern=MONTH_PATTERN, description="The month without formal supervision, YYYY-MM")


@router.post("/gap-records", response=responses(GapRecordOut, status=201),
             summary="Record a gap in supervision through leave (SUP-GAP; managers, own line)")
@page_policy("manager")
def gap_record_create(request, body: GapIn):
    page = page_for(request)
    staff = supervisee_or_404(request, page, body.staff)
    record = services.gap_record_create(service=page.service, staff=staff, month=body.month, by=page.my_staff,
                                        actor=_actor(page.identity))
    return Status(201, {"staff": staff.ref, "month": record.month, "recorded": record.recorded, "by": record.by.ref})


# -- management decisions, MARP outcomes, case audits ---------------------------------------------


class OversightEventIn(Schema):
    case: str = Field(max_length=64)
    kind: EventKind
    held: str = Field(max_length=40, description=HELD)
    significant: bool = Field(False, description=SIGNIFICANT)
    notes: str = Field("", max_length=50_000, description="The record for the child's file; empty: written later")


def event_item(e: OversightEvent) -> dict:
    return {"id": e.ref, "case": e.case.ref, "kind": e.kind, "held": e.held, "by": e.by.ref,
            "significant": e.significant, "recorded": e.recorded,
            "recorded_by": e.recorded_by.ref if e.recorded_by_id else None}


# POST /oversight-events shares its path with the list (GET) in work.py.
@work.router.post("/oversight-events", response=responses(OversightEventOut, status=201),
                  summary="Record a management decision, MARP outcome or case audit on a case you may act on "
                          "(managers)")
@page_policy("manager")
def oversight_event_create(request, body: OversightEventIn):
    who = identity(request)
    held = _moment_required(body.held, who, "held")
    case, _ = case_for(request, body.case, act=True, purpose="recorded management oversight through the API")
    event = services.oversight_event_record(
        service=who.service, case=case, kind=body.kind, held=held, significant=body.significant, notes=body.notes,
        by=Staff.objects.get(service=who.service, ref=who.viewer.staff), actor=_actor(who),
    )
    return Status(201, event_item(event))


# -- the record on the child's file ---------------------------------------------------------------


def _record(request, ref: str, kind: str, ident: str, *, write: bool):
    purpose = ("wrote or amended a record on the child's file through the API" if write
               else "read a record on the child's file through the API")
    case, _ = case_for(request, ref, records=write, purpose=purpose)
    record = record_for(identity(request).service, case, kind, ident)
    if record is None:
        raise ApiError(404, "Not found: there is nothing here you may see.")
    return record


def _record_out(record) -> dict:
    """The record as it is now on the file (read afresh: it may just have been written or amended)."""
    kind = "discussion" if isinstance(record, Discussion) else "event"
    ident = record.supervision.ref if kind == "discussion" else record.ref
    record = record_for(record.service, record.case, kind, ident)
    view = view_of(record)
    return {
        "kind": view.kind, "id": view.ident, "case": view.case, "title": view.title, "held": view.held,
        "held_by": view.held_by_ref, "significant": view.significant, "depth": view.depth, "text": view.notes,
        "current_text": view.current_text, "recorded": view.recorded,
        "recorded_by": record.recorded_by.ref if record.recorded_by_id else None,
        "amendments": [{"text": a.text, "reason": a.reason, "by": a.by_ref, "at": a.at} for a in view.amendments],
        "version": work._version(snapshot(record, fields=RECORD_FIELDS)),
    }


RECORD_PATH = "/cases/{ref}/records/{kind}/{ident}"


@router.get(RECORD_PATH, response=responses(CaseRecordOut),
            summary="A record on the child's file: the original, every amendment, and its `version`")
@page_policy("case")
def record_get(request, ref: str, kind: RecordKind, ident: str):
    return _record_out(_record(request, ref, kind, ident, write=False))


class RecordWriteIn(Schema):
    text: str = Field(min_length=1, max_length=50_000, description="The record for the child's file")
    version: str = Field(max_length=10_000, description="The record's `version` from GET: a stale one is refused (409)")


def _me(request) -> Staff:
    who = identity(request)
    return Staff.objects.get(service=who.service, ref=who.viewer.staff)


@router.put(RECORD_PATH, response=responses(CaseRecordOut, 409),
            summary="Write the record of a discussion or decision that has none yet (managers)")
@page_policy("manager")
def record_write(request, ref: str, kind: RecordKind, ident: str, body: RecordWriteIn):
    record = _record(request, ref, kind, ident, write=True)
    who = identity(request)
    seen = work._seen(body.version)
    target = {"discussion": record} if isinstance(record, Discussion) else {"oversight_event": record}
    with transaction.atomic():
        try:
            check_unchanged(type(record), record.pk, seen, fields=RECORD_FIELDS)
        except StaleEdit as stale:
            raise _restamp(stale, "the record") from None
        services.record_write(service=who.service, text=body.text, by=_me(request), actor=_actor(who), seen=seen,
                              **target)
    return _record_out(record)


class AmendmentIn(Schema):
    text: str = Field(min_length=1, max_length=50_000, description="What the record should now say")
    reason: str = Field(min_length=1, max_length=4000, description="Why it is amended")


@router.post(RECORD_PATH + "/amendments", response=responses(CaseRecordOut, status=201),
             summary="Amend a record on the file: the original is kept, with what it now says and why (managers)")
@page_policy("manager")
def record_amend(request, ref: str, kind: RecordKind, ident: str, body: AmendmentIn):
    record = _record(request, ref, kind, ident, write=True)
    who = identity(request)
    target = {"discussion": record} if isinstance(record, Discussion) else {"oversight_event": record}
    services.record_amend(service=who.service, text=body.text, reason=body.reason, by=_me(request),
                          actor=_actor(who), **target)
    return Status(201, _record_out(record))


# -- cover decisions of a line manager ------------------------------------------------------------


@router.post("/absences/{ref}/cover-confirmation", response=responses(CoverConfirmationOut, status=201),
             summary="Confirm cover for an unplanned absence in your line (COV-LEAVE-SHEET; managers)")
@page_policy("manager")
def cover_confirmation_create(request, ref: str):
    m = manager_for(request)
    absence = Absence.objects.filter(service=m.identity.service, ref=ref).select_related("staff").first()
    if absence is None or absence.staff.ref not in m.people:
        raise m.refuse("absence", ref)
    confirmation = cover_confirm(absence=absence, by=m.staff, actor=_actor(m.identity), at=m.now)
    return Status(201, {"absence": absence.ref, "staff": absence.staff.ref, "confirmed": confirmation.confirmed,
                        "by": m.staff.ref})


class ReallocationIn(Schema):
    cases: list[str] = Field(min_length=1, max_length=500, description="Open cases of your line")
    staff: str = Field(max_length=64, description="Who holds them meanwhile")
    start: IsoDate = Field(description="First day (today or later)")
    end: IsoDate = Field(description="Last day (included)")


@router.post("/reallocations", response=responses(ReallocationsOut, status=201),
             summary="Reallocate one or many cases of your line temporarily, to a last day (managers)")
@page_policy("manager")
def reallocation_new(request, body: ReallocationIn):
    m = manager_for(request)
    refs = list(dict.fromkeys(body.cases))
    cases = [case_for(request, ref, act=True, purpose="reallocated the case through the API")[0] for ref in refs]
    worker = Staff.objects.filter(service=m.identity.service, ref=body.staff).first()
    if worker is None:
        raise ApiError(422, f"No member of staff {body.staff} in this service.", {"staff": "unknown"})
    created = reallocation_create(cases=cases, staff=worker, start=body.start, end=body.end, by=m.staff,
                                  actor=_actor(m.identity), on=m.today)
    return Status(201, {"items": [
        {"case": r.case.ref, "staff": r.staff.ref, "start": r.start, "end": r.end, "by": m.staff.ref}
        for r in sorted(created, key=lambda r: r.case.ref)
    ]})
