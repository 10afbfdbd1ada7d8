"""The health endpoint tells a load balancer whether Oversight can serve (reliability issue, point 6)."""

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_health_is_ok_when_the_database_answers(client):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_health_is_503_when_a_check_fails_and_names_no_detail_of_the_error(client, monkeypatch):
    from oversight.ops import health

    def refused():
        raise OperationalError("could not connect to server at 10.0.0.5 as user oversight")

    monkeypatch.setitem(health.CHECKS, "database", refused)
    response = client.get("/health")
    assert response.status_code == 503
    check = response.json()["checks"]["database"]
    assert (check["ok"], check["detail"]) == (False, "OperationalError: unavailable")
    assert "10.0.0.5" not in response.content.decode()


def test_health_reports_the_task_queue(client):
    checks = client.get("/health").json()["checks"]
    assert checks["task_queue"]["ok"] is True
    assert "tasks waiting" in checks["task_queue"]["detail"]


# -- the task queue: a worker taking its tasks -----------------------------------------------------
def queued(*, waiting_minutes: float = 0, run_after_minutes_ago: float | None = None):
    """A task queued `waiting_minutes` ago (or queued for `run_after_minutes_ago`), not yet taken."""
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from oversight.reports.tasks import produce_stat_wednesday

    task = produce_stat_wednesday
    if run_after_minutes_ago is not None:
        task = task.using(run_after=timezone.now() - timedelta(minutes=run_after_minutes_ago))
    result = task.enqueue(service_ref="EX", day="2026-02-18")
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - timedelta(minutes=waiting_minutes))
    return result.id


def test_a_task_waiting_longer_than_the_limit_means_no_worker_is_running(client, settings):
    settings.OVERSIGHT_TASK_MAX_WAIT_MINUTES = 15
    queued(waiting_minutes=10)
    assert client.get("/health").status_code == 200  # a busy worker, not a dead one

    queued(waiting_minutes=16)
    response = client.get("/health")
    assert response.status_code == 503
    check = response.json()["checks"]["task_queue"]
    assert (check["ok"], check["reason"], check["waiting"], check["running_past_lease"]) == (
        False, "tasks_waiting_too_long", 2, 0)
    assert 16 * 60 <= check["oldest_waiting_seconds"] < 17 * 60
    assert "is `oversight worker` running?" in check["detail"]
    assert "EX" not in response.content.decode() and "2026-02-18" not in response.content.decode()  # no arguments


def test_a_task_queued_for_later_waits_from_its_time(client, settings):
    settings.OVERSIGHT_TASK_MAX_WAIT_MINUTES = 15
    queued(waiting_minutes=120, run_after_minutes_ago=5)  # a message's retry, due five minutes ago
    check = client.get("/health").json()["checks"]["task_queue"]
    assert (check["ok"], check["waiting"]) == (True, 1)
    assert 5 * 60 <= check["oldest_waiting_seconds"] < 6 * 60


def test_a_task_running_past_the_lease_means_its_worker_died(client, settings):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    settings.OVERSIGHT_TASK_LEASE_MINUTES = 30
    pk = queued()
    DBTaskResult.objects.filter(pk=pk).update(status="RUNNING", started_at=timezone.now() - timedelta(minutes=20))
    assert client.get("/health").status_code == 200  # running, within the lease
    DBTaskResult.objects.filter(pk=pk).update(started_at=timezone.now() - timedelta(minutes=31))
    response = client.get("/health")
    check = response.json()["checks"]["task_queue"]
    assert response.status_code == 503
    assert (check["ok"], check["reason"], check["running_past_lease"]) == (False, "tasks_running_past_lease", 1)


# -- the database's migrations ------------------------------------------------------------------------
def test_migrations_are_read_from_disk_once_and_checked_against_the_database_each_time(client, monkeypatch):
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    from oversight.ops import health

    builds = []
    build_graph = MigrationLoader.build_graph
    monkeypatch.setattr(MigrationLoader, "build_graph", lambda self: builds.append(1) or build_graph(self))
    health._migrations_in_code.cache_clear()
    assert [client.get("/health").status_code for _ in range(3)] == [200, 200, 200]
    assert len(builds) == 1

    # The database going back (a restore of an older backup) is still seen at the next probe.
    MigrationRecorder(connection).record_unapplied("reports", "0001_initial")
    response = client.get("/health")
    check = response.json()["checks"]["database"]
    assert response.status_code == 503
    assert (check["reason"], check["detail"]) == ("migrations_not_applied",
                                                  "1 migrations not applied: run 'oversight migrate'")
    assert len(builds) == 1
