import json
from pathlib import Path

import pytest
from django.core.management import call_command

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def small_document() -> dict:
    return json.loads((FIXTURES / "small-service.json").read_text())


@pytest.fixture
def write_document(tmp_path):
    def write(document, name="service.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(document) if not isinstance(document, str) else document)
        return path

    return write


@pytest.fixture
def run_command(capsys):
    """Run an `oversight` command in-process; returns its standard output."""

    def run(*args) -> str:
        capsys.readouterr()
        call_command(*args)
        return capsys.readouterr().out

    return run


@pytest.fixture(scope="session")
def migrated_throwaway():
    """One migrated throw-away database for the session, copied by `throwaway.new()`."""
    import tempfile

    from tests.integration.processes import ThrowawayDatabase

    with tempfile.TemporaryDirectory(prefix="oversight-migrated-") as folder:
        database = ThrowawayDatabase(Path(folder))
        try:
            database.ok("migrate", "--no-input", "-v", "0")
            yield database
        finally:
            database.drop()


@pytest.fixture
def throwaway(migrated_throwaway):
    """Throw-away databases for the real console script (SQLite files, or PostgreSQL databases of
    their own when DATABASE_URL is set), dropped after the test."""
    import tempfile

    from tests.integration.processes import ThrowawayDatabases

    with tempfile.TemporaryDirectory(prefix="oversight-") as folder:
        databases = ThrowawayDatabases(Path(folder), migrated_throwaway)
        try:
            yield databases
        finally:
            databases.drop_all()
