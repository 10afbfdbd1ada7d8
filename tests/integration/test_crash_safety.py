"""A load or CSV import killed with SIGKILL at any point leaves the database exactly as it was
(decision 0003).

The real `oversight load` runs as its own process on a throw-away database (a SQLite file, or a
PostgreSQL database of its own) holding a demo service. It starts loading a large changed
document and is killed:

- at moments in the load's progress, read from the progress it writes to a terminal: after the
  first table, in the middle of the tables, and while stale rows are being removed at the end;
- at fractions of the time one uninterrupted load of the same document takes (measured first, on
  a copy of the database).

After each kill every table (history and audit trail included) holds exactly the rows it held
before, and `oversight export` prints the same bytes. Then the load, run to the end, still works.
`oversight import_csv` is killed in the same ways, with a CMS export that renames everyone and
adds many cases.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import time

import pytest

from oversight.imports.csv_import import ALL_COLUMNS
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


def differences(before: tuple[dict, str], now: tuple[dict, str]) -> str:
    """Which tables changed (rows before -> after), and whether the export did, for a failure message."""
    tables = sorted(t for t in before[0].keys() | now[0].keys() if before[0].get(t) != now[0].get(t))
    counts = ", ".join(f"{t} {before[0].get(t, (None,))[0]}->{now[0].get(t, (None,))[0]}" for t in tables)
    return f"tables changed: {counts or 'none'}; export {'changed' if before[1] != now[1] else 'the same'}"


def kill_at_every_point(database, command: tuple[str, ...], phases: dict[str, str], duration: float,
                        after: str, reset: tuple[str, ...]) -> list[str]:
    """Start `command` again and again, killing it after each progress line of `phases` and after each
    of FRACTIONS of `duration` (one uninterrupted run), and judge each run all or nothing: killed, the
    database is exactly as before; finished before the kill landed (a busy machine), or killed after
    its commit, it holds the whole result (`after`, an export), and `reset` takes it back for the
    next kill. Returns the kills that landed in the middle of the work."""
    state = {"before": interrupted_state(database), "interrupted": []}
    assert state["before"][1] != after, "the command must change the service"
    name, path, *more = command

    def judge(process: subprocess.Popen, moment: str) -> None:
        now = interrupted_state(database)
        if process.returncode == 0 or now[1] == after:
            assert now[1] == after, f"{moment}: finished, but not the whole of it"
            database.ok(*reset)
            state["before"] = interrupted_state(database)
            return
        assert process.returncode == -signal.SIGKILL, f"{moment}: exit {process.returncode}"
        assert now == state["before"], f"{moment}: the database changed: {differences(state['before'], now)}"
        state["interrupted"].append(moment)

    for table, where in phases.items():
        process, controller = start_with_progress(database, path, *more, command=name)
        try:
            wait_for_progress(process, controller, table)
            kill(process)
        finally:
            os.close(controller)
        judge(process, f"killed {where}")

    for fraction in FRACTIONS:
        process = database.start(*command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            process.wait(timeout=fraction * duration)
        except subprocess.TimeoutExpired:
            kill(process)
        judge(process, f"killed after {fraction:.0%} of an uninterrupted run ({fraction * duration:.1f} s)")
    # Most kills must have landed in the middle of the work for the test to mean anything.
    assert len(state["interrupted"]) >= len(phases) + len(FRACTIONS) - 2, state["interrupted"]
    return state["interrupted"]


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

    kill_at_every_point(database, ("load", str(second_path)), PHASES, duration, after,
                        reset=("load", str(first_path)))

    # Nothing was left half-done, locked or damaged: the same load now runs to the end.
    assert "Loaded service" in database.ok("load", str(second_path))
    assert database.ok("export") == after


# -- `oversight import_csv` ------------------------------------------------------------------------
# The import writes the merged service with the same loader, table by table; progress shows each
# table written. Killed right after one of these, earlier tables are written and later ones not.
IMPORT_PHASES = {
    "staff": "with staff renamed, cases not yet",
    "cases": "with cases renamed and added, their allocations not yet",
    "allocations": "with allocations added, the other tables and the audit entry not yet",
}
NEW_CASES = 1500


def import_file(document: dict) -> bytes:
    """A CMS export against the service: every staff member and case renamed, their reporting lines
    and allocations as they stand, and NEW_CASES new cases, each allocated to a practitioner."""
    table = [ALL_COLUMNS]

    def add(record_type: str, **cells) -> None:
        table.append([record_type, *(cells.get(column, "") or "" for column in ALL_COLUMNS[1:])])

    for s in document["staff"]:
        add("staff", StaffID=s["id"], Name=s["name"] + " (imported)", Role=s["role"],
            Discipline=s["discipline"], Employment=s["employment"], Email=s["email"], StartDate=s["start"], EndDate=s["end"])
    for r in document["reporting_lines"]:
        add("reporting_line", StaffID=r["staff"], ManagerID=r["manager"], From=r["from"], To=r["to"])
    for c in document["cases"]:
        add("case", CaseID=c["id"], ChildName=c["name"] + " (imported)", DOB=c["date_of_birth"],
            OrderType=c["order_type"], Risk=c["risk"], Opened=c["opened"], Closed=c["closed"],
            PairedWorkerID=c["paired_worker"])
    for a in document["allocations"]:
        add("allocation", CaseID=a["case"], StaffID=a["staff"], From=a["from"], To=a["to"])
    holders = sorted({a["staff"] for a in document["allocations"] if a["to"] is None})
    staying = {s["id"] for s in document["staff"] if s["end"] is None}
    holders = [h for h in holders if h in staying]
    for number in range(NEW_CASES):
        case_id = f"IMP{number:05d}"
        add("case", CaseID=case_id, ChildName=f"Imported child {number}", OrderType="referral_order",
            Risk="medium", Opened="2026-11-02")
        add("allocation", CaseID=case_id, StaffID=holders[number % len(holders)], From="2026-11-02")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    return out.getvalue().encode()


def test_a_csv_import_killed_at_any_point_leaves_the_database_exactly_as_it_was(throwaway, tmp_path):
    """Issue 7: "a load or import killed with SIGKILL at any point leaves the database exactly as before"."""
    first, _ = changed_documents()
    first_path, csv_path = tmp_path / "first.json", tmp_path / "export.csv"
    first_path.write_text(json.dumps(first))
    csv_path.write_bytes(import_file(first))
    service = ("--service", first["service"]["id"])

    database = throwaway.new("service")
    assert "Loaded service" in database.ok("load", str(first_path))

    reference = throwaway.clone(database, "reference")
    started = time.monotonic()
    imported = reference.ok("import_csv", str(csv_path), *service)
    duration = time.monotonic() - started
    assert "added" in imported and "changed" in imported, imported
    after = reference.ok("export")
    assert f"Imported child {NEW_CASES - 1}" in after
    reference.drop()

    kill_at_every_point(database, ("import_csv", str(csv_path), *service), IMPORT_PHASES, duration, after,
                        reset=("load", str(first_path)))

    # Nothing half-done, locked or damaged: the same import now runs to the end.
    database.ok("import_csv", str(csv_path), *service)
    assert database.ok("export") == after
