"""record_state: each record's REC-DEADLINE state, as the records list of the API shows it."""

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from oversight.exchange.document import parse_document
from oversight.policy import records
from oversight.policy.findings import Judgement

LONDON = ZoneInfo("Europe/London")
FACTS = parse_document(json.loads((Path(__file__).resolve().parents[2] / "fixtures" / "small-service.json").read_text()))


def states(as_of: datetime) -> dict[tuple[str, str], str]:
    j = Judgement.at(FACTS, as_of)
    return {
        (r.source.id, r.case): records.record_state(j, r, records.record_deadline(j, r.held, r.significant))
        for r in records.needed_records(j)
    }


@pytest.mark.parametrize(("as_of", "expected"), [
    # V2 (held Tue 20 January 14:00, due the end of Tue 27 January, recorded Thu 29 January 09:00).
    (datetime(2026, 1, 21, 9, tzinfo=LONDON), "due"),
    (datetime(2026, 1, 28, 9, tzinfo=LONDON), "overdue"),
    (datetime(2026, 1, 29, 10, tzinfo=LONDON), "late"),
])
def test_a_record_is_due_then_overdue_then_late(as_of, expected):
    assert states(as_of)[("V2", "E3")] == expected


def test_a_record_made_in_time_is_recorded_and_matches_the_findings():
    as_of = datetime(2026, 2, 18, 12, tzinfo=LONDON)
    found = states(as_of)
    assert found[("V1", "E1")] == "recorded"
    deadline_findings = [f for f in records.check(Judgement.at(FACTS, as_of)) if f.rule == "REC-DEADLINE"]
    assert len(deadline_findings) == sum(1 for state in found.values() if state != "recorded")
