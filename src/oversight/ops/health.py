"""Health checks for load balancers and monitoring: the database and the task queue
(docs/operations.md, "Health check").

The answer names no person and no child: whether each part works, counts, and, when a part does not,
a fixed `reason` code a monitor can match on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cache

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder


@cache
def _migrations_in_code() -> tuple[tuple[tuple[str, str], tuple[tuple[str, str], ...]], ...]:
    """Every migration of this release, with those it replaces (a squashed migration). Read from disk
    once per process (about 40 ms): the code does not change under a running process; the database can."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return tuple((key, tuple(graph.nodes[key].replaces or ())) for key in graph.nodes)


def _migrations_not_applied() -> int:
    applied = MigrationRecorder(connection).applied_migrations()  # one query each probe
    return sum(
        1 for key, replaces in _migrations_in_code()
        if key not in applied and not (replaces and all(r in applied for r in replaces))
    )


def database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    pending = _migrations_not_applied()
    if pending:
        return {"ok": False, "reason": "migrations_not_applied",
                "detail": f"{pending} migrations not applied: run 'oversight migrate'"}
    return {"ok": True, "detail": f"{connection.vendor} answers; migrations applied"}


def task_queue() -> dict:
    """The background task queue: reachable, and a worker taking its tasks. Tasks waiting longer than
    OVERSIGHT_TASK_MAX_WAIT_MINUTES, or running longer than the lease, mean the worker is dead or stuck."""
    if not apps.is_installed("django_tasks_db"):  # the package; its app label is django_tasks_database
        return {"ok": True, "detail": "no task queue configured"}
    from oversight.ops.task_queue import lease, queue_state

    state = queue_state()
    oldest = int(state.oldest_wait.total_seconds()) if state.oldest_wait else 0
    result = {"ok": True, "detail": f"{state.waiting} tasks waiting, {state.failed} failed",
              "waiting": state.waiting, "failed": state.failed, "oldest_waiting_seconds": oldest,
              "running_past_lease": state.stuck}
    problems = []
    if state.stuck:
        problems.append(("tasks_running_past_lease", f"{state.stuck} running longer than the "
                         f"{int(lease().total_seconds() // 60)}-minute lease"))
    if state.late:
        problems.append(("tasks_waiting_too_long", f"{state.late} waiting longer than "
                         f"{settings.OVERSIGHT_TASK_MAX_WAIT_MINUTES} minutes (the oldest {oldest // 60})"))
    if problems:
        result.update(ok=False, reason=problems[0][0],
                      detail=f"{result['detail']}; " + "; ".join(text for _, text in problems)
                      + ": is `oversight worker` running?")
    return result


CHECKS: dict[str, Callable[[], dict]] = {"database": database, "task_queue": task_queue}


def run_checks() -> tuple[bool, dict]:
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            result = check()
        except Exception as exc:  # a health check reports failures; it never raises them
            result = {"ok": False, "reason": "unavailable", "detail": f"{type(exc).__name__}: unavailable"}
        result["milliseconds"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    return all(r["ok"] for r in results.values()), results
