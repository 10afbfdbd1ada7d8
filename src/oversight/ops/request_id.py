"""Request and task ids in the logs (docs/operations.md, "Logs").

`RequestIdMiddleware` gives each request an id: the proxy's `X-Request-ID` when it looks like an id
(letters, digits and `._:+=-`, at most 128), else a new random one. The id is returned in the
response's `X-Request-ID` header, so that a person reporting a problem (or the 500 page's network
trace) can quote it, and every log line of the request carries it. One line is logged when the
request finishes: method, the URL's route pattern (`cases/<str:ref>/`, never the address itself,
which can hold a case reference or a calendar feed's secret), status and duration.

The worker (`oversight worker`) does the same for each task with the task's id, through the tasks
framework's start and finish signals (connected in `OpsConfig.ready`).
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from oversight.security.logging import bind, clear, unbind

HEADER = "X-Request-ID"
SANE = re.compile(r"[A-Za-z0-9._:+=-]{1,128}")

requests_log = logging.getLogger("oversight.requests")


def request_id_for(incoming: str | None) -> str:
    if incoming and SANE.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Binds the id for the rest of the request: Django logs a 4xx or 5xx response (`Not Found: …`)
    after the last middleware has returned, so the id stays until `request_finished` clears it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_for(request.headers.get(HEADER))
        request.request_id = request_id
        started = time.perf_counter()
        clear()
        bind(request_id=request_id)
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        requests_log.info(
            "%s %s %s", request.method, match.route if match else "(no route)", response.status_code,
            extra={"method": request.method, "route": match.route if match else None,
                   "view": match.view_name if match else None, "status": response.status_code,
                   "duration_ms": round((time.perf_counter() - started) * 1000, 1)},
        )
        response[HEADER] = request_id
        return response


def request_finished(sender, **kwargs) -> None:
    clear()


# --- The worker: each task's lines carry its id ------------------------------------------------------
_tasks: dict[str, object] = {}


def task_started(sender, task_result, **kwargs) -> None:
    _tasks[task_result.id] = bind(task_id=str(task_result.id))


def task_finished(sender, task_result, **kwargs) -> None:
    token = _tasks.pop(task_result.id, None)
    if token is not None:
        unbind(token)
