"""The API's response and request shapes. Identifiers are the service's own (`ref`, the exchange ids)."""

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema

from oversight.api.common import page_of
from oversight.policy import facts as f

Role = Literal[f.ROLES]
Risk = Literal[f.RISKS]
OrderType = Literal[f.ORDER_TYPES]
AbsenceKind = Literal[f.ABSENCE_KINDS]
SupervisionKind = Literal[f.SUPERVISION_KINDS]
EventKind = Literal[f.OVERSIGHT_EVENT_KINDS]
Via = Literal["reallocation", "case_manager", "leave_sheet", "paired_worker", "buddy", "duty", "none"]
RecordState = Literal["recorded", "late", "overdue", "due"]
FindingStatus = Literal["breach", "due", "warning"]


class StaffOut(Schema):
    id: str
    name: str
    role: Role
    discipline: str | None
    employment: str
    email: str | None
    start: date
    end: date | None
    line_manager: str | None = Field(description="The line manager today, if any")


class CaseAccessOut(Schema):
    basis: str = Field(description="Why you may see the case (the lawful basis the audit trail records)")
    can_act: bool = Field(description="Whether you may act on it (not only read)")
    writes_records: bool = Field(description="Whether you may write and amend the records of discussions and "
                                 "decisions on the child's file: a manager who may act on the case, or could "
                                 "while it was open (a closed case is read-only but for its records); "
                                 "never once retention has anonymised the file")


class CaseOut(Schema):
    id: str
    name: str
    order_type: OrderType
    risk: Risk
    opened: date
    closed: date | None
    case_manager: str | None = Field(description="The case manager today")
    paired_worker: str | None
    access: CaseAccessOut


class AllocationOut(Schema):
    staff: str
    start: date
    end: date | None


class CaseDetailOut(CaseOut):
    date_of_birth: date | None
    allocations: list[AllocationOut]


class PassedOverOut(Schema):
    staff: str | None
    reason: str


class CoverOut(Schema):
    case: str
    at: datetime
    open: bool = Field(description="Whether the case is open at that moment (a closed case has no contact)")
    contact: str | None = Field(description="The named contact at that moment; null is nobody (COV-CONTACT)")
    contact_name: str | None
    via: Via
    case_manager: str | None
    passed_over: list[PassedOverOut]


class LeaveSheetSummary(Schema):
    submitted: datetime | None
    submitted_to: str | None
    cases: int


class AbsenceOut(Schema):
    id: str
    staff: str
    staff_name: str
    kind: AbsenceKind
    planned: bool
    first_day: date
    expected_last_day: date
    actual_last_day: date | None
    leave_sheet: LeaveSheetSummary | None


class LeaveSheetLineOut(Schema):
    case: str
    cover: str | None
    young_person_informed: bool | None = Field(
        description="Null: not answered yet (only on a sheet not yet sent)")
    notes: str | None


class LeaveSheetOut(Schema):
    absence: str
    staff: str
    exists: bool = Field(description="False until the leave sheet is first saved")
    submitted: datetime | None
    submitted_to: str | None
    lines: list[LeaveSheetLineOut]
    cases_to_cover: list[str] = Field(description="The cases open on the first day of absence")
    version: str | None = Field(
        description="The concurrency snapshot: send it back as `version` with a change; "
        "if someone changed the sheet meanwhile the change is refused with 409 and what changed",
    )


class ActionOut(Schema):
    id: str
    text: str
    owner: str | None
    due: date | None
    done: date | None
    reason_not_done: str | None


class DiscussionOut(Schema):
    case: str
    depth: str
    significant: bool
    recorded: datetime | None
    recorded_by: str | None
    actions: list[ActionOut]


class SupervisionOut(Schema):
    id: str
    kind: SupervisionKind
    supervisor: str
    supervisees: list[str]
    held: datetime
    minutes: int | None
    discussions: list[DiscussionOut]


class RecordOut(Schema):
    source: Literal["discussion", "oversight_event"]
    source_id: str = Field(description="The supervision's id (for a discussion) or the oversight event's id")
    case: str
    held: datetime
    significant: bool
    responsible: str = Field(description="The manager who must write the record")
    deadline: datetime
    recorded: datetime | None
    recorded_by: str | None
    state: RecordState


