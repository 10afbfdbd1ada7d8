"""Services that write: make the database hold exactly one service's facts.

Loading is idempotent (RULES.md/EXCHANGE.md): rows are matched on their identifier, or on their
natural key where the exchange gives none, and updated in place; rows of the service that the
document no longer holds are removed. Nothing is lost silently: every earlier version of a row
is kept by simple-history, the counts of what was added, changed and removed are reported, and
the load is written to the audit trail, all in one transaction. Records on the child's file written
in Oversight are the exception: a document that would remove or change one is refused whole
(records_on_file.py), and the notes, which the exchange does not carry, are never written by a load.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from oversight.audit import services as audit
from oversight.cover import models as cover
from oversight.people import models as people
from oversight.policy import facts as f
from oversight.store import statistics
from oversight.store.records_on_file import refuse_changes
from oversight.supervision import models as sup

Progress = Callable[[str, int, int], None]
BATCH = 2000


@dataclass
class TableChange:
    added: int = 0
    changed: int = 0
    removed: int = 0


@dataclass
class LoadReport:
    service: str
    tables: dict[str, TableChange] = field(default_factory=dict)

    @property
    def unchanged(self) -> bool:
        return not any(t.added or t.changed or t.removed for t in self.tables.values())

    def totals(self) -> TableChange:
        out = TableChange()
        for t in self.tables.values():
            out.added += t.added
            out.changed += t.changed
            out.removed += t.removed
        return out


class _Sync:
    """Brings one table of one service to a desired set of rows, keyed by a natural key."""

    def __init__(self, service: people.Service, report: LoadReport, progress: Progress | None):
        self.service = service
        self.report = report
        self.progress = progress
        self.pending_removals: list[tuple[str, Any, list[int]]] = []
        self.rows_written: Counter[str] = Counter()  # per database table, its history's included

    def wrote(self, model, rows: int) -> None:
        self.rows_written[model._meta.db_table] += rows
        if _historical(model):
            self.rows_written[model.history.model._meta.db_table] += rows

    def table(self, name: str, model, key_fields: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> dict[tuple, int]:
        """Sync `model` to `rows` (dicts of attnames). Returns natural key -> primary key."""
        rows = list(rows)
        fields = sorted({k for row in rows for k in row} | set(key_fields))
        existing = {
            tuple(values[k] for k in key_fields): values
            for values in model.objects.filter(service=self.service).values("pk", *fields)
        }
        change = self.report.tables.setdefault(name, TableChange())
        to_create, to_update, wanted = [], [], set()
        for row in rows:
            key = tuple(row[k] for k in key_fields)
            wanted.add(key)
            current = existing.get(key)
            if current is None:
                to_create.append(model(service=self.service, **row))
            elif any(current[k] != v for k, v in row.items()):
                to_update.append(model(pk=current["pk"], service=self.service, **row))
        historical = _historical(model)
        if to_create:
            if historical:
                bulk_create_with_history(to_create, model, batch_size=BATCH)
            else:
                model.objects.bulk_create(to_create, batch_size=BATCH)
            change.added += len(to_create)
        if to_update:
            updatable = [k for k in fields if k not in key_fields]
            if historical:
                bulk_update_with_history(to_update, model, fields=updatable, batch_size=BATCH)
            else:
                model.objects.bulk_update(to_update, fields=updatable, batch_size=BATCH)
            change.changed += len(to_update)
        self.wrote(model, len(to_create) + len(to_update))
        stale = [values["pk"] for key, values in existing.items() if key not in wanted]
        if stale:
            self.pending_removals.append((name, model, stale))
        if self.progress:
            self.progress(name, len(rows), len(rows))
        keys = dict(model.objects.filter(service=self.service).values_list(*key_fields, "pk")) if len(key_fields) == 1 else {
            tuple(v[:-1]): v[-1] for v in model.objects.filter(service=self.service).values_list(*key_fields, "pk")
        }
        return keys

    def remove_stale(self) -> None:
        # Children before parents, so that no protected row is removed before what points at it.
        for name, model, pks in reversed(self.pending_removals):
            for instance in model.objects.filter(pk__in=pks):
                instance.delete()  # one by one, so that simple-history keeps each removed row
            self.report.tables[name].removed += len(pks)
            self.wrote(model, len(pks))


def _historical(model) -> bool:
    """Whether django-simple-history keeps the model's earlier versions (a row written is two)."""
    return hasattr(model._meta, "simple_history_manager_attribute")


