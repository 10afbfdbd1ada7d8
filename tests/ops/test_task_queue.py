"""Tasks a dead worker left RUNNING are put back by the day's `oversight reminders` (and by the worker
at its start: tests/reports/test_worker_crash.py kills a real one): past the lease, or at once when
the worker ran on this host and its process is gone. A task still held by a live worker is left alone."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from oversight.ops.task_queue import worker_id_here
from oversight.reports.models import StatWednesdayReport
from oversight.reports.tasks import produce_stat_wednesday
from tests.messages.test_reminders import run_queued_tasks
from tests.reports.fixtures import clock, service  # noqa: F401

pytestmark = pytest.mark.django_db


def running(day: str, *, worker: str, started):
    """A Stat Wednesday task taken by `worker` at `started` that never finished."""
    result = produce_stat_wednesday.enqueue(service_ref="EX", day=day)
    DBTaskResult.objects.filter(pk=result.id).update(status="RUNNING", started_at=started, worker_ids=[worker])
    return result.id


def status(pk) -> str:
    return DBTaskResult.objects.get(pk=pk).status


def a_dead_process_id() -> int:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(finished.stdout)


def test_the_days_run_puts_back_what_a_dead_worker_left_running(service, clock, settings, capsys):
    settings.OVERSIGHT_TASK_LEASE_MINUTES = 30
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}  # the digests
    now = clock("2026-02-19 07:00")
    here = worker_id_here().rsplit(":", 2)[0]
    past_lease = running("2026-02-04", worker="another-host:4242:abcdefgh", started=now - timedelta(minutes=31))
    dead_here = running("2026-02-18", worker=f"{here}:{a_dead_process_id()}:abcdefgh",
                        started=now - timedelta(minutes=2))
    alive_elsewhere = running("2026-01-21", worker="another-host:4242:ijklmnop", started=now - timedelta(minutes=29))

    call_command("reminders", "--service", "EX")

    assert "2 tasks left running by a stopped worker queued again" in capsys.readouterr().out
    assert (status(past_lease), status(dead_here), status(alive_elsewhere)) == ("READY", "READY", "RUNNING")
    run_queued_tasks()
    assert sorted(str(d) for d in StatWednesdayReport.objects.values_list("day", flat=True)) == [
        "2026-02-04", "2026-02-18"]

    # Run again: nothing more to put back, and no report made twice.
    call_command("reminders", "--service", "EX")
    assert "left running" not in capsys.readouterr().out
    assert StatWednesdayReport.objects.count() == 2
