"""Staff and cases. Cases are listed with the caseload semantics of the pages (oversight.policy.access)
and a single case is read through `case_for`, which audits the view with its lawful basis (404 if refused)."""

from ninja import Field, Query, Router, Schema

from oversight.accounts.permissions import case_audit_for, case_for, caseload_for, cover_facts, local_now, page_policy
from oversight.api.common import Paging, identity, page, parse_moment, responses
from oversight.api.schemas import AuditPage, CaseDetailOut, CasePage, CoverOut, OrderType, Risk, Role, StaffPage
from oversight.audit.history import case_audit_events, change_summary
from oversight.policy.engine import cover_at
from oversight.store.read import service_facts
from oversight.supervision.selectors import record_writer

router = Router(tags=["people and cases"])


class StaffFilters(Schema):
    role: Role | None = Field(None, description="Only this role")
    employed: bool | None = Field(None, description="Only those employed today (true) or not (false)")


@router.get("/staff", response=responses(StaffPage), summary="The service's staff")
@page_policy("signed_in")
def staff_list(request, filters: Query[StaffFilters], paging: Query[Paging]):
    who = identity(request)
    _, today = local_now(who)
    facts = cover_facts(request, who)
    people = [
        s for s in sorted(facts.staff, key=lambda s: s.id)
        if (filters.role is None or s.role == filters.role)
        and (filters.employed is None or s.employed_on(today) == filters.employed)
    ]
    items = [
        {"id": s.id, "name": s.name, "role": s.role, "discipline": s.discipline, "employment": s.employment,
         "email": s.email, "start": s.start, "end": s.end, "line_manager": facts.line_manager_on(s.id, today)}
        for s in people
    ]
    return page(items, paging)


class CaseFilters(Schema):
    risk: Risk | None = None
    order_type: OrderType | None = None
    open: bool | None = Field(None, description="Only cases open today (true) or closed (false)")


def _case_item(facts, case, access, today, writes) -> dict:
    return {
        "id": case.id, "name": case.name, "order_type": case.order_type, "risk": case.risk,
        "opened": case.opened, "closed": case.closed, "case_manager": facts.case_manager_on(case.id, today),
        "paired_worker": case.paired_worker, "access": {
            "basis": access.basis, "can_act": access.can_act,
            "writes_records": writes(case.id, access),
        },
    }


@router.get("/cases", response=responses(CasePage), summary="The cases you may see today")
@page_policy("case")
def case_list(request, filters: Query[CaseFilters], paging: Query[Paging]):
    who = identity(request)
    _, today = local_now(who)
    facts = cover_facts(request, who)
    visible = caseload_for(request, who)
    items = []
    writes = record_writer(who.service, facts, who.viewer, visible)
    for ref in sorted(visible):
        case = facts.case_by_id[ref]
        if filters.risk and case.risk != filters.risk or filters.order_type and case.order_type != filters.order_type:
            continue
        if filters.open is not None and case.open_on(today) != filters.open:
            continue
        items.append(_case_item(facts, case, visible[ref], today, writes))
    return page(items, paging)


@router.get("/cases/{ref}", response=responses(CaseDetailOut), summary="One case (the view is audited)")
@page_policy("case")
def case_detail(request, ref: str):
    _, access = case_for(request, ref, purpose="viewed the case through the API")
    who = identity(request)
    _, today = local_now(who)
    facts = cover_facts(request, who)
    case = facts.case_by_id[ref]
    return {
        **_case_item(facts, case, access, today, record_writer(who.service, facts, who.viewer, [ref])),
        "date_of_birth": case.date_of_birth,
        "allocations": [
            {"staff": a.staff, "start": a.start, "end": a.end} for a in facts.allocations_by_case.get(ref, ())
        ],
    }


@router.get("/cases/{ref}/audit", response=responses(AuditPage),
            summary="The case's audit history, newest first: for its line management and senior managers (audited)")
@page_policy("case")
def case_audit(request, ref: str, paging: Query[Paging]):
    case = case_audit_for(request, ref, purpose="read the case's audit history through the API")
    rows = case_audit_events(service=identity(request).service, case_ref=case.ref)
    items = [
        {"at": e.at, "actor": e.actor, "action": e.action, "object_type": e.object_type, "object_ref": e.object_ref,
         "basis": e.basis, "summary": e.summary, "before": e.before, "after": e.after,
         "changes": change_summary(e.before, e.after)}
        for e in rows[paging.offset: paging.offset + paging.limit]
    ]
    return {"count": rows.count(), "limit": paging.limit, "offset": paging.offset, "items": items}


class AtFilter(Schema):
    at: str | None = Field(None, description="ISO 8601 moment (local time without an offset; a date is the end "
                                              "of that day); default now")


@router.get("/cases/{ref}/cover", response=responses(CoverOut), summary="The case's named contact, and who was passed over")
@page_policy("case")
def case_cover(request, ref: str, when: Query[AtFilter]):
    who = identity(request)
    at = parse_moment(when.at, who, name="at")
    case_for(request, ref, purpose="viewed the case's cover through the API")
    facts = service_facts(who.service, with_casework=False)
    answer = next((a for a in cover_at(facts, at) if a.case == ref), None)
    if answer is None:
        return {"case": ref, "at": at, "open": False, "contact": None, "contact_name": None, "via": "none",
                "case_manager": None, "passed_over": []}
    return cover_item(facts, answer, at)


def cover_item(facts, answer, at) -> dict:
    person = facts.staff_by_id.get(answer.contact) if answer.contact else None
    return {
        "case": answer.case, "at": at, "open": True, "contact": answer.contact, "contact_name": person.name if person else None,
        "via": str(answer.via), "case_manager": answer.case_manager,
        "passed_over": [p.as_dict() for p in answer.passed_over],
    }
