from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def small_service_path() -> Path:
    """The worked example of ../shared/examples (copied here so that the suite is self-contained)."""
    return FIXTURES / "small-service.json"
