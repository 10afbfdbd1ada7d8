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