class OversightEventOut(Schema):
    id: str
    case: str
    kind: EventKind
    held: datetime
    by: str
    significant: bool
    recorded: datetime | None
    recorded_by: str | None


class FindingOut(Schema):
    rule: str
    status: FindingStatus
    subject: str
    case: str | None
    period: str | None
    due: datetime | None
    detail: str | None = Field(description="A sentence a manager can act on (case narrative): null for those who "
                                            "read figures only (the performance team, administrators)")


class AuditEntryOut(Schema):
    at: datetime
    actor: str = Field(description="Who acted: user name and staff id, or the command")
    action: str = Field(description="view, change, create, amend, denied, disclosure, export…")
    object_type: str
    object_ref: str
    basis: str = Field(description="The lawful basis recorded for the view or change")
    summary: str
    before: Any = Field(None, description="The record's state before a change (identifiers, no narrative)")
    after: Any = Field(None, description="The record's state after a change")
    changes: str = Field(description="What the change did, in one line (empty for views and refusals)")


StaffPage = page_of(StaffOut, "StaffPage")
CasePage = page_of(CaseOut, "CasePage")
CoverPage = page_of(CoverOut, "CoverPage")
AbsencePage = page_of(AbsenceOut, "AbsencePage")
SupervisionPage = page_of(SupervisionOut, "SupervisionPage")
RecordPage = page_of(RecordOut, "RecordPage")
OversightEventPage = page_of(OversightEventOut, "OversightEventPage")
FindingPage = page_of(FindingOut, "FindingPage")
AuditPage = page_of(AuditEntryOut, "AuditPage")


class TableChangeOut(Schema):
    added: int
    changed: int
    removed: int


class ImportProblemOut(Schema):
    path: str | None = Field(description="The JSON path of the problem in the exchange document checked")
    line: int | None = Field(description="The CSV line the problem is on, for a CSV import")
    column: str | None
    message: str


class ImportReportOut(Schema):
    service: str
    kind: Literal["exchange", "csv"]
    valid: bool
    applied: bool = Field(description="False for a dry run: nothing was written")
    rows_read: int | None
    tables: dict[str, TableChangeOut]
    totals: TableChangeOut
    problems: list[ImportProblemOut]


# -- what the writes answer ------------------------------------------------------------------------


class PreparationCaseOut(Schema):
    case: str
    name: str
    risk: Risk
    reallocated: bool = Field(description="Temporarily reallocated to the supervisee: may be discussed, need not be")
    in_depth_suggested: bool
    reasons: list[str] = Field(description="Why Oversight suggests discussing it in depth")


class PreviousActionOut(Schema):
    id: str
    case: str
    session: str
    text: str
    owner: str | None
    due: date | None
    overdue: bool
    version: str = Field(description="Send it back with the action's outcome: if the action changed meanwhile, 409")


class PreparationOut(Schema):
    supervisee: str
    name: str
    cases: list[PreparationCaseOut] = Field(description="Every open case must be discussed (SUP-CASE)")
    previous_actions: list[PreviousActionOut] = Field(description="Actions still open from earlier sessions")


class CoverConfirmationOut(Schema):
    absence: str
    staff: str
    confirmed: datetime
    by: str


class ReallocationOut(Schema):
    case: str
    staff: str
    start: date
    end: date | None
    by: str | None


class ReallocationsOut(Schema):
    items: list[ReallocationOut]


class GapRecordOut(Schema):
    staff: str
    month: str
    recorded: datetime
    by: str


class AmendmentOut(Schema):
    text: str
    reason: str
    by: str
    at: datetime


class CaseRecordOut(Schema):
    kind: Literal["discussion", "event"]
    id: str = Field(description="The formal session's id (a discussion) or the oversight event's id")
    case: str
    title: str
    held: datetime
    held_by: str = Field(description="The manager who held the session or made the decision")
    significant: bool
    depth: str | None = Field(description="check_in or in_depth (discussions only)")
    text: str = Field(description="The record as first written (kept as it was; empty until written)")
    current_text: str = Field(description="What the record says now: the latest amendment, else the original")
    recorded: datetime | None
    recorded_by: str | None
    amendments: list[AmendmentOut]
    version: str = Field(description="Send it back to write the record: if someone wrote it meanwhile, 409")

