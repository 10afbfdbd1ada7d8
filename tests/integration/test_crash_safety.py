"""A load killed with SIGKILL at any point leaves the database exactly as it was (decision 0003).

The real `oversight load` runs as its own process on a throw-away database (a SQLite file, or a
PostgreSQL database of its own) holding a demo service. It starts loading a large changed
document and is killed:

- at moments in the load's progress, read from the progress it writes to a terminal: after the
  first table, in the middle of the tables, and while stale rows are being removed at the end;
- at fractions of the time one uninterrupted load of the same document takes (measured first, on
  a copy of the database).

After each kill every table (history and audit trail included) holds exactly the rows it held
before, and `oversight export` prints the same bytes. Then the load, run to the end, still works.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest

from tests.integration.processes import changed_documents, kill, start_with_progress, wait_for_progress

pytestmark = pytest.mark.slow

# Progress lines the loader writes after each table, and where a kill right after one lands.
PHASES = {
    "staff": "the first table written, the other tables not yet",
    "contacts": "half-way through the tables",
    "oversight_events": "removing the rows the new document no longer holds",
}
FRACTIONS = (0.2, 0.45, 0.7)


def interrupted_state(database) -> tuple[dict, str]:
    return database.fingerprint(), database.ok("export")


def test_a_load_killed_at_any_point_leaves_the_database_exactly_as_it_was(throwaway, tmp_path):
    first, second = changed_documents()
    first_path, second_path = tmp_path / "first.json", tmp_path / "second.json"
    first_path.write_text(json.dumps(first))
    second_path.write_text(json.dumps(second))

    database = throwaway.new("service")
    assert "Loaded service" in database.ok("load", str(first_path))

    # One uninterrupted load of the changed document, on a copy: how long it takes, what it gives.
    reference = throwaway.clone(database, "reference")
    started = time.monotonic()
    loaded = reference.ok("load", str(second_path))
    duration = time.monotonic() - started
    assert "changed" in loaded and "removed" in loaded, loaded
    after = reference.ok("export")
    reference.drop()

    state = {"before": interrupted_state(database), "interrupted": []}
    assert state["before"][1] != after, "the changed document must change the service"

    def judge(process: subprocess.Popen, moment: str) -> None:
        """All or nothing: killed, the database is exactly as before; finished before the kill
        landed (a busy machine), it holds the whole new document and goes back for the next kill."""
        if process.returncode == 0:
            assert database.ok("export") == after, f"{moment}: finished, but not the whole document"
            database.ok("load", str(first_path))
            state["before"] = interrupted_state(database)
            return
        assert process.returncode == -signal.SIGKILL, f"{moment}: exit {process.returncode}"
        assert interrupted_state(database) == state["before"], f"{moment}: the database changed"
        state["interrupted"].append(moment)

    for table, where in PHASES.items():
        process, controller = start_with_progress(database, second_path)
        try:
            wait_for_progress(process, controller, table)
            kill(process)
        finally:
            os.close(controller)
        judge(process, f"killed {where}")

    for fraction in FRACTIONS:
        process = database.start("load", str(second_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            process.wait(timeout=fraction * duration)
        except subprocess.TimeoutExpired:
            kill(process)
        judge(process, f"killed after {fraction:.0%} of an uninterrupted load ({fraction * duration:.1f} s)")
    # Most kills must have landed in the middle of a load for the test to mean anything.
    assert len(state["interrupted"]) >= len(PHASES) + len(FRACTIONS) - 2, state["interrupted"]

    # Nothing was left half-done, locked or damaged: the same load now runs to the end.
    assert "Loaded service" in database.ok("load", str(second_path))
    assert database.ok("export") == after
