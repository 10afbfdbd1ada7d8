from pathlib import Path

import pytest
from hypothesis import Phase, settings

# scripts/mutation-test.sh selects this profile: a mutant that a property test catches is reported at
# the first failing example (shrinking it would take minutes per mutant), the same examples every run.
settings.register_profile(
    "mutation", phases=[Phase.explicit, Phase.generate], derandomize=True, database=None
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def small_service_path() -> Path:
    """The worked example of ../shared/examples (copied here so that the suite is self-contained)."""
    return FIXTURES / "small-service.json"
