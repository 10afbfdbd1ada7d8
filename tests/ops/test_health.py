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
