"""A worker killed mid-send (SIGKILL, after GOV.UK Notify accepted the message and before the worker
recorded it) and then restarted sends no message twice: counted at the fake Notify server.

The worker runs as a real `oversight worker` process against its own database (a SQLite file, or a
throw-away PostgreSQL database on the suite's server when DATABASE_URL is set).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from .fakes import NOTIFY_KEY, FakeNotify

pytestmark = pytest.mark.slow

OVERSIGHT = str(Path(sys.executable).parent / "oversight")
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "small-service.json"
MESSAGES = 5

SET_UP = f"""
from oversight.messages.models import MessagingSettings
from oversight.messages.services import message_enqueue
from oversight.people.models import Service
service = Service.objects.get(ref="EX")
MessagingSettings.objects.create(service=service, notify_api_key={NOTIFY_KEY!r}, notify_email_template="t")
for n in range({MESSAGES}):
    message_enqueue(service=service, kind="test", dedupe_key=f"crash-{{n}}", recipient=f"p{{n}}@example.org",
                    subject="Hello", body="Words")
"""
STATE = """
import json
from oversight.messages.models import Message
print(json.dumps([[m.reference, m.status, m.attempts] for m in Message.objects.order_by("pk")]))
"""


@pytest.fixture
def own_database(tmp_path):
    """Environment variables for commands that use a database of their own."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(OVERSIGHT_LOG_LEVEL="ERROR", OVERSIGHT_MESSAGE_LEASE_SECONDS="2", PYTHONUNBUFFERED="1")
    url = os.environ.get("DATABASE_URL")
    if not url:
        env["OVERSIGHT_VAR_DIR"] = str(tmp_path / "var")
        yield env
        return
    import psycopg

    server, _, _ = url.rpartition("/")
    name = f"oversight_crash_{secrets.token_hex(4)}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = f"{server}/{name}"
    try:
        yield env
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def oversight(env, *args, timeout=180) -> str:
    done = subprocess.run([OVERSIGHT, *args], env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def python(env, code: str) -> str:
    return oversight(env, "shell", "--no-imports", "-c", code)


def test_a_killed_worker_restarted_sends_nothing_twice(own_database):
    env = own_database
    with FakeNotify(hold_first=True) as notify:
        env["OVERSIGHT_NOTIFY_BASE_URL"] = notify.url
        oversight(env, "migrate", "--no-input", "-v", "0", timeout=300)
        oversight(env, "load", str(FIXTURE))
        python(env, SET_UP)

        worker = subprocess.Popen([OVERSIGHT, "worker", "--no-startup-delay", "--interval", "0.2", "-v", "0"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert notify.holding.wait(90), "the worker never sent the first message"
            worker.send_signal(signal.SIGKILL)  # Notify has accepted message 1; the worker never hears so
            worker.wait(10)
        finally:
            if worker.poll() is None:
                worker.kill()
        notify.release.set()
        interrupted = notify.sent[0]["reference"]
        state = json.loads(python(env, STATE))
        assert dict((ref, status) for ref, status, _ in state)[interrupted] == "sending"

        time.sleep(2.5)  # the killed worker's lease on message 1 runs out
        oversight(env, "worker", "--batch", "--no-startup-delay", "-v", "0")
        oversight(env, "worker", "--batch", "--no-startup-delay", "-v", "0")  # and once more: nothing to do

        state = json.loads(python(env, STATE))
        assert [status for _, status, _ in state] == ["sent"] * MESSAGES
        counts = Counter(notify.references())
        assert sorted(counts) == sorted(ref for ref, _, _ in state)
        assert set(counts.values()) == {1}, f"sent more than once: {counts}"
        assert interrupted in notify.lookups  # the restarted worker asked Notify before sending again
