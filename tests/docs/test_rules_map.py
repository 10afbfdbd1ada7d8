"""docs/rules.md maps every rule to its code and tests; it must never drift from them."""

import subprocess
import sys
from pathlib import Path

from oversight.policy.catalogue import RULES

ROOT = Path(__file__).resolve().parents[2]


def test_the_rules_map_is_up_to_date():
    result = subprocess.run([sys.executable, "scripts/rules_map.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_rule_has_code_and_tests_in_the_map():
    text = (ROOT / "docs" / "rules.md").read_text()
    for rule in RULES:
        row = next(line for line in text.splitlines() if line.startswith(f"| [{rule.id}]"))
        assert "**none**" not in row, f"{rule.id} has no code citing it"
        assert not row.rstrip(" |").endswith("| 0"), f"{rule.id} has no test"
