"""Documents the exchange tests start from: the shared small example (its copy in tests/fixtures, so that
the suite runs wherever the checkout is), and one using every list."""

from __future__ import annotations

import copy
import json
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
SMALL_SERVICE = REPO_ROOT / "tests" / "fixtures" / "small-service.json"


def small_service() -> dict:
    return json.loads(SMALL_SERVICE.read_text(encoding="utf-8"))


_FULL = {
    "format": "oversight-exchange/1",
    "service": {
        "id": "MCR",
        "name": "Manchester Youth Justice",
        "timezone": "Europe/London",
        "holidays": "england-and-wales",
        "settings": {
            "record_working_days": 4,
            "paired_worker_orders": ["detention_and_training_order", "youth_rehabilitation_order"],
            "contact_interval_days": {"low": 21},
            "stat_wednesday_anchor": "2025-01-15",
            "compliance_start": "2025-10",
            "closure_days": ["2025-12-24"],
        },
    },
    "staff": [
        {"id": "S1", "name": "Asha Khan", "role": "youth_justice_officer", "discipline": None,
         "employment": "permanent", "email": "asha@example.org", "start": "2024-01-08", "end": None},
        {"id": "S2", "name": "Ben Ode", "role": "youth_justice_officer", "discipline": None,
         "employment": "agency", "email": None, "start": "2024-02-01", "end": None},
        {"id": "S3", "name": "Cara Lee", "role": "support_officer", "discipline": None,
         "employment": "permanent", "email": None, "start": "2024-01-08", "end": None},
        {"id": "S4", "name": "Dev Patel", "role": "specialist", "discipline": "health",
         "employment": "permanent", "email": None, "start": "2024-01-08", "end": "2026-06-30"},
        {"id": "S5", "name": "Eve Moss", "role": "support_officer", "discipline": None,
         "employment": "permanent", "email": None, "start": "2024-01-08", "end": None},
        {"id": "S10", "name": "Fay Wu", "role": "deputy_team_manager", "discipline": None,
         "employment": "permanent", "email": None, "start": "2023-01-01", "end": None},
        {"id": "S11", "name": "Gus Hale", "role": "team_manager", "discipline": None,
         "employment": "permanent", "email": None, "start": "2023-01-01", "end": None},
    ],
    "reporting_lines": [
        {"staff": "S1", "manager": "S10", "from": "2024-01-08", "to": None},
        {"staff": "S2", "manager": "S10", "from": "2024-02-01", "to": None},
        {"staff": "S3", "manager": "S10", "from": "2024-01-08", "to": None},
        {"staff": "S4", "manager": "S10", "from": "2024-01-08", "to": None},
        {"staff": "S5", "manager": "S11", "from": "2024-01-08", "to": "2024-12-31"},
        {"staff": "S5", "manager": "S10", "from": "2025-01-01", "to": None},
        {"staff": "S10", "manager": "S11", "from": "2023-01-01", "to": None},
    ],
    "cases": [
        {"id": "C1", "name": "J. Smith", "date_of_birth": "2009-03-02", "order_type": "referral_order",
         "risk": "medium", "opened": "2025-10-01", "closed": None, "paired_worker": None},
        {"id": "C2", "name": "K. Jones", "date_of_birth": None,
         "order_type": "detention_and_training_order", "risk": "high", "opened": "2025-10-01",
         "closed": None, "paired_worker": "S2"},
        {"id": "C3", "name": "L. Brown", "date_of_birth": "2010-01-01", "order_type": "out_of_court_disposal",
         "risk": "low", "opened": "2025-06-01", "closed": "2025-11-30", "paired_worker": None},
    ],
    "allocations": [
        {"case": "C1", "staff": "S1", "from": "2025-10-01", "to": None},
        {"case": "C2", "staff": "S1", "from": "2025-10-01", "to": None},
        {"case": "C3", "staff": "S4", "from": "2025-06-01", "to": "2025-08-31"},
        {"case": "C3", "staff": "S3", "from": "2025-09-01", "to": "2025-11-30"},
    ],
    "buddies": [
        {"staff": "S1", "buddy": "S2", "rank": 1, "from": "2025-01-01", "to": None, "approved_by": None},
        {"staff": "S1", "buddy": "S3", "rank": 2, "from": "2025-01-01", "to": None, "approved_by": "S10"},
        {"staff": "S2", "buddy": "S1", "rank": 1, "from": "2025-01-01", "to": None, "approved_by": None},
    ],
    "absences": [
        {"id": "A1", "staff": "S1", "kind": "annual_leave", "planned": True,
         "first_day": "2025-12-22", "expected_last_day": "2026-01-02", "actual_last_day": "2026-01-02"},
        {"id": "A2", "staff": "S3", "kind": "sickness", "planned": False,
         "first_day": "2026-01-05", "expected_last_day": "2026-01-09", "actual_last_day": None},
        {"id": "A3", "staff": "S1", "kind": "training", "planned": True,
         "first_day": "2026-02-02", "expected_last_day": "2026-02-03", "actual_last_day": None},
    ],
    "leave_sheets": [
        {"absence": "A1", "submitted": "2025-12-18T16:00", "submitted_to": "S10",
         "cases": [
             {"case": "C1", "cover": "S2", "young_person_informed": True, "notes": "Court 23rd"},
             {"case": "C2", "cover": None, "young_person_informed": False, "notes": None},
         ]},
    ],
    "cover_confirmations": [{"absence": "A2", "confirmed": "2026-01-06T11:00", "by": "S10"}],
    "reallocations": [{"case": "C1", "staff": "S3", "from": "2026-01-05", "to": "2026-02-01", "by": "S10"}],
    "duty_rota": [{"date": "2025-12-22", "staff": "S5"}, {"date": "2025-12-23", "staff": "S5"}],
    "supervisions": [
        {"id": "SV1", "kind": "formal", "supervisor": "S10", "supervisees": ["S1"],
         "held": "2025-12-10T10:00", "minutes": 120,
         "discussions": [
             {"case": "C1", "depth": "in_depth", "significant": False,
              "recorded": "2025-12-12T09:00", "recorded_by": "S10",
              "actions": [
                  {"id": "AC1", "text": "Refer to CAMHS", "owner": "S1", "due": "2026-01-05",
                   "done": None, "reason_not_done": None},
                  {"id": "AC2", "text": "Book review", "owner": None, "due": None,
                   "done": "2025-12-20", "reason_not_done": None},
              ]},
             {"case": "C2", "depth": "check_in", "significant": True,
              "recorded": None, "recorded_by": None, "actions": []},
         ]},
        {"id": "SV2", "kind": "group", "supervisor": "S10", "supervisees": ["S3", "S1", "S2"],
         "held": "2025-12-11T14:00:00Z", "minutes": None, "discussions": []},
        {"id": "SV3", "kind": "formal", "supervisor": "S11", "supervisees": ["S10"],
         "held": "2025-07-03T09:30+01:00", "minutes": 60, "discussions": []},
    ],
    "gap_records": [{"staff": "S1", "month": "2025-12", "recorded": "2026-01-06T10:00", "by": "S10"}],
    "frequency_overrides": [{"staff": "S4", "every_days": 14, "from": "2025-11-01", "to": "2026-04-30"}],
    "oversight_events": [
        {"id": "M1", "case": "C1", "kind": "management_decision", "held": "2025-12-15T14:00",
         "by": "S10", "significant": True, "recorded": None, "recorded_by": None},
        {"id": "M2", "case": "C3", "kind": "audit", "held": "2025-07-01T10:00",
         "by": "S11", "significant": False, "recorded": "2025-07-02T09:15:30", "recorded_by": "S10"},
    ],
    "contacts": [
        {"case": "C1", "date": "2025-12-01", "kind": "face_to_face"},
        {"case": "C1", "date": "2025-12-01", "kind": "phone"},
        {"case": "C2", "date": "2025-12-02", "kind": "video"},
    ],
    "milestones": [
        {"case": "C1", "kind": "assessment", "due": "2025-11-15", "completed": "2025-11-10"},
        {"case": "C2", "kind": "plan", "due": "2026-01-10", "completed": None},
    ],
}


def full_document() -> dict:
    """A valid document that uses every list, nested list and kind of setting."""
    return copy.deepcopy(_FULL)
