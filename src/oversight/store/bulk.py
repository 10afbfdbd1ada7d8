"""The first load of a new service on PostgreSQL, with COPY: for the region and national data sets.

`replace_service` (store/write.py) is the one way to change a service: it matches every row against
the database, keeps each earlier version with django-simple-history and audits the counts. For the
*first* load of a service that is not in the database yet there is nothing to match and no earlier
version to keep, so `bulk_load_service` writes the same rows with PostgreSQL's COPY instead, one
table after another in one transaction (all or nothing, like `replace_service`), and audits it the
same way. History starts at the first change after this load (docs/decisions/0004).

Identifiers of the rows that others point at (staff, cases, absences, leave sheets, sessions,
discussions) are drawn from the tables' own sequences first, so that child rows are written in the
same pass; the database checks every constraint as usual.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, transaction

from oversight.audit import services as audit
from oversight.collector import collector_paused
from oversight.cover import models as cover
from oversight.people import models as people
from oversight.policy import facts as f
from oversight.store import revisions
from oversight.store.write import LoadReport, TableChange, _latest_case_manager
from oversight.supervision import models as sup

Progress = Callable[[str, int, int], None]


class BulkLoadRefused(RuntimeError):
    """The bulk path applies only to a new service on PostgreSQL."""


def can_bulk_load(service_ref: str) -> bool:
    return connection.vendor == "postgresql" and not people.Service.objects.filter(ref=service_ref).exists()


def bulk_load_service(facts: f.ServiceFacts, *, actor: str, progress: Progress | None = None) -> LoadReport:
    """Write a service that the database does not hold yet, with COPY, in one transaction."""
    if connection.vendor != "postgresql":
        raise BulkLoadRefused("the bulk load needs PostgreSQL; use replace_service")
    report = LoadReport(service=facts.service.id)
    with transaction.atomic():
        if people.Service.objects.filter(ref=facts.service.id).exists():
            raise BulkLoadRefused(f"service {facts.service.id} is already loaded; use replace_service")
        service = people.Service.objects.create(
            ref=facts.service.id,
            name=facts.service.name,
            timezone=facts.service.timezone,
            holidays=facts.service.holidays,
            settings=facts.settings.changed(),
        )
        report.tables["service"] = TableChange(added=1)
        with connection.cursor() as cursor:
            trusted = _may_skip_row_triggers(cursor)
            if trusted:
                # Foreign keys are checked by row triggers, one lookup per row and key: for a first
                # load most of the time. Every key written here comes from the rows just written
                # (an unknown reference is a KeyError before anything is sent), so the triggers are
                # skipped for the COPY and every key of the service is then checked set-wise.
                cursor.execute("SET LOCAL session_replication_role = replica")
            copier = _Copier(cursor.cursor, service.pk, report, progress)
            # Making a row for each of the facts starts the cyclic collector over and over, and its
            # full passes walk every live object (the facts among them) to free nothing
            # (oversight/collector.py).
            with collector_paused():
                copier.write(facts)
            if trusted:
                cursor.execute("SET LOCAL session_replication_role = origin")
                copier.check_references()
        # The revision triggers were off with the others during the COPY (store/revisions.py).
        revisions.bump(service.pk)
        totals = report.totals()
        audit.record(
            service=service,
            actor=actor,
            action="load",
            object_type="service",
            object_ref=service.ref,
            summary=f"Loaded service {service.ref} (first load, in bulk): {totals.added} added, 0 changed, 0 removed",
            details={name: vars(t) for name, t in report.tables.items()},
        )
    return report


class BrokenReference(RuntimeError):
    pass


def _may_skip_row_triggers(cursor) -> bool:
    """Whether this role may set session_replication_role (superuser, or granted it: PostgreSQL 15+)."""
    if connection.pg_version >= 150000:
        cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
    else:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    row = cursor.fetchone()
    return bool(row and row[0])


class _Copier:
    def __init__(self, cursor, service_id: int, report: LoadReport, progress: Progress | None):
        self.cursor = cursor  # the psycopg 3 cursor under Django's wrapper
        self.sid = service_id
        self.report = report
        self.progress = progress
        self.started = time.perf_counter()
        self.rows = 0
        self.written: list = []

    def check_references(self) -> None:
        """Every foreign key of every row written, checked set-wise: one anti-join per key."""
        for model in self.written:
            table = model._meta.db_table
            scoped = any(field.attname == "service_id" for field in model._meta.concrete_fields)
            for field in model._meta.concrete_fields:
                if not field.is_relation or not field.many_to_one and not field.one_to_one:
                    continue
                target = field.related_model._meta
                where = 'c."service_id" = %s' if scoped else (
                    'c."supervision_id" IN (SELECT id FROM "supervision_supervision" WHERE "service_id" = %s)'
                )
                self.cursor.execute(
                    f'SELECT c."{field.column}" FROM "{table}" c WHERE {where} AND c."{field.column}" IS NOT NULL '
                    f'AND NOT EXISTS (SELECT 1 FROM "{target.db_table}" p WHERE p."{target.pk.column}" = c."{field.column}") '
                    "LIMIT 1",
                    (self.sid,),
                )
                missing = self.cursor.fetchone()
                if missing:
                    raise BrokenReference(f"{table}.{field.column} = {missing[0]} refers to no {target.db_table} row")

    def ids(self, model, count: int) -> list[int]:
        """`count` fresh primary keys from the table's own sequence."""
        if not count:
            return []
        table = model._meta.db_table
        self.cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", (table, count)
        )
        return [row[0] for row in self.cursor.fetchall()]

    def copy(self, name: str, model, attnames: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> int:
        columns = {field.attname: field.column for field in model._meta.concrete_fields}
        # Columns the exchange does not carry (such as a record's notes) get their model default,
        # as the ORM would give them.
        extra = [
            field for field in model._meta.concrete_fields
            if field.attname not in attnames and not field.primary_key and field.has_default()
        ]
        names = ", ".join(f'"{columns[a]}"' for a in attnames) + "".join(f', "{x.column}"' for x in extra)
        defaults = tuple(x.get_default() for x in extra)
        count = 0
        with self.cursor.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as out:
            for row in rows:
                out.write_row(row + defaults if defaults else row)
                count += 1
        self.report.tables.setdefault(name, TableChange()).added += count
        self.written.append(model)
        self.rows += count
        if self.progress:
            self.progress(name, count, count)
        return count

    def write(self, facts: f.ServiceFacts) -> None:
        sid = self.sid
        staff = dict(zip((s.id for s in facts.staff), self.ids(people.Staff, len(facts.staff)), strict=True))

        def st(ref: str | None) -> int | None:
            return staff[ref] if ref is not None else None

        self.copy("staff", people.Staff,
                  ("id", "service_id", "ref", "name", "role", "discipline", "employment", "email", "start", "end"),
                  ((staff[s.id], sid, s.id, s.name, s.role, s.discipline, s.employment, s.email, s.start, s.end)
                   for s in facts.staff))
        self.copy("reporting_lines", people.ReportingLine, ("service_id", "staff_id", "manager_id", "start", "end"),
                  ((sid, st(r.staff), st(r.manager), r.start, r.end) for r in facts.reporting_lines))
        cases = dict(zip((c.id for c in facts.cases), self.ids(people.Case, len(facts.cases)), strict=True))
        managers = _latest_case_manager(facts)
        self.copy("cases", people.Case,
                  ("id", "service_id", "ref", "name", "date_of_birth", "order_type", "risk", "opened", "closed",
                   "paired_worker_id", "case_manager_id"),
                  ((cases[c.id], sid, c.id, c.name, c.date_of_birth, c.order_type, c.risk, c.opened, c.closed,
                    st(c.paired_worker), st(managers.get(c.id))) for c in facts.cases))
        self.copy("allocations", people.Allocation, ("service_id", "case_id", "staff_id", "start", "end"),
                  ((sid, cases[a.case], st(a.staff), a.start, a.end) for a in facts.allocations))
        self.copy("contacts", people.Contact, ("service_id", "case_id", "day", "kind"),
                  ((sid, cases[c.case], c.day, c.kind) for c in facts.contacts))
        self.copy("milestones", people.Milestone, ("service_id", "case_id", "kind", "due", "completed"),
                  ((sid, cases[m.case], m.kind, m.due, m.completed) for m in facts.milestones))
        self.copy("buddies", cover.BuddyNomination,
                  ("service_id", "staff_id", "buddy_id", "rank", "start", "end", "approved_by_id"),
                  ((sid, st(b.staff), st(b.buddy), b.rank, b.start, b.end, st(b.approved_by)) for b in facts.buddies))
        absences = dict(zip((a.id for a in facts.absences), self.ids(cover.Absence, len(facts.absences)), strict=True))
        self.copy("absences", cover.Absence,
                  ("id", "service_id", "ref", "staff_id", "kind", "planned", "first_day", "expected_last_day",
                   "actual_last_day"),
                  ((absences[a.id], sid, a.id, st(a.staff), a.kind, a.planned, a.first_day, a.expected_last_day,
                    a.actual_last_day) for a in facts.absences))
        sheets = dict(zip((s.absence for s in facts.leave_sheets),
                          self.ids(cover.LeaveSheet, len(facts.leave_sheets)), strict=True))
        self.copy("leave_sheets", cover.LeaveSheet, ("id", "service_id", "absence_id", "submitted", "submitted_to_id"),
                  ((sheets[s.absence], sid, absences[s.absence], s.submitted, st(s.submitted_to))
                   for s in facts.leave_sheets))
        self.copy("leave_sheet_lines", cover.LeaveSheetLine,
                  ("service_id", "leave_sheet_id", "case_id", "cover_id", "young_person_informed", "notes"),
                  ((sid, sheets[s.absence], cases[ln.case], st(ln.cover), ln.young_person_informed, ln.notes)
                   for s in facts.leave_sheets for ln in s.lines))
        self.copy("cover_confirmations", cover.CoverConfirmation, ("service_id", "absence_id", "confirmed", "by_id"),
                  ((sid, absences[c.absence], c.confirmed, st(c.by)) for c in facts.cover_confirmations))
        self.copy("reallocations", cover.Reallocation, ("service_id", "case_id", "staff_id", "start", "end", "by_id"),
                  ((sid, cases[r.case], st(r.staff), r.start, r.end, st(r.by)) for r in facts.reallocations))
        self.copy("duty_rota", cover.DutyShift, ("service_id", "day", "staff_id"),
                  ((sid, d.day, st(d.staff)) for d in facts.duty_rota))
        self._supervision(facts, st, cases)

    def _supervision(self, facts: f.ServiceFacts, st, cases: dict[str, int]) -> None:
        sid = self.sid
        sessions = dict(zip((s.id for s in facts.supervisions),
                            self.ids(sup.Supervision, len(facts.supervisions)), strict=True))
        self.copy("supervisions", sup.Supervision,
                  ("id", "service_id", "ref", "kind", "supervisor_id", "supervisee_id", "held", "minutes"),
                  ((sessions[s.id], sid, s.id, s.kind, st(s.supervisor), st(s.supervisees[0]) if s.is_formal else None,
                    s.held, s.minutes) for s in facts.supervisions))
        self.copy("supervision_participants", sup.Supervision.participants.through, ("supervision_id", "staff_id"),
                  ((sessions[s.id], st(p)) for s in facts.supervisions if not s.is_formal for p in s.supervisees))
        held = [(s, d) for s in facts.supervisions for d in s.discussions]
        discussion_ids = self.ids(sup.Discussion, len(held))
        self.copy("discussions", sup.Discussion,
                  ("id", "service_id", "supervision_id", "case_id", "depth", "significant", "recorded",
                   "recorded_by_id"),
                  ((pk, sid, sessions[s.id], cases[d.case], d.depth, d.significant, d.recorded, st(d.recorded_by))
                   for pk, (s, d) in zip(discussion_ids, held, strict=True)))
        self.copy("actions", sup.Action,
                  ("service_id", "ref", "discussion_id", "text", "owner_id", "due", "done", "reason_not_done"),
                  ((sid, a.id, pk, a.text, st(a.owner), a.due, a.done, a.reason_not_done)
                   for pk, (_, d) in zip(discussion_ids, held, strict=True) for a in d.actions))
        self.copy("gap_records", sup.GapRecord, ("service_id", "staff_id", "month", "recorded", "by_id"),
                  ((sid, st(g.staff), g.month, g.recorded, st(g.by)) for g in facts.gap_records))
        self.copy("frequency_overrides", sup.FrequencyOverride, ("service_id", "staff_id", "every_days", "start", "end"),
                  ((sid, st(o.staff), o.every_days, o.start, o.end) for o in facts.frequency_overrides))
        self.copy("oversight_events", sup.OversightEvent,
                  ("service_id", "ref", "case_id", "kind", "held", "by_id", "significant", "recorded",
                   "recorded_by_id"),
                  ((sid, e.id, cases[e.case], e.kind, e.held, st(e.by), e.significant, e.recorded,
                    st(e.recorded_by)) for e in facts.oversight_events))
