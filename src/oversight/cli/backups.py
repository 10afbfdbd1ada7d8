"""Backing up and restoring the configured database (`oversight backup`, `oversight restore`).

SQLite is copied with SQLite's online backup API, which reads one consistent snapshot while other
connections keep writing (WAL mode). PostgreSQL is dumped with `pg_dump --format=custom` and
restored with `pg_restore` in one transaction. The connection settings come from Django's
DATABASES; a password reaches the PostgreSQL tools through the PGPASSWORD environment variable,
never their command line (where any user of the machine could read it).

Bad input (a missing file, a file that is not a backup for this engine, a missing client tool, a
database that holds data when --yes was not given) exits 2; a failing database or tool exits 1.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import CommandError

from oversight.cli.common import bad_input

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"  # pg_dump's custom format
SUFFIXES = {SQLITE: ".sqlite3", POSTGRESQL: ".dump"}
ENGINE_NAMES = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}
# Rows `oversight migrate` writes by itself: a database holding only these is empty.
SETUP_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})
# Tables every Oversight database has, so a file without them is not an Oversight backup.
REQUIRED_TABLES = ("django_migrations", "people_service")
FAILED = 1


def failed(message: str) -> CommandError:
    """A database or a tool failed (not the user's input): exit status 1, the reason in a line."""
    return CommandError(message, returncode=FAILED)


def engine_of(database: dict) -> str:
    engine = database["ENGINE"]
    if engine.endswith("sqlite3"):
        return SQLITE
    if engine.endswith("postgresql"):
        return POSTGRESQL
    raise bad_input(f"backups of the {engine} engine are not supported (SQLite and PostgreSQL are)")


def kind_of_file(path: Path) -> str | None:
    """Which engine a backup file is for, from its first bytes (None: neither)."""
    with open(path, "rb") as file:
        head = file.read(len(SQLITE_HEADER))
    if head.startswith(SQLITE_HEADER):
        return SQLITE
    if head.startswith(PG_DUMP_HEADER):
        return POSTGRESQL
    return None


def default_backup_path(var_dir: Path, engine: str, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return Path(var_dir) / "backups" / f"oversight-{stamp}{SUFFIXES[engine]}"


def size_text(size: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit} ({size:,} bytes)"
    return f"{size:,} bytes"


def partial_path(target: Path) -> Path:
    """Where a backup is written before it is complete; renamed into place only when it is."""
    return target.with_name(f".{target.name}.partial")


def remove_quietly(path: Path) -> None:
    for leftover in (path, Path(f"{path}-journal")):
        try:
            leftover.unlink()
        except FileNotFoundError:
            pass


# -- SQLite --------------------------------------------------------------------------------------
def _regexp(pattern: str | None, value: object) -> bool | None:
    """Django's REGEXP for SQLite, which CHECK constraints use (`PRAGMA quick_check` checks them)."""
    if pattern is None or value is None:
        return None
    return re.search(pattern, str(value)) is not None


def _connect(target: str | Path, **options) -> sqlite3.Connection:
    connection = sqlite3.connect(target, **options)
    connection.create_function("REGEXP", 2, _regexp, deterministic=True)
    return connection


def sqlite_backup(source: Path, target: Path) -> None:
    """Copy the live database `source` to `target` with the online backup API (one consistent
    snapshot, taken in one step while writers carry on), as a single self-contained file."""
    if not source.exists():
        raise failed(f"there is no database at {source}: nothing to back up (has 'oversight migrate' been run?)")
    partial = partial_path(target)
    remove_quietly(partial)
    try:
        live = _connect(source, timeout=20)
        copy = _connect(partial)
        try:
            live.backup(copy)
            # The copy keeps no write-ahead log beside it: one file is the whole backup.
            copy.execute("PRAGMA journal_mode=DELETE")
            check = copy.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            copy.close()
            live.close()
        if check != "ok":
            raise failed(f"the backup of {source} did not pass SQLite's check ({check}); nothing was kept")
        os.replace(partial, target)
    except sqlite3.Error as error:
        raise failed(f"could not back up {source}: {error}") from None
    finally:
        remove_quietly(partial)


def sqlite_check_backup(path: Path) -> None:
    """The file is an intact SQLite database holding Oversight's tables (bad input otherwise)."""
    try:
        backup = _connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            check = backup.execute("PRAGMA quick_check").fetchone()[0]
            tables = {name for (name,) in backup.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            backup.close()
    except sqlite3.Error as error:
        raise bad_input(f"{path} cannot be read as a SQLite backup: {error}") from None
    if check != "ok":
        raise bad_input(f"{path} is damaged (SQLite's check says: {check}); choose another backup")
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        raise bad_input(f"{path} is a SQLite database but not an Oversight backup (it has no {', '.join(missing)} table)")


def sqlite_restore(backup: Path, target: Path) -> None:
    """Copy `backup` over the configured database with the backup API, in one step."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        source = _connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
        live = _connect(target, timeout=20)
        try:
            source.backup(live)
            live.execute("PRAGMA journal_mode=WAL")  # as the application uses it
        finally:
            live.close()
            source.close()
    except sqlite3.Error as error:
        raise failed(f"could not restore {backup} into {target}: {error}") from None


# -- PostgreSQL ----------------------------------------------------------------------------------
_PG_OPTIONS = {  # connection OPTIONS the client tools read from the environment
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def pg_environment(database: dict) -> dict[str, str]:
    """The environment for pg_dump and pg_restore: the connection settings, password included."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                          ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")):
        value = database.get(key)
        if value not in (None, ""):
            env[variable] = str(value)
    for option, variable in _PG_OPTIONS.items():
        value = (database.get("OPTIONS") or {}).get(option)
        if isinstance(value, (str, int)):
            env[variable] = str(value)
    return env


def pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise bad_input(
            f"{name} was not found on the PATH: install the PostgreSQL client tools "
            "(e.g. 'apt-get install postgresql-client', of the server's major version or newer)"
        )
    return path


def run_tool(args: list[str], env: dict[str, str], what: str) -> None:
    try:
        result = subprocess.run(args, check=False, env=env, capture_output=True, text=True)
    except OSError as error:
        raise failed(f"could not run {args[0]}: {error}") from None
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        reason = "; ".join(lines[:3]) or f"exit status {result.returncode}"
        raise failed(f"{what} failed: {reason}")


def pg_backup(database: dict, target: Path) -> None:
    pg_dump = pg_tool("pg_dump")
    partial = partial_path(target)
    remove_quietly(partial)
    try:
        # pg_dump reads one snapshot: the dump is consistent while others write.
        run_tool([pg_dump, "--format=custom", "--no-password", f"--file={partial}"],
                 pg_environment(database), "pg_dump")
        os.replace(partial, target)
    finally:
        remove_quietly(partial)


def pg_check_backup(path: Path, database: dict) -> None:
    pg_restore = pg_tool("pg_restore")
    result = subprocess.run([pg_restore, "--list", str(path)], check=False, env=pg_environment(database),
                            capture_output=True, text=True)
    if result.returncode != 0:
        reason = result.stderr.strip().splitlines()[0] if result.stderr.strip() else "unreadable"
        raise bad_input(f"{path} cannot be read as a pg_dump archive: {reason}")
    listed = result.stdout
    missing = [t for t in REQUIRED_TABLES if f" TABLE public {t} " not in listed]
    if missing:
        raise bad_input(f"{path} is a pg_dump archive but not an Oversight backup (it has no {', '.join(missing)} table)")


def pg_restore(database: dict, backup: Path) -> None:
    pg_restore_ = pg_tool("pg_restore")
    run_tool(
        [pg_restore_, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
         "--no-password", f"--dbname={database['NAME']}", str(backup)],
        pg_environment(database), "pg_restore",
    )


# -- what the database holds -----------------------------------------------------------------------
def tables_with_data(connection) -> list[str]:
    """Tables holding rows beyond what `migrate` writes by itself (empty list: an empty database)."""
    with connection.cursor() as cursor:
        names = sorted(set(connection.introspection.table_names(cursor)) - SETUP_TABLES)
        holding = []
        for name in names:
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(name)} LIMIT 1")
            if cursor.fetchone() is not None:
                holding.append(name)
        return holding


def service_refs(connection) -> list[str]:
    with connection.cursor() as cursor:
        if "people_service" not in connection.introspection.table_names(cursor):
            return []
        cursor.execute("SELECT ref FROM people_service ORDER BY ref")
        return [ref for (ref,) in cursor.fetchall()]


def pending_migrations(connection) -> list[str]:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
