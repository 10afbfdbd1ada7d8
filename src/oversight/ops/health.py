"""Health checks for load balancers and monitoring: the database and the task queue.

The answer names no person and no child; it says only whether each part works.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    pending = MigrationExecutor(connection).migration_plan(MigrationExecutor(connection).loader.graph.leaf_nodes())
    if pending:
        return {"ok": False, "detail": f"{len(pending)} migrations not applied: run 'oversight migrate'"}
    return {"ok": True, "detail": f"{connection.vendor} answers; migrations applied"}


def task_queue() -> dict:
    """The background task queue: reachable, and how much waits or failed."""
    if not apps.is_installed("django_tasks_db"):  # the package; its app label is django_tasks_database
        return {"ok": True, "detail": "no task queue configured"}
    model = apps.get_model("django_tasks_database", "DBTaskResult")
    waiting = model.objects.filter(status="READY").count()
    failed = model.objects.filter(status="FAILED").count()
    return {"ok": True, "detail": f"{waiting} tasks waiting, {failed} failed"}


CHECKS: dict[str, Callable[[], dict]] = {"database": database, "task_queue": task_queue}


def run_checks() -> tuple[bool, dict]:
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            result = check()
        except Exception as exc:  # a health check reports failures; it never raises them
            result = {"ok": False, "detail": f"{type(exc).__name__}: unavailable"}
        result["milliseconds"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    return all(r["ok"] for r in results.values()), results
