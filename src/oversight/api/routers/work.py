"""Absences and leave sheets, cover, supervision, records, oversight events and findings.

Who sees what follows the pages: your own, and for managers everyone below them in the reporting
line today (oversight.policy.access.everyone_below); cases by the caseload of the access policy.
Writes call the same services as the pages (oversight.cover.services).
"""

import base64
from typing import Literal

from django.db.models import Count, Prefetch, Q
from ninja import Field, Query, Router, Schema, Status

from oversight.accounts.permissions import (
    _role_allows,
    caseload_for,
    cover_facts,
    leave_sheet_for,
    local_now,
    page_policy,
)
from oversight.api.common import IsoDate, Paging, identity, page, parse_moment, responses
from oversight.api.errors import ApiError
from oversight.api.routers.people import AtFilter, cover_item
from oversight.api.schemas import (
    AbsenceKind,
    AbsenceOut,
    AbsencePage,
    CoverPage,
    EventKind,
    FindingPage,
    FindingStatus,
    LeaveSheetOut,
    OversightEventPage,
    RecordPage,
    RecordState,
    SupervisionKind,
    SupervisionPage,
    Via,
)
from oversight.cover import services as cover_services
from oversight.cover.models import Absence, LeaveSheet
from oversight.people.models import Staff
from oversight.policy import records as records_policy
from oversight.policy.access import everyone_below, reads_case_narrative
from oversight.policy.catalogue import RULES
from oversight.policy.engine import cover_at
from oversight.policy.findings import Judgement
from oversight.policy.ownership import mine_and_team
from oversight.store.cache import findings_and_facts, owners_and_facts
from oversight.store.read import service_facts
from oversight.supervision.models import Action, Discussion, OversightEvent, Supervision

router = Router(tags=["cover and supervision"])
RuleId = Literal[tuple(rule.id for rule in RULES)]


def _my_line(request, who) -> set[str]:
    """Me and everyone below me in the reporting line today (empty for accounts with no staff)."""
    me = who.viewer.staff
    if me is None:
        return set()
    _, today = local_now(who)
    return {me} | everyone_below(cover_facts(request, who), me, today)


# -- absences and leave sheets ---------------------------------------------------------------------


class AbsenceFilters(Schema):
    staff: str | None = Field(None, max_length=64, description="Only this person's")
    kind: AbsenceKind | None = None
    on: IsoDate | None = Field(None, description="Only absences that include this day")


def _absence_item(a: Absence) -> dict:
    sheet = getattr(a, "leave_sheet", None)  # None when there is no leave sheet yet
    return {
        "id": a.ref, "staff": a.staff.ref, "staff_name": a.staff.name, "kind": a.kind, "planned": a.planned,
        "first_day": a.first_day, "expected_last_day": a.expected_last_day, "actual_last_day": a.actual_last_day,
        "leave_sheet": None if sheet is None else {
            "submitted": sheet.submitted, "submitted_to": sheet.submitted_to.ref if sheet.submitted_to_id else None,
            "cases": getattr(a, "sheet_lines", None) if hasattr(a, "sheet_lines") else sheet.lines.count(),
        },
    }


@router.get("/absences", response=responses(AbsencePage), summary="Your absences, and for managers their line's")
@page_policy("signed_in")
def absence_list(request, filters: Query[AbsenceFilters], paging: Query[Paging]):
    who = identity(request)
    people = _my_line(request, who)
    if filters.staff is not None:
        people &= {filters.staff}
    rows = Absence.objects.filter(service=who.service, staff__ref__in=people).select_related(
        "staff", "leave_sheet__submitted_to").annotate(sheet_lines=Count("leave_sheet__lines")).order_by(
        "-first_day", "ref")
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.on:
        rows = rows.filter(first_day__lte=filters.on).filter(
            Q(actual_last_day__gte=filters.on) | Q(actual_last_day__isnull=True, expected_last_day__gte=filters.on)
        )
    total = rows.count()
    items = [_absence_item(a) for a in rows[paging.offset: paging.offset + paging.limit]]
    return {"count": total, "limit": paging.limit, "offset": paging.offset, "items": items}


