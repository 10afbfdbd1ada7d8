"""The real `oversight` console script, run as a separate process on a throw-away database.

SQLite: a file in a folder of its own (OVERSIGHT_VAR_DIR). PostgreSQL (when DATABASE_URL is set):
a database of its own on the same server, created here and dropped afterwards, so that killing a
process or restoring a backup never touches the suite's test database.
"""

from __future__ import annotations

import copy
import hashlib
import os
import pty
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import termios
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

SCRIPT = str(Path(sys.executable).with_name("oversight"))
LIMIT = 300  # seconds any one process may take before a test gives up on it


def _admin_connection():
    import psycopg

    return psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)


class ThrowawayDatabase:
    def __init__(self, folder: Path, *, create: bool = True) -> None:
        self.folder = folder
        self.var = folder / "var"
        self.var.mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
        self.env["OVERSIGHT_VAR_DIR"] = str(self.var)
        self.name: str | None = None
        base = os.environ.get("DATABASE_URL")
        if base:
            self.name = f"oversight_throwaway_{uuid.uuid4().hex[:12]}"
            self.env["DATABASE_URL"] = urlsplit(base)._replace(path=f"/{self.name}").geturl()
            if create:
                with _admin_connection() as admin:
                    admin.execute(f'CREATE DATABASE "{self.name}"')

    @property
    def engine(self) -> str:
        return "postgresql" if self.name else "sqlite"

    @property
    def sqlite_file(self) -> Path:
        return self.var / "oversight.sqlite3"

    # -- running the command -------------------------------------------------------------------
    def oversight(self, *args: str, timeout: float = 600, env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [SCRIPT, *args], check=False, capture_output=True, text=True, env=env or self.env, timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    def ok(self, *args: str) -> str:
        """Run a command that must succeed; its standard output."""
        result = self.oversight(*args)
        assert result.returncode == 0, f"oversight {' '.join(args)}: {result.returncode}\n{result.stderr}"
        return result.stdout

    def start(self, *args: str, **popen) -> subprocess.Popen:
        popen.setdefault("stdin", subprocess.DEVNULL)
        return subprocess.Popen([SCRIPT, *args], env=self.env, **popen)

    # -- what the database holds ---------------------------------------------------------------
    def fingerprint(self) -> dict[str, tuple[int, str]]:
        """Every table's row count and a digest of its rows (in any order): equal fingerprints mean
        the same rows everywhere, history and audit trail included."""
        if self.name is None:
            connection = sqlite3.connect(self.sqlite_file)
            try:
                tables = [t for (t,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
                return {t: _digest(connection.execute(f'SELECT * FROM "{t}"').fetchall()) for t in sorted(tables)}
            finally:
                connection.close()
        import psycopg

        with psycopg.connect(self.env["DATABASE_URL"]) as connection:
            tables = [t for (t,) in connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            # Sequences are left out: PostgreSQL never gives back numbers a rolled-back transaction took.
            return {t: _digest(connection.execute(f'SELECT * FROM "{t}"').fetchall()) for t in sorted(tables)}

    def clone(self, folder: Path) -> ThrowawayDatabase:
        """A copy of this database (nothing may be connected to it meanwhile)."""
        copy = ThrowawayDatabase(folder, create=False)
        if self.name is None:
            source, target = sqlite3.connect(self.sqlite_file), sqlite3.connect(copy.sqlite_file)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            with _admin_connection() as admin:
                admin.execute(f'CREATE DATABASE "{copy.name}" TEMPLATE "{self.name}"')
        return copy

    def drop(self) -> None:
        if self.name is not None:
            with _admin_connection() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        shutil.rmtree(self.var, ignore_errors=True)


def _digest(rows: list[tuple]) -> tuple[int, str]:
    digest = hashlib.sha256()
    for text in sorted(repr(row) for row in rows):
        digest.update(text.encode("utf-8", "backslashreplace"))
        digest.update(b"\n")
    return len(rows), digest.hexdigest()[:16]


class ThrowawayDatabases:
    """Creates throw-away databases for one test and drops every one of them afterwards.

    `new()` gives a migrated database, copied from `migrated` (migrating takes seconds, copying
    does not); `new(migrated=False)` an empty one, without a single table.
    """

    def __init__(self, folder: Path, migrated: ThrowawayDatabase) -> None:
        self.folder = folder
        self.migrated = migrated
        self.made: list[ThrowawayDatabase] = []

    def new(self, name: str = "db", *, migrated: bool = True) -> ThrowawayDatabase:
        if migrated:
            return self.clone(self.migrated, name)
        self.made.append(ThrowawayDatabase(self.folder / name))
        return self.made[-1]

    def clone(self, database: ThrowawayDatabase, name: str) -> ThrowawayDatabase:
        self.made.append(database.clone(self.folder / name))
        return self.made[-1]

    def drop_all(self) -> None:
        for database in self.made:
            database.drop()


# -- a load that takes a while, and watching it --------------------------------------------------
def changed_documents() -> tuple[dict, dict]:
    """A demo service, and a changed version touching every phase of a load: names changed in
    place (staff, cases), session lengths changed, contacts added, and contacts, milestones and
    oversight events removed (removals come last in a load, after every table is written)."""
    try:
        from oversight.demo.generate import generate_service

        first = keep_cases(generate_service(seed=3, today=date(2026, 11, 23), scale="demo"), every=4)
    except ImportError:  # the demo generator is not there: a busy service built for tests
        from oversight.exchange import to_document
        from tests.unit.policy.builders import large_service

        first = to_document(large_service(open_cases=100, years=3).build())
    second = copy.deepcopy(first)
    for record in (*second["staff"], *second["cases"]):
        record["name"] += " (changed)"
    for session in second["supervisions"]:
        session["minutes"] = (session["minutes"] or 60) + 5
    kept = [c for i, c in enumerate(second["contacts"]) if i % 5 > 1]
    seen = {(c["case"], c["date"], c["kind"]) for c in kept}
    for contact in second["contacts"][:600]:
        if (contact["case"], contact["date"], "video") not in seen:
            seen.add((contact["case"], contact["date"], "video"))
            kept.append({**contact, "kind": "video"})
    second["contacts"] = kept
    second["milestones"] = [m for i, m in enumerate(second["milestones"]) if i % 5]
    second["oversight_events"] = [e for i, e in enumerate(second["oversight_events"]) if i % 10]
    return first, second


def keep_cases(document: dict, every: int) -> dict:
    """The document with one case in `every`, one contact in `every` and the supervision sessions
    that discuss those cases (and one in `every` of the others), so that the tests are quick."""
    cases = {c["id"] for i, c in enumerate(document["cases"]) if i % every == 0}
    document["cases"] = [c for c in document["cases"] if c["id"] in cases]
    for name in ("allocations", "contacts", "milestones", "reallocations", "oversight_events"):
        document[name] = [r for r in document[name] if r["case"] in cases]
    for sheet in document["leave_sheets"]:
        sheet["cases"] = [line for line in sheet["cases"] if line["case"] in cases]
    for session in document["supervisions"]:
        session["discussions"] = [d for d in session["discussions"] if d["case"] in cases]
    document["supervisions"] = [s for i, s in enumerate(document["supervisions"]) if s["discussions"] or i % every == 0]
    document["contacts"] = document["contacts"][::every]
    return document


def kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=LIMIT)


# The name of each progress terminal, by its controlling side: a test can suspend its output.
_TERMINALS: dict[int, str] = {}


def start_with_progress(database, path, *more: str, command: str = "load") -> tuple[subprocess.Popen, int]:
    """Start `oversight load` (or `command`) with standard error on a terminal, so that it shows progress."""
    controller, terminal = pty.openpty()
    _TERMINALS[controller] = os.ttyname(terminal)
    process = database.start(command, str(path), *more, stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    return process, controller


def wait_for_progress(
    process: subprocess.Popen, controller: int, table: str, *, hold: bool = False
) -> Callable[[], None] | None:
    """Read the loader's progress until it reports `table` written (bounded by LIMIT).

    With `hold`, the loader is left stopped at its next progress line, inside its transaction (each
    table it writes afterwards reports progress before it commits), and the function returned lets
    it go on. The terminal's output is suspended (as Ctrl+S does) before each chunk is read, so a
    fast load cannot run on to its commit between the test seeing `table` and stopping it."""
    terminal = os.open(_TERMINALS[controller], os.O_RDWR | os.O_NOCTTY) if hold else None
    shown, deadline = b"", time.monotonic() + LIMIT
    while True:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"no progress for {table} within {LIMIT} s: {shown[-300:]!r}"
        ready, _, _ = select.select([controller], [], [], min(remaining, 5))
        if not ready:
            assert process.poll() is None, f"the load ended before {table}: {shown[-300:]!r}"
            continue
        if terminal is not None:
            termios.tcflow(terminal, termios.TCOOFF)
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed: the process has gone
            chunk = b""
        assert chunk, f"the load ended before reporting {table}: {shown[-300:]!r}"
        shown += chunk
        if f"{table}:".encode() in shown:
            break
        if terminal is not None:
            termios.tcflow(terminal, termios.TCOON)
    if terminal is None:
        return None

    def go_on() -> None:
        termios.tcflow(terminal, termios.TCOON)
        os.close(terminal)

    return go_on
