"""Generating and loading many services at once: `oversight demo --scale region|national`.

Each service is generated (as ServiceFacts straight from the generator, or with `via_documents` as
an exchange document checked by `parse_document`) and written in its own transaction, so a failure
leaves whole services only. On PostgreSQL a service not yet in the
database is written with COPY (store/bulk.py), and the services are shared among worker processes
(two by default, one per core); anything else goes through `replace_service`, one service after
another (SQLite: national size is not a target there).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, connections

from oversight.demo.generate import generate_fleet_facts, generate_fleet_service
from oversight.demo.scales import service_plan
from oversight.exchange.document import parse_document
from oversight.policy.facts import ServiceFacts
from oversight.store import statistics
from oversight.store.bulk import bulk_load_service, can_bulk_load
from oversight.store.write import replace_service

ACTOR = "command line: oversight demo"


@dataclass
class ServiceLoad:
    index: int
    ref: str
    records: int
    open_cases: int
    staff: int
    bulk: bool
    generate_s: float
    parse_s: float
    write_s: float
    cpu_s: float = 0.0  # CPU seconds of the worker process
    server_cpu_s: float = 0.0  # CPU seconds of its PostgreSQL backend (0: not measurable)


@dataclass
class FleetLoad:
    scale: str
    workers: int
    services: list[ServiceLoad] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def records(self) -> int:
        return sum(s.records for s in self.services)

    def as_dict(self) -> dict:
        busy = sum(s.parse_s + s.write_s for s in self.services)
        return {
            "scale": self.scale,
            "workers": self.workers,
            "services": len(self.services),
            "records": self.records,
            "staff": sum(s.staff for s in self.services),
            "open_cases": sum(s.open_cases for s in self.services),
            "seconds": round(self.seconds, 2),
            "records_per_second_wall": round(self.records / self.seconds) if self.seconds else None,
            "generate_seconds": round(sum(s.generate_s for s in self.services), 2),
            "parse_seconds": round(sum(s.parse_s for s in self.services), 2),
            "write_seconds": round(sum(s.write_s for s in self.services), 2),
            "worker_cpu_seconds": round(sum(s.cpu_s for s in self.services), 1),
            "server_cpu_seconds": round(sum(s.server_cpu_s for s in self.services), 1),
            # What the load would take on this machine with nothing else running: all the CPU it
            # used, spread over the workers (never less than the largest service alone).
            "cpu_bound_seconds": round(max(
                sum(s.cpu_s + s.server_cpu_s for s in self.services) / max(self.workers, 1),
                max((s.cpu_s + s.server_cpu_s for s in self.services), default=0.0),
            ), 1),
            # Exchange load throughput: records through parse_document and the database write, per
            # process (generation excluded).
            "load_records_per_second": round(self.records / busy) if busy else None,
        }


def count_records(facts: ServiceFacts) -> int:
    """Every record a document holds, nested ones included (leave sheet lines, discussions, actions)."""
    nested = sum(len(s.lines) for s in facts.leave_sheets)
    for session in facts.supervisions:
        nested += len(session.discussions) + sum(len(d.actions) for d in session.discussions)
    lists = (
        "staff", "reporting_lines", "cases", "allocations", "buddies", "absences", "leave_sheets",
        "cover_confirmations", "reallocations", "duty_rota", "supervisions", "gap_records",
        "frequency_overrides", "oversight_events", "contacts", "milestones",
    )
    return nested + sum(len(getattr(facts, name)) for name in lists)


def load_one(task: tuple[int, str, int, date, str, bool]) -> ServiceLoad:
    """Generate, check and write service number `index` of a scale (runs in a worker process)."""
    index, scale, seed, today, service_id, via_documents = task
    started = time.perf_counter()
    cpu_started = time.process_time()
    if via_documents:  # generated as an exchange document and checked like any other
        document = generate_fleet_service(seed=seed, today=today, scale=scale, index=index, service_id=service_id)
        generated = time.perf_counter()
        facts = parse_document(document)
        del document
    else:  # the same facts, straight from the generator (tests/unit/demo prove them equal)
        facts = generate_fleet_facts(seed=seed, today=today, scale=scale, index=index, service_id=service_id)
        generated = time.perf_counter()
    parsed = time.perf_counter()
    bulk = can_bulk_load(facts.service.id)
    server_before = _server_cpu()
    if bulk:
        bulk_load_service(facts, actor=ACTOR)
    else:
        replace_service(facts, actor=ACTOR)
    written = time.perf_counter()
    server_after = _server_cpu()
    return ServiceLoad(
        index=index,
        ref=facts.service.id,
        records=count_records(facts),
        open_cases=sum(1 for c in facts.cases if c.closed is None),
        staff=len(facts.staff),
        bulk=bulk,
        generate_s=generated - started,
        parse_s=parsed - generated,
        write_s=written - parsed,
        cpu_s=time.process_time() - cpu_started,
        server_cpu_s=(server_after - server_before) if server_before is not None and server_after is not None else 0.0,
    )


def _server_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, when it runs on this machine
    (so that the figures can be read on a machine others are busy on too)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def _worker_start() -> None:
    # The parent closed its connections before forking: each worker opens its own.
    connections.close_all()


def load_scale(
    *, scale: str, seed: int, today: date, service_id: str = "DEMO", workers: int = 2, stream=None,
    via_documents: bool = False,
) -> FleetLoad:
    """Generate and load every service of `scale`, showing progress on `stream` (standard error)."""
    plan = service_plan(scale)
    # The largest services first, so that the workers finish together.
    order = sorted(range(len(plan)), key=lambda i: (-plan[i][1].open_cases, i))
    tasks = [(i, scale, seed, today, service_id, via_documents) for i in order]
    parallel = connection.vendor == "postgresql" and workers > 1 and len(tasks) > 1
    report = FleetLoad(scale=scale, workers=workers if parallel else 1)
    progress = FleetProgress(len(tasks), stream or sys.stderr)
    started = time.perf_counter()
    if parallel:
        connections.close_all()
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_worker_start, maxtasksperchild=20) as pool:
            for done in pool.imap_unordered(load_one, tasks):
                report.services.append(done)
                progress.update(report, time.perf_counter() - started)
    else:
        for task in tasks:
            report.services.append(load_one(task))
            progress.update(report, time.perf_counter() - started)
    statistics.gather_all()  # COPY leaves the planner's statistics behind: gather them at once
    report.seconds = time.perf_counter() - started
    report.services.sort(key=lambda s: s.index)
    progress.finish(report)
    return report


class FleetProgress:
    """Services done / total and records per second: a line that updates itself on a terminal,
    else a line every tenth of the services (for logs)."""

    def __init__(self, total: int, stream):
        self.total = total
        self.stream = stream
        self.tty = stream.isatty()
        self.next_line = 0

    def update(self, report: FleetLoad, elapsed: float) -> None:
        done = len(report.services)
        rate = report.records / elapsed if elapsed else 0.0
        left = elapsed / done * (self.total - done) if done else 0.0
        text = (
            f"services {done}/{self.total}, {report.records:,} records, {rate:,.0f} records/s, "
            f"{_clock(elapsed)} elapsed, about {_clock(left)} left"
        )
        if self.tty:
            self.stream.write(f"\r\033[K  {text}")
            self.stream.flush()
        elif done >= self.next_line or done == self.total:
            self.stream.write(f"  {text}\n")
            self.stream.flush()
            self.next_line = done + max(1, self.total // 10)

    def finish(self, report: FleetLoad) -> None:
        if self.tty:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}m{seconds:02d}s"