class LeaveRequest(Schema):
    kind: Literal[cover_services.PLANNED_KINDS] = Field(description="Planned leave only; sickness is recorded by a manager")
    first_day: IsoDate
    last_day: IsoDate


@router.post("/absences", response=responses(AbsenceOut, status=201), summary="Book planned leave")
@page_policy("signed_in")
def absence_create(request, body: LeaveRequest):
    who = identity(request)
    if who.viewer.staff is None:
        raise ApiError(403, "Only a member of staff can book leave.")
    staff = Staff.objects.get(service=who.service, ref=who.viewer.staff)
    absence = cover_services.absence_request(
        staff=staff, kind=body.kind, first_day=body.first_day, last_day=body.last_day, actor=f"{who.label} (API)",
    )
    return Status(201, _absence_item(Absence.objects.select_related("staff").get(pk=absence.pk)))


def _absence_for(request, ref: str, *, edit: bool) -> Absence:
    """The absence if it is the caller's (or, to read, of someone below them in the line); else 404.
    As on the page: a refusal and a manager's reading are audited (accounts.permissions.leave_sheet_for)."""
    purpose = "change the leave sheet through the API" if edit else "read the leave sheet through the API"
    return leave_sheet_for(request, ref, act=edit, purpose=purpose)[0]


def _version(snapshot: str) -> str:
    """The leave sheet's concurrency snapshot as an opaque token (base64url of the snapshot)."""
    return base64.urlsafe_b64encode(snapshot.encode()).decode()


