"""A worker killed (SIGKILL) while it produces a Stat Wednesday report leaves its task RUNNING; the
restarted worker puts it back and the fortnight's report is produced exactly once, whether the worker
died before the report was saved or after (when only the task's own bookkeeping was left).

As in tests/messages/test_worker_crash.py, the worker is a real process on a database of its own. It
is held at a chosen point by a connection to this test: the report's production waits there until
the process is killed.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys

import pytest

from tests.messages.test_worker_crash import FIXTURE, oversight, own_database, python  # noqa: F401

pytestmark = pytest.mark.slow

DAY = "2026-02-18"  # a Stat Wednesday of the worked example

# The worker, held at `where` in producing the report: "unsaved" waits inside the report's
# transaction (lines written, nothing committed); "saved" waits after it committed, before the task
# is marked done.
HELD_WORKER = """
import os, socket
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
django.setup()
from oversight.reports import services

def wait_for_the_kill():
    held = socket.create_connection(("127.0.0.1", {port}))
    held.sendall(b"holding")
    held.recv(1)  # never answered: the test kills this process

if {where!r} == "unsaved":
    record = services.audit.record
    def held_record(**kwargs):
        record(**kwargs)
        if kwargs.get("object_type") == "stat_wednesday_report":
            wait_for_the_kill()
    services.audit.record = held_record
else:
    produce = services.stat_wednesday_produce
    def held_produce(**kwargs):
        result = produce(**kwargs)
        wait_for_the_kill()
        return result
    services.stat_wednesday_produce = held_produce

from oversight.cli import main
main(["worker", "--no-startup-delay", "--interval", "0.2", "-v", "0"])
"""

STATE = f"""
import json
from django_tasks_db.models import DBTaskResult
from oversight.audit.models import AuditEvent
from oversight.reports.models import StatWednesdayReport
reports = StatWednesdayReport.objects.filter(service__ref="EX", day="{DAY}")
print(json.dumps({{
    "reports": reports.count(),
    "lines": [r.lines.count() for r in reports],
    "tasks": sorted(DBTaskResult.objects.filter(task_path="oversight.reports.tasks.produce_stat_wednesday")
                    .values_list("status", flat=True)),
    "audited": AuditEvent.objects.filter(object_type="stat_wednesday_report", object_ref="{DAY}").count(),
}}))
"""


@pytest.mark.parametrize("where", ["unsaved", "saved"])
def test_a_worker_killed_producing_stat_wednesday_is_resumed_and_makes_one_report(own_database, where):
    env = own_database | {"OVERSIGHT_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    oversight(env, "migrate", "--no-input", "-v", "0", timeout=300)
    oversight(env, "load", str(FIXTURE))
    queued = oversight(env, "reminders", "--service", "EX", "--as-of", f"{DAY}T07:00")
    assert "Stat Wednesday report queued" in queued

    with socket.create_server(("127.0.0.1", 0)) as hold:
        hold.settimeout(120)
        code = HELD_WORKER.format(port=hold.getsockname()[1], where=where)
        worker = subprocess.Popen([sys.executable, "-c", code], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            held, _ = hold.accept()  # the worker is producing the report, and waits
            with held:
                assert held.recv(7) == b"holding"
                worker.send_signal(signal.SIGKILL)
                worker.wait(10)
        finally:
            if worker.poll() is None:
                worker.kill()

    state = json.loads(python(env, STATE))
    assert state["tasks"] == ["RUNNING"]  # left running by the dead worker: no worker would take it again
    assert state["reports"] == (1 if where == "saved" else 0)

    # The restarted worker finds the task's worker gone, puts the task back and runs it.
    restarted = oversight(env, "worker", "--batch", "--no-startup-delay", "-v", "1")
    assert "1 tasks left running by a stopped worker queued again" in restarted
    state = json.loads(python(env, STATE))
    assert state["tasks"] == ["SUCCESSFUL"]
    assert (state["reports"], state["audited"]) == (1, 1)
    lines = state["lines"]

    # The day's run again on the same Stat Wednesday queues the report again; it is not made twice.
    oversight(env, "reminders", "--service", "EX", "--as-of", f"{DAY}T09:00")
    oversight(env, "worker", "--batch", "--no-startup-delay", "-v", "0")
    state = json.loads(python(env, STATE))
    assert state["tasks"] == ["SUCCESSFUL", "SUCCESSFUL"]
    assert (state["reports"], state["audited"], state["lines"]) == (1, 1, lines)