def replace_service(
    facts: f.ServiceFacts,
    *,
    actor: str,
    progress: Progress | None = None,
    dry_run: bool = False,
    document: object | None = None,
) -> LoadReport:
    """Make the database hold exactly `facts` for its service; all or nothing.

    With `dry_run`, the same work is done inside the transaction and then rolled back: the report
    says what would be added, changed and removed, and nothing is written (not even the audit).

    Raises RecordsOnFile (an InvalidDocument, every problem with its JSON path in `document`, the
    decoded document the facts were read from, if given) when the facts would remove or change a
    record on the child's file written in Oversight; then nothing is written, dry run or not."""
    report = LoadReport(service=facts.service.id)
    with transaction.atomic():
        service, created = people.Service.objects.get_or_create(
            ref=facts.service.id,
            defaults={"name": facts.service.name},
        )
        if not created:
            # No record may be written in Oversight between the check and the load (the pages and
            # the API lock the service row to write supervision, too).
            people.Service.objects.select_for_update().filter(pk=service.pk).first()
            refuse_changes(service, facts, document)
        wanted = {
            "name": facts.service.name,
            "timezone": facts.service.timezone,
            "holidays": facts.service.holidays,
            "settings": facts.settings.changed(),
        }
        service_change = report.tables.setdefault("service", TableChange())
        if created:
            service_change.added = 1
        if any(getattr(service, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(service, k, v)
            service.save()
            service_change.changed = 0 if created else 1
        sync = _Sync(service, report, progress)
        _write_all(sync, facts)
        sync.remove_stale()
        if dry_run:
            transaction.set_rollback(True)
            return report
        if not report.unchanged:
            totals = report.totals()
            audit.record(
                service=service,
                actor=actor,
                action="load",
                object_type="service",
                object_ref=service.ref,
                summary=f"Loaded service {service.ref}: {totals.added} added, {totals.changed} changed, {totals.removed} removed",
                details={name: vars(t) for name, t in report.tables.items()},
            )
            # Once committed, so that the statistics count the rows loaded (and never rolled-back ones).
            # Robust: should gathering fail, the load has still been made, and is not reported as failed
            # (Django logs the error; autovacuum gathers them later).
            transaction.on_commit(lambda: statistics.gather_after_load(sync.rows_written), robust=True)
    return report


def _latest_case_manager(facts: f.ServiceFacts) -> dict[str, str]:
    return {case: allocations[-1].staff for case, allocations in facts.allocations_by_case.items()}


def _write_all(sync: _Sync, facts: f.ServiceFacts) -> None:
    staff = sync.table("staff", people.Staff, ("ref",), (
        {"ref": s.id, "name": s.name, "role": s.role, "discipline": s.discipline, "employment": s.employment,
         "email": s.email, "start": s.start, "end": s.end}
        for s in facts.staff
    ))

    def st(ref: str | None) -> int | None:
        return staff[ref] if ref is not None else None

    sync.table("reporting_lines", people.ReportingLine, ("staff_id", "start"), (
        {"staff_id": st(r.staff), "manager_id": st(r.manager), "start": r.start, "end": r.end}
        for r in facts.reporting_lines
    ))
    managers = _latest_case_manager(facts)
    cases = sync.table("cases", people.Case, ("ref",), (
        {"ref": c.id, "name": c.name, "date_of_birth": c.date_of_birth, "order_type": c.order_type, "risk": c.risk,
         "opened": c.opened, "closed": c.closed, "paired_worker_id": st(c.paired_worker),
         "case_manager_id": st(managers.get(c.id))}
        for c in facts.cases
    ))
    sync.table("allocations", people.Allocation, ("case_id", "start"), (
        {"case_id": cases[a.case], "staff_id": st(a.staff), "start": a.start, "end": a.end} for a in facts.allocations
    ))
    sync.table("contacts", people.Contact, ("case_id", "day", "kind"), (
        {"case_id": cases[c.case], "day": c.day, "kind": c.kind} for c in facts.contacts
    ))
    sync.table("milestones", people.Milestone, ("case_id", "kind", "due"), (
        {"case_id": cases[m.case], "kind": m.kind, "due": m.due, "completed": m.completed} for m in facts.milestones
    ))
    sync.table("buddies", cover.BuddyNomination, ("staff_id", "buddy_id", "start"), (
        {"staff_id": st(b.staff), "buddy_id": st(b.buddy), "rank": b.rank, "start": b.start, "end": b.end,
         "approved_by_id": st(b.approved_by)}
        for b in facts.buddies
    ))
    absences = sync.table("absences", cover.Absence, ("ref",), (
        {"ref": a.id, "staff_id": st(a.staff), "kind": a.kind, "planned": a.planned, "first_day": a.first_day,
         "expected_last_day": a.expected_last_day, "actual_last_day": a.actual_last_day}
        for a in facts.absences
    ))
    sheets = sync.table("leave_sheets", cover.LeaveSheet, ("absence_id",), (
        {"absence_id": absences[s.absence], "submitted": s.submitted, "submitted_to_id": st(s.submitted_to)}
        for s in facts.leave_sheets
    ))
    sync.table("leave_sheet_lines", cover.LeaveSheetLine, ("leave_sheet_id", "case_id"), (
        {"leave_sheet_id": sheets[absences[s.absence]], "case_id": cases[line.case], "cover_id": st(line.cover),
         "young_person_informed": line.young_person_informed, "notes": line.notes}
        for s in facts.leave_sheets
        for line in s.lines
    ))
    sync.table("cover_confirmations", cover.CoverConfirmation, ("absence_id", "confirmed", "by_id"), (
        {"absence_id": absences[c.absence], "confirmed": c.confirmed, "by_id": st(c.by)}
        for c in facts.cover_confirmations
    ))
    sync.table("reallocations", cover.Reallocation, ("case_id", "start"), (
        {"case_id": cases[r.case], "staff_id": st(r.staff), "start": r.start, "end": r.end, "by_id": st(r.by)}
        for r in facts.reallocations
    ))
    sync.table("duty_rota", cover.DutyShift, ("day", "staff_id"), (
        {"day": d.day, "staff_id": st(d.staff)} for d in facts.duty_rota
    ))
    _write_supervision(sync, facts, st, cases)


def _write_supervision(sync: _Sync, facts: f.ServiceFacts, st, cases: dict) -> None:
    sessions = sync.table("supervisions", sup.Supervision, ("ref",), (
        {"ref": s.id, "kind": s.kind, "supervisor_id": st(s.supervisor),
         "supervisee_id": st(s.supervisees[0]) if s.is_formal else None, "held": s.held, "minutes": s.minutes}
        for s in facts.supervisions
    ))
    _sync_participants(sync, facts, st, sessions)
    discussions = sync.table("discussions", sup.Discussion, ("supervision_id", "case_id"), (
        {"supervision_id": sessions[s.id], "case_id": cases[d.case], "depth": d.depth, "significant": d.significant,
         "recorded": d.recorded, "recorded_by_id": st(d.recorded_by)}
        for s in facts.supervisions
        for d in s.discussions
    ))
    sync.table("actions", sup.Action, ("ref",), (
        {"ref": a.id, "discussion_id": discussions[(sessions[s.id], cases[d.case])], "text": a.text,
         "owner_id": st(a.owner), "due": a.due, "done": a.done, "reason_not_done": a.reason_not_done}
        for s in facts.supervisions
        for d in s.discussions
        for a in d.actions
    ))
    sync.table("gap_records", sup.GapRecord, ("staff_id", "month"), (
        {"staff_id": st(g.staff), "month": g.month, "recorded": g.recorded, "by_id": st(g.by)} for g in facts.gap_records
    ))
    sync.table("frequency_overrides", sup.FrequencyOverride, ("staff_id", "start"), (
        {"staff_id": st(o.staff), "every_days": o.every_days, "start": o.start, "end": o.end}
        for o in facts.frequency_overrides
    ))
    sync.table("oversight_events", sup.OversightEvent, ("ref",), (
        {"ref": e.id, "case_id": cases[e.case], "kind": e.kind, "held": e.held, "by_id": st(e.by),
         "significant": e.significant, "recorded": e.recorded, "recorded_by_id": st(e.recorded_by)}
        for e in facts.oversight_events
    ))


def _sync_participants(sync: _Sync, facts: f.ServiceFacts, st, sessions: dict) -> None:
    through = sup.Supervision.participants.through
    wanted = {
        (sessions[s.id], st(person)) for s in facts.supervisions if not s.is_formal for person in s.supervisees
    }
    existing = set(
        through.objects.filter(supervision__service=sync.service).values_list("supervision_id", "staff_id")
    )
    change = sync.report.tables.setdefault("supervision_participants", TableChange())
    new = wanted - existing
    stale = existing - wanted
    if new:
        through.objects.bulk_create([through(supervision_id=a, staff_id=b) for a, b in sorted(new)], batch_size=BATCH)
        change.added += len(new)
    for a, b in stale:
        through.objects.filter(supervision_id=a, staff_id=b).delete()
        change.removed += 1
    sync.wrote(through, len(new) + len(stale))