def _seen(version: str) -> str:
    """The snapshot a client sent back; anything unreadable counts as stale (409), never as current."""
    try:
        return base64.urlsafe_b64decode(version.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        return ""


def _leave_sheet(absence: Absence) -> dict:
    sheet = LeaveSheet.objects.filter(absence=absence).select_related("submitted_to").first()
    lines = [] if sheet is None else [
        {"case": ln.case.ref, "cover": ln.cover.ref if ln.cover_id else None,
         "young_person_informed": ln.young_person_informed, "notes": ln.notes}
        for ln in sheet.lines.select_related("case", "cover").order_by("case__ref")
    ]
    return {
        "absence": absence.ref, "staff": absence.staff.ref, "exists": sheet is not None,
        "submitted": sheet.submitted if sheet else None,
        "submitted_to": sheet.submitted_to.ref if sheet and sheet.submitted_to_id else None,
        "lines": lines, "cases_to_cover": cover_services.leave_sheet_cases(absence) if absence.planned else [],
        "version": _version(cover_services.leave_sheet_snapshot(absence)),
    }


@router.get("/absences/{ref}/leave-sheet", response=responses(LeaveSheetOut), summary="The leave sheet of an absence")
@page_policy("signed_in")
def leave_sheet_get(request, ref: str):
    return _leave_sheet(_absence_for(request, ref, edit=False))


class LeaveSheetLineIn(Schema):
    case: str = Field(max_length=64)
    cover: str | None = Field(None, max_length=64)
    young_person_informed: bool | None = Field(
        None, description="Null: not answered yet (a draft may leave it so; `submit` refuses it)")
    # Null as GET gives it for a line with no notes, so that a sheet read can be sent back as it is.
    notes: str | None = Field("", max_length=4000)


class LeaveSheetIn(Schema):
    version: str = Field(max_length=100_000, description="The `version` from GET: a stale one is refused (409)")
    lines: list[LeaveSheetLineIn] = Field(max_length=1000)
    submit: bool = Field(False, description="Send it to your line manager (every case must then have cover)")


@router.put("/absences/{ref}/leave-sheet", response=responses(LeaveSheetOut, 409),
            summary="Save (and optionally submit) your leave sheet")
@page_policy("signed_in")
def leave_sheet_put(request, ref: str, body: LeaveSheetIn):
    who = identity(request)
    absence = _absence_for(request, ref, edit=True)
    lines = [cover_services.LineEntry(case=ln.case, cover=ln.cover, young_person_informed=ln.young_person_informed,
                                      notes=ln.notes or "") for ln in body.lines]
    write = cover_services.leave_sheet_submit if body.submit else cover_services.leave_sheet_save
    write(absence=absence, lines=lines, seen=_seen(body.version), actor=f"{who.label} (API)")
    return _leave_sheet(absence)


# -- cover -----------------------------------------------------------------------------------------


class CoverFilters(AtFilter):
    via: Via | None = Field(None, description="Only answers found this way (e.g. none, duty)")


@router.get("/cover", response=responses(CoverPage),
            summary="Named contacts at a moment: a manager's line, or the whole service for senior managers")
@page_policy("manager")
def cover_list(request, filters: Query[CoverFilters], paging: Query[Paging]):
    who = identity(request)
    at = parse_moment(filters.at, who, name="at")
    visible = caseload_for(request, who)
    facts = service_facts(who.service, with_casework=False)
    answers = [a for a in cover_at(facts, at) if a.case in visible and (filters.via is None or a.via == filters.via)]
    return page([cover_item(facts, a, at) for a in answers], paging)


# -- supervision -----------------------------------------------------------------------------------


class SupervisionFilters(Schema):
    kind: SupervisionKind | None = None
    staff: str | None = Field(None, max_length=64, description="Only sessions this person held or received")
    held_from: IsoDate | None = Field(None, description="Held on or after this day")
    held_to: IsoDate | None = Field(None, description="Held on or before this day")


def _supervision_item(s: Supervision) -> dict:
    supervisees = [s.supervisee.ref] if s.supervisee_id else sorted(p.ref for p in s.participants.all())
    return {
        "id": s.ref, "kind": s.kind, "supervisor": s.supervisor.ref, "supervisees": supervisees, "held": s.held,
        "minutes": s.minutes,
        "discussions": [
            {"case": d.case.ref, "depth": d.depth, "significant": d.significant, "recorded": d.recorded,
             "recorded_by": d.recorded_by.ref if d.recorded_by_id else None,
             "actions": [
                 {"id": a.ref, "text": a.text, "owner": a.owner.ref if a.owner_id else None, "due": a.due,
                  "done": a.done, "reason_not_done": a.reason_not_done}
                 for a in d.actions.all()
             ]}
            for d in s.discussions.all()
        ],
    }


@router.get("/supervisions", response=responses(SupervisionPage),
            summary="Sessions you held or received; for managers, their line's")
@page_policy("signed_in")
def supervision_list(request, filters: Query[SupervisionFilters], paging: Query[Paging]):
    who = identity(request)
    people = _my_line(request, who)
    if filters.staff is not None:
        people &= {filters.staff}
    # Sessions are found by id first (held, received or attended by someone in scope), then read
    # with their discussions and actions in a fixed number of queries.
    ids = Supervision.objects.filter(service=who.service).filter(
        Q(supervisor__ref__in=people) | Q(supervisee__ref__in=people) | Q(participants__ref__in=people)
    )
    if filters.kind:
        ids = ids.filter(kind=filters.kind)
    rows = Supervision.objects.filter(pk__in=ids.values("pk")).order_by("-held", "ref")
    if filters.held_from:
        rows = rows.filter(held__date__gte=filters.held_from)
    if filters.held_to:
        rows = rows.filter(held__date__lte=filters.held_to)
    total = rows.count()
    rows = rows.select_related("supervisor", "supervisee").prefetch_related(
        "participants",
        Prefetch("discussions", queryset=Discussion.objects.select_related("case", "recorded_by").order_by("case__ref")),
        Prefetch("discussions__actions", queryset=Action.objects.select_related("owner").order_by("ref")),
    )
    items = [_supervision_item(s) for s in rows[paging.offset: paging.offset + paging.limit]]
    return {"count": total, "limit": paging.limit, "offset": paging.offset, "items": items}


# -- records ---------------------------------------------------------------------------------------


class RecordFilters(Schema):
    state: RecordState | None = Field(None, description="recorded (in time), late, overdue or due")
    responsible: str | None = Field(None, max_length=64, description="Only records this manager must make")


@router.get("/records", response=responses(RecordPage),
            summary="Discussions and oversight events needing a record on the child's file (REC-DEADLINE)")
@page_policy("signed_in")
def record_list(request, filters: Query[RecordFilters], paging: Query[Paging]):
    who = identity(request)
    people = _my_line(request, who)
    now, _ = local_now(who)
    j = Judgement.at(service_facts(who.service), now)
    items = []
    for r in records_policy.needed_records(j):
        if r.responsible not in people or (filters.responsible and r.responsible != filters.responsible):
            continue
        deadline = records_policy.record_deadline(j, r.held, r.significant)
        state = records_policy.record_state(j, r, deadline)
        if filters.state and state != filters.state:
            continue
        items.append({
            "source": "oversight_event" if isinstance(r.source, records_policy.OversightEvent) else "discussion",
            "source_id": r.source.id, "case": r.case, "held": r.held, "significant": r.significant,
            "responsible": r.responsible, "deadline": deadline, "recorded": r.recorded,
            "recorded_by": r.recorded_by, "state": state,
        })
    items.sort(key=lambda item: (item["state"] == "recorded", item["deadline"], item["source_id"], item["case"]))
    return page(items, paging)


# -- oversight events ------------------------------------------------------------------------------


class EventFilters(Schema):
    kind: EventKind | None = None
    case: str | None = Field(None, max_length=64)
    recorded: bool | None = Field(None, description="Only those with (true) or without (false) a record")


@router.get("/oversight-events", response=responses(OversightEventPage),
            summary="Management decisions, MARP discussions and case audits on the cases you may see")
@page_policy("case")
def oversight_event_list(request, filters: Query[EventFilters], paging: Query[Paging]):
    who = identity(request)
    visible = set(caseload_for(request, who))
    if filters.case is not None:
        visible &= {filters.case}
    rows = OversightEvent.objects.filter(service=who.service, case__ref__in=visible).select_related(
        "case", "by", "recorded_by").order_by("-held", "ref")
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.recorded is not None:
        rows = rows.filter(recorded__isnull=not filters.recorded)
    total = rows.count()
    items = [
        {"id": e.ref, "case": e.case.ref, "kind": e.kind, "held": e.held, "by": e.by.ref,
         "significant": e.significant, "recorded": e.recorded,
         "recorded_by": e.recorded_by.ref if e.recorded_by_id else None}
        for e in rows[paging.offset: paging.offset + paging.limit]
    ]
    return {"count": total, "limit": paging.limit, "offset": paging.offset, "items": items}


# -- findings --------------------------------------------------------------------------------------


class FindingFilters(Schema):
    as_of: str | None = Field(None, description="ISO 8601 moment; default now")
    rule: RuleId | None = None
    status: FindingStatus | None = None


@router.get("/findings", response=responses(FindingPage),
            summary="Findings: service-wide for senior managers and the performance team; otherwise yours and "
                    "your line's")
@page_policy("signed_in")
def finding_list(request, filters: Query[FindingFilters], paging: Query[Paging]):
    who = identity(request)
    as_of = parse_moment(filters.as_of, who, name="as_of")
    # Findings and their owners are kept per data revision (store/cache.py).
    _, today = local_now(who)
    if _role_allows(request, who, "reports"):
        findings, _ = findings_and_facts(who.service, as_of)
        # Service-wide: the detail sentence (case narrative) for senior managers only, as on the pages.
        narrative = reads_case_narrative(cover_facts(request, who), who.viewer, today)
    elif who.viewer.staff is None:
        findings, narrative = [], False
    else:
        # Not service-wide: the findings that are mine to act on and my team's (policy/ownership.py).
        owned, facts = owners_and_facts(who.service, as_of)
        mine = mine_and_team(Judgement.at(facts, as_of), owned, who.viewer.staff)
        keep = {id(o) for o in (*mine.mine, *mine.team)}
        findings = [o.finding for o in owned if id(o) in keep]
        narrative = reads_case_narrative(cover_facts(request, who), who.viewer, today, line_of=who.viewer.staff)
    findings = [
        f for f in findings
        if (filters.rule is None or f.rule == filters.rule) and (filters.status is None or f.status == filters.status)
    ]
    return page([f.as_dict() if narrative else {**f.as_dict(), "detail": None} for f in findings], paging)
