"""Structured logs (reliability issue, point 6): every line is JSON, carries the id of its request
(the same id the response's X-Request-ID header gives) or of its background task, and never holds
a child's name or what was written about them, errors included."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import path

from oversight.people.models import Case, Service
from oversight.urls import urlpatterns as site
from tests.web.test_two_sessions import signed_in

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "small-service.json"
CHILD = "Zebedee Quartermaine"  # E1's name for these tests: easy to find anywhere it leaks
NARRATIVE = "disclosed at the Hollybush flat"


def fails(request):
    """A page that fails the way a real one can: the exception's message quotes the row it was on."""
    case = Case.objects.get(ref="E1")
    raise RuntimeError(f"could not save the record of {case.name}: {request.POST.get('notes', '')}")


urlpatterns = [path("fails/", fails), *site]


@pytest.fixture
def logs():
    """What the configured console handler writes, as it writes it."""
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler))
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(old)


def lines(stream: io.StringIO) -> list[dict]:
    text = stream.getvalue()
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]  # each line one JSON object, or this fails


@pytest.fixture
def service():
    call_command("load", str(EXAMPLE))
    Case.objects.filter(ref="E1").update(name=CHILD)
    return Service.objects.get(ref="EX")


def test_each_request_logs_one_json_line_with_the_id_the_response_gives(service, logs):
    y1 = signed_in(service, "Y1")
    page = y1.get("/cases/E1/?q=" + CHILD.replace(" ", "+"))
    assert page.status_code == 200 and CHILD in page.content.decode()  # the page shows the name; the log must not
    api = y1.get("/api/cases/E1")
    logged = lines(logs)
    by_id = {line["request_id"]: line for line in logged if line["logger"] == "oversight.requests"}
    assert page["X-Request-ID"] != api["X-Request-ID"]
    first, second = by_id[page["X-Request-ID"]], by_id[api["X-Request-ID"]]
    assert (first["method"], first["route"], first["status"]) == ("GET", "cases/<str:ref>/", 200)
    assert first["level"] == "INFO" and first["duration_ms"] >= 0 and first["time"].endswith("+00:00")
    assert second["status"] == api.status_code and second["route"].startswith("api/")
    assert CHILD not in logs.getvalue() and "Zebedee" not in logs.getvalue()


@pytest.mark.parametrize("incoming, kept", [
    ("3f2a9c0e-5b7d-4e1a-9c3b-2d6f8a1e4b70", True),  # a proxy's UUID
    ("Root=1-67891233-abcdef012345678912345678", True),  # a load balancer's trace id
    ("x" * 129, False),  # too long
    ("Jane Example", False),  # a space: not an id
    ("abc\ninjected", False),  # a new line would forge a log line
    ("", False),
])
def test_a_sane_incoming_request_id_is_kept_and_anything_else_replaced(service, logs, incoming, kept):
    response = Client(HTTP_X_REQUEST_ID=incoming).get("/health")
    given = response["X-Request-ID"]
    assert (given == incoming) is kept
    if not kept:
        assert len(given) == 32 and int(given, 16) >= 0  # a fresh random id
    assert [line["request_id"] for line in lines(logs) if line["logger"] == "oversight.requests"] == [given]


def test_a_failing_page_logs_the_error_with_the_request_id_but_no_name_or_narrative(service, logs, settings):
    settings.ROOT_URLCONF = "tests.ops.test_logging"
    d1 = signed_in(service, "D1", raise_request_exception=False)
    response = d1.post(f"/fails/?child={CHILD.replace(' ', '+')}", {"notes": f"{CHILD} {NARRATIVE}"})
    assert response.status_code == 500
    logged = lines(logs)
    error = next(line for line in logged if line["level"] == "ERROR")
    assert error["request_id"] == response["X-Request-ID"]
    assert error["message"] == "Internal Server Error: /fails/"
    assert "builtins.RuntimeError (message not logged)" in error["exception"]
    assert 'in fails' in error["exception"]  # the frames are there to find the fault
    finished = next(line for line in logged if line["logger"] == "oversight.requests")
    assert (finished["request_id"], finished["status"]) == (response["X-Request-ID"], 500)
    text = logs.getvalue()
    for secret in (CHILD, "Zebedee", "Quartermaine", NARRATIVE, "Hollybush"):
        assert secret not in text, secret


def test_a_refused_form_logs_nothing_of_what_was_typed(service, logs):
    """A 200 with errors (a form refused) and a 404 (a guessed case) log no names either."""
    y1 = signed_in(service, "Y1")
    y1.post("/absences/new/", {"kind": f"{CHILD} {NARRATIVE}", "first_day-day": "31", "first_day-month": "2",
                               "first_day-year": "2026"})
    missing = y1.get("/cases/E9/")
    assert missing.status_code == 404
    text = logs.getvalue()
    logged = lines(logs)
    assert "Not Found: /cases/E9/" in [line["message"] for line in logged]  # Django's, after the middleware
    assert len({line["request_id"] for line in logged if "E9" in line["message"]}) == 1
    for secret in ("Zebedee", "Quartermaine", "Hollybush"):
        assert secret not in text, secret


@pytest.mark.django_db(transaction=True)  # the worker manages its own transactions and connections
def test_the_worker_logs_each_task_with_its_id_and_no_error_message(service, logs):
    from oversight.reports.tasks import produce_stat_wednesday

    result = produce_stat_wednesday.enqueue(CHILD, "2026-02-18")  # no such service: the task fails
    call_command("worker", batch=True, startup_delay=False, verbosity=1)
    logged = lines(logs)
    failed = next(line for line in logged if line["level"] == "ERROR")
    assert failed["task_id"] == str(result.id) and "request_id" not in failed
    assert "DoesNotExist (message not logged)" in failed["exception"]
    assert CHILD not in logs.getvalue()
    assert not any("task_id" in line for line in logged if "Starting worker" in line["message"])
