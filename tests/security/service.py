"""The security tests' fixture service: the worked example (tests/fixtures/small-service.json) with a
duty officer, a colleague off sick whose case falls to duty, an oversight event, hostile names, and a
second service whose identifiers must never open anything in the first.

On the matrix day, Wed 18 February 2026 at 12:00 (London):
- Y1 (case manager of E1 and E2) is on annual leave L1 (16-20 February, no return recorded); the
  leave sheet names Y2 as E1's cover, and Y2 is Y1's buddy, so Y2 covers E1 (and E2 as its paired worker).
- Y3 (manages E4) is off sick (L2, today only) with no buddy: E4 falls to the duty officer DO1.
- D1 is the deputy team manager of Y1, Y2, Y3, SO1 and DO1; T1 manages D1; A1 (assistant director) is
  above T1 and reads the whole service.
- Child E4 and Y3 and DO1 have hostile names (HTML and spreadsheet formula payloads).
- PERF is a performance account and ADMIN an administrator (also allowed into the Django admin); neither
  is a member of staff.
"""

from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PASSWORD = "a long security test password 42"

DAY = "2026-02-18 12:00"  # the matrix day: Wednesday, Y1 on leave, Y3 off sick, DO1 on duty

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOADS = (SCRIPT, IMG)
# Names a spreadsheet would run as formulas (and one also an HTML payload): exports must make them inert.
FORMULA_NAME = f"=1+1{IMG}"
AT_NAME = "@SUM(1+1)*cmd|' /C calc'!A0"


def _staff(ref: str, name: str, role: str = "youth_justice_officer") -> dict:
    return {"id": ref, "name": name, "role": role, "discipline": None, "employment": "permanent",
            "email": f"{ref.lower()}@example.org", "start": "2024-01-08", "end": None}


def document_a() -> dict:
    """Service EX: the worked example and the additions above."""
    doc = json.loads((FIXTURES / "small-service.json").read_text())
    doc["staff"] += [_staff("Y3", FORMULA_NAME), _staff("DO1", AT_NAME)]
    doc["reporting_lines"] += [
        {"staff": ref, "manager": "D1", "from": "2024-01-08", "to": None} for ref in ("Y3", "DO1")
    ]
    doc["cases"].append({"id": "E4", "name": f"Child {SCRIPT}", "date_of_birth": "2010-03-03",
                         "order_type": "referral_order", "risk": "high", "opened": "2026-01-05",
                         "closed": None, "paired_worker": None})
    doc["allocations"].append({"case": "E4", "staff": "Y3", "from": "2026-01-05", "to": None})
    doc["absences"].append({"id": "L2", "staff": "Y3", "kind": "sickness", "planned": False,
                            "first_day": "2026-02-18", "expected_last_day": "2026-02-18",
                            "actual_last_day": None})
    doc["absences"].append({"id": "L3", "staff": "Y1", "kind": "annual_leave", "planned": True,
                            "first_day": "2026-03-09", "expected_last_day": "2026-03-13",
                            "actual_last_day": None})  # booked, its leave sheet not begun
    doc["duty_rota"].append({"date": "2026-02-18", "staff": "DO1"})
    doc["oversight_events"].append({"id": "M1", "case": "E1", "kind": "management_decision",
                                    "held": "2026-02-10T14:00", "by": "D1", "significant": True,
                                    "recorded": "2026-02-11T09:00", "recorded_by": "D1"})
    doc["oversight_events"].append({"id": "M2", "case": "E3", "kind": "management_decision",
                                    "held": "2026-02-10T15:00", "by": "D1", "significant": False,
                                    "recorded": None, "recorded_by": None})
    return doc


def document_b() -> dict:
    """Service EXB: the worked example again with every identifier prefixed "B" (so none is shared
    with EX): nothing of it may be reached by anyone signed in to EX."""
    text = (FIXTURES / "small-service.json").read_text()
    doc = json.loads(text)
    doc["service"] = {**doc["service"], "id": "EXB", "name": "Other Youth Justice Service"}
    refs = {item["id"] for part in ("staff", "cases", "absences", "supervisions") for item in doc[part]}
    return json.loads(_prefixed(json.dumps(doc), refs))


def _prefixed(text: str, refs: set[str]) -> str:
    for ref in sorted(refs, key=len, reverse=True):
        text = text.replace(f'"{ref}"', f'"B{ref}"')
    return text
