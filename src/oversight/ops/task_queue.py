"""The background task queue (django-tasks-db's table): which worker holds a task, putting back the
tasks a dead worker left running, and the figures the health check judges (docs/operations.md).

django-tasks-db marks a task RUNNING when a worker takes it and SUCCESSFUL or FAILED when it ends.
A worker killed in between (SIGKILL, out of memory, a power cut) leaves it RUNNING for ever, and no
worker takes a RUNNING task again: a Stat Wednesday report queued that way was never produced.
`tasks_recover` puts such tasks back (status READY, the same row), when

- the worker that took it is gone: it ran on this host (its id, `worker_id_here`, names the host and
  the process) and that process no longer exists. This is what a restarted worker finds at once; or
- it has been running longer than the lease, `OVERSIGHT_TASK_LEASE_MINUTES` (default 30): a worker
  on another host, or one started with its own `--worker-id`.

A task still running past its lease may be slow rather than dead, so it can run twice: every task
must be safe to run again (a message is claimed once, a report is produced once per day).
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case, Count, F, Min, Q, When
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.crypto import get_random_string

log = logging.getLogger(__name__)

READY, RUNNING, FAILED = "READY", "RUNNING", "FAILED"
_HOST = socket.gethostname()[:40]


def lease() -> timedelta:
    return timedelta(minutes=settings.OVERSIGHT_TASK_LEASE_MINUTES)


def worker_id_here() -> str:
    """A worker id naming this host and process (`host:pid:random`), so that another process on the
    host can tell that the worker is gone. django-tasks-db allows 64 characters."""
    return f"{_HOST}:{os.getpid()}:{get_random_string(8)}"


def _worker_gone(worker_id: str) -> bool:
    host, _, rest = worker_id.partition(":")
    pid = rest.partition(":")[0]
    if host != _HOST or not pid.isdigit():
        return False  # another host's worker, or an id we did not make: only the lease can tell
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # a process of another user holds the number: alive as far as we can tell
        return False
    return False


def _model():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult


def tasks_recover(*, now: datetime | None = None) -> int:
    """Put back every task left RUNNING by a worker that is gone or past the lease; returns how many.
    Run when the worker starts and by each day's `oversight reminders`."""
    model = _model()
    now = now or timezone.now()
    expired = now - lease()
    count = 0
    for pk, started_at, worker_ids, task_path in model.objects.filter(status=RUNNING).values_list(
        "pk", "started_at", "worker_ids", "task_path"
    ):
        last_worker = worker_ids[-1] if worker_ids else ""
        if not (started_at is None or started_at <= expired or _worker_gone(last_worker)):
            continue
        # Conditional: a task that finished (or was taken again) since it was read is left as it is.
        if model.objects.filter(pk=pk, status=RUNNING, started_at=started_at).update(status=READY):
            log.warning("Task %s (%s) was left running by a worker that stopped: queued again", pk,
                        task_path.rpartition(".")[2])
            count += 1
    return count


@dataclass(frozen=True)
class QueueState:
    waiting: int  # ready to run now
    failed: int
    late: int  # ready to run for longer than OVERSIGHT_TASK_MAX_WAIT_MINUTES
    oldest_wait: timedelta | None  # how long the longest-waiting task has been ready
    stuck: int  # RUNNING for longer than the lease


def queue_state(*, now: datetime | None = None) -> QueueState:
    """Counts only, in one query: what the health check reports (never a task's arguments, which can
    name a person)."""
    from django_tasks_db.models import get_date_max

    now = now or timezone.now()
    asap = get_date_max()  # django-tasks-db's run_after for "as soon as a worker can"
    ready = Q(status=READY) & (Q(run_after=asap) | Q(run_after__lte=now))
    # A task waits from when it was queued or, if it was queued for later, from that moment.
    waiting_since = Case(When(run_after=asap, then=F("enqueued_at")), default=Greatest("enqueued_at", "run_after"))
    cutoff = now - timedelta(minutes=settings.OVERSIGHT_TASK_MAX_WAIT_MINUTES)
    figures = _model().objects.aggregate(
        waiting=Count("pk", filter=ready),
        failed=Count("pk", filter=Q(status=FAILED)),
        late=Count("pk", filter=ready & Q(enqueued_at__lte=cutoff) & (Q(run_after=asap) | Q(run_after__lte=cutoff))),
        oldest=Min(waiting_since, filter=ready),
        stuck=Count("pk", filter=Q(status=RUNNING, started_at__lte=now - lease())),
    )
    oldest = figures.pop("oldest")
    return QueueState(**figures, oldest_wait=(now - oldest) if oldest else None)
