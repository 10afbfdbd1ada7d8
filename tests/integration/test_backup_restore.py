"""`oversight backup` and `oversight restore` (docs/operations.md), through the real console script
on throw-away databases: SQLite's online backup API, or pg_dump and pg_restore on PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from tests.integration.processes import changed_documents, kill, start_with_progress, wait_for_progress
from tests.unit.exchange.documents import full_document

AS_OF = "2026-02-18T12:00"


def suffix(database) -> str:
    return ".dump" if database.engine == "postgresql" else ".sqlite3"


def service(database, tmp_path: Path, document: dict | None = None, name: str = "service.json") -> str:
    """Migrate, load a service (every list of the exchange format used) and return its export."""
    document = document or full_document()
    path = tmp_path / name
    path.write_text(json.dumps(document))
    database.ok("load", str(path))
    return database.ok("export", "--service", document["service"]["id"])


def refused(result: subprocess.CompletedProcess, *expected: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    for text in expected:
        assert text in result.stderr, result.stderr


def test_a_backup_restored_into_an_empty_database_gives_the_same_service(throwaway, tmp_path):
    source = throwaway.new("source")
    exported = service(source, tmp_path)
    findings = source.ok("findings", "--as-of", AS_OF, "--format", "json")
    assert len(json.loads(findings)) > 0

    written = source.ok("backup")  # to the default place
    backup = Path(re.search(r" to (\S+): ", written)[1])
    assert backup.parent == source.var / "backups"
    assert re.fullmatch(r"oversight-\d{8}T\d{6}Z" + re.escape(suffix(source)), backup.name), backup.name
    assert f"{backup.stat().st_size:,} bytes" in written
    assert not list(backup.parent.glob(".*partial*")), "no half-written file is left behind"

    empty = throwaway.new("empty", migrated=False)  # not a single table
    restored = empty.ok("restore", str(backup))
    assert "1 service (MCR)" in restored
    assert empty.ok("export") == exported
    assert empty.ok("findings", "--as-of", AS_OF, "--format", "json") == findings
    assert "is intact" in empty.ok("audit", "verify")  # the audit trail's chain survives the trip


def test_a_backup_never_overwrites_a_file(throwaway, tmp_path):
    database = throwaway.new()
    service(database, tmp_path)
    target = tmp_path / f"nightly{suffix(database)}"
    database.ok("backup", str(target))
    before = target.read_bytes()
    refused(database.oversight("backup", str(target)), "already exists")
    assert target.read_bytes() == before
    refused(database.oversight("backup", str(tmp_path / "no-such-folder" / "b")), "does not exist")


def test_restore_replaces_a_database_holding_data_only_with_yes(throwaway, tmp_path):
    database = throwaway.new()
    exported = service(database, tmp_path)
    backup = tmp_path / f"before{suffix(database)}"
    database.ok("backup", str(backup))
    other = full_document()
    other["service"]["id"] = "OTHER"
    service(database, tmp_path, other, "other.json")
    holding = database.fingerprint()

    refused(database.oversight("restore", str(backup)), "is not empty", "MCR, OTHER", "--yes")
    assert database.fingerprint() == holding, "a refused restore changes nothing"

    assert "1 service (MCR)" in database.ok("restore", str(backup), "--yes")
    assert database.ok("export") == exported  # one service again: OTHER is gone
    refused(database.oversight("export", "--service", "OTHER"), "no service with id 'OTHER'")


def test_restore_refuses_what_is_not_a_backup_for_this_database(throwaway, tmp_path):
    database = throwaway.new()
    service(database, tmp_path)
    holding = database.fingerprint()

    refused(database.oversight("restore", str(tmp_path / "missing.dump")), "no such backup file")
    (tmp_path / "notes.txt").write_text("not a backup")
    refused(database.oversight("restore", "--yes", str(tmp_path / "notes.txt")), "is not a backup")
    stranger = tmp_path / "stranger.sqlite3"  # a SQLite database, but not Oversight's
    with sqlite3.connect(stranger) as connection:
        connection.execute("CREATE TABLE t (x)")
    connection.close()
    if database.engine == "sqlite":
        refused(database.oversight("restore", "--yes", str(stranger)), "not an Oversight backup")
        (tmp_path / "other.dump").write_bytes(b"PGDMP\x01\x0e\x00" + bytes(100))
        refused(database.oversight("restore", "--yes", str(tmp_path / "other.dump")),
                "is a PostgreSQL backup but the configured database is SQLite")
    else:
        refused(database.oversight("restore", "--yes", str(stranger)),
                "is a SQLite backup but the configured database is PostgreSQL")
        (tmp_path / "damaged.dump").write_bytes(b"PGDMP" + bytes(100))
        refused(database.oversight("restore", "--yes", str(tmp_path / "damaged.dump")), "cannot be read")
    assert database.fingerprint() == holding


def test_backup_without_pg_dump_says_what_to_install(throwaway, tmp_path):
    database = throwaway.new()
    service(database, tmp_path)
    without_client_tools = dict(database.env, PATH=str(Path(sys.executable).parent))
    result = database.oversight("backup", str(tmp_path / f"b{suffix(database)}"), env=without_client_tools)
    if database.engine == "postgresql":
        refused(result, "pg_dump was not found", "postgresql-client")
    else:  # SQLite needs no client tools
        assert result.returncode == 0, result.stderr


def test_the_postgresql_password_reaches_pg_dump_only_through_its_environment(tmp_path):
    """Anyone on the machine can read a command line (ps); the environment only the user can."""
    tools = tmp_path / "bin"
    tools.mkdir()
    spy = tools / "pg_dump"
    record = tmp_path / "pg_dump.json"
    spy.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        f"json.dump({{'argv': sys.argv, 'PGPASSWORD': os.environ.get('PGPASSWORD'),"
        f" 'PGDATABASE': os.environ.get('PGDATABASE')}}, open({str(record)!r}, 'w'))\n"
        "target = [a.split('=', 1)[1] for a in sys.argv if a.startswith('--file=')][0]\n"
        "open(target, 'wb').write(b'PGDMP fake')\n"
    )
    spy.chmod(spy.stat().st_mode | stat.S_IEXEC)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {"PATH": f"{tools}{os.pathsep}{env.get('PATH', '')}", "OVERSIGHT_VAR_DIR": str(tmp_path / "var"),
            "DATABASE_URL": "postgres://oversight:s3cret-w0rd@db.example:5432/oversight"}
    script = str(Path(sys.executable).with_name("oversight"))
    result = subprocess.run([script, "backup", str(tmp_path / "b.dump")], capture_output=True, text=True,
                            env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    called = json.loads(record.read_text())
    assert called["PGPASSWORD"] == "s3cret-w0rd" and called["PGDATABASE"] == "oversight"
    assert not any("s3cret" in argument for argument in called["argv"]), called["argv"]
    assert "--format=custom" in called["argv"]


def test_a_backup_taken_during_a_load_holds_the_service_as_it_was_before_it(throwaway, tmp_path):
    """The backup reads one consistent snapshot while a load is writing; the load is not held up."""
    first, second = changed_documents()
    (tmp_path / "first.json").write_text(json.dumps(first))
    (tmp_path / "second.json").write_text(json.dumps(second))
    database = throwaway.new("busy")
    database.ok("load", str(tmp_path / "first.json"))
    before = database.ok("export")

    load, controller = start_with_progress(database, tmp_path / "second.json")
    go_on = None
    try:
        # Half-way through writing, and kept there until the backup is taken: a fast load could
        # otherwise commit before the backup starts (it did, once, on a quiet machine).
        go_on = wait_for_progress(load, controller, "contacts", hold=True)
        backup = tmp_path / f"during{suffix(database)}"
        database.ok("backup", str(backup))
        go_on()
        go_on = None
        assert load.wait(timeout=600) == 0
    finally:
        if go_on is not None:
            go_on()
        kill(load)
        os.close(controller)
    after = database.ok("export")
    assert after != before

    restored = throwaway.new("restored")  # migrated, and nothing in it: empty, no --yes needed
    restored.ok("restore", str(backup))
    assert restored.ok("export") == before
