"""Filters given SQL fragments: every query parameter of the list pages and the API's list endpoints
(api/schemas.py and the routers' filter schemas; the pages' GET filters) answers 200 with no extra
rows, or 400/422 with a message saying what is wrong: never a server error, and the data is all there
afterwards."""

from __future__ import annotations

import pytest

from oversight.people.models import Case, Staff

pytestmark = pytest.mark.usefixtures("within")

FRAGMENTS = [
    "' OR 1=1 --",
    "1; DROP TABLE people_case",
    '" OR ""="',
    "%' OR '1'='1",
    "E1' UNION SELECT username, password FROM auth_user --",
    "1) OR (1=1",
    "\\'; DELETE FROM people_case; --",
    "E1\x00' OR 1=1",  # a NUL: PostgreSQL cannot compare text holding one (400 before any look-up)
]

# (who asks, list URL, its parameters): free text filters answer no rows for a fragment; the others are
# checked values (enumerations, dates, numbers, moments) and answer 400 or 422 naming the parameter.
API_LISTS = [
    ("line_manager", "/api/staff", {"role": "checked", "employed": "checked", "limit": "checked",
                                    "offset": "checked"}),
    ("line_manager", "/api/cases", {"risk": "checked", "order_type": "checked", "open": "checked"}),
    ("line_manager", "/api/absences", {"staff": "text", "kind": "checked", "on": "checked"}),
    ("line_manager", "/api/cover", {"at": "checked", "via": "checked"}),
    ("line_manager", "/api/supervisions", {"kind": "checked", "staff": "text", "held_from": "checked",
                                           "held_to": "checked"}),
    ("line_manager", "/api/records", {"state": "checked", "responsible": "text"}),
    ("line_manager", "/api/oversight-events", {"kind": "checked", "case": "text", "recorded": "checked"}),
    ("senior", "/api/findings", {"as_of": "checked", "rule": "checked", "status": "checked"}),
    ("line_manager", "/api/cases/E1/cover", {"at": "checked"}),
]
PAGES = [
    ("senior", "/findings/", ["rule", "status", "team", "sort", "subject", "case", "period"]),
    ("senior", "/reports/findings.csv", ["rule", "status", "team", "subject", "case", "period"]),
    ("senior", "/compliance/", ["from", "to"]),
    ("senior", "/chain/", ["month"]),
    ("line_manager", "/team/cover/", ["start"]),
    ("line_manager", "/supervision/Y1/record/", ["held"]),
    ("line_manager", "/", ["page"]),
    ("line_manager", "/cases/E1/oversight/new/", ["kind"]),
]


def _intact():
    assert Case.objects.filter(service__ref="EX").count() == 4
    assert Staff.objects.filter(service__ref="EX").count() == 8


@pytest.mark.parametrize(("who", "url", "params"), API_LISTS, ids=[u for _, u, _ in API_LISTS])
def test_api_filters_given_sql_fragments(within, who, url, params):
    browser = within.client(who)
    baseline = browser.get(url).json()
    problems = []
    for name, kind in params.items():
        for fragment in FRAGMENTS:
            response = browser.get(url, {name: fragment})
            where = f"{url}?{name}={fragment!r}: {response.status_code}"
            if response.status_code == 200:
                body = response.json()
                if kind == "checked":
                    problems.append(f"{where} accepted a fragment for a checked value")
                elif body.get("count", 0) != 0 or body.get("items"):
                    problems.append(f"{where} gave rows")
            elif response.status_code in (400, 422):
                error = response.json()["error"]
                if not error["message"] or (name not in str(error) and "\x00" not in fragment):
                    problems.append(f"{where} without a message naming {name}: {error}")
            else:
                problems.append(f"{where} {response.content[:200]!r}")
    assert problems == []
    assert browser.get(url).json() == baseline  # nothing changed, nothing lost
    _intact()


@pytest.mark.parametrize(("who", "url", "params"), PAGES, ids=[u for _, u, _ in PAGES])
def test_page_filters_given_sql_fragments(within, who, url, params):
    browser = within.client(who)
    baseline = browser.get(url)
    assert baseline.status_code == 200
    problems = []
    for name in params:
        for fragment in FRAGMENTS:
            response = browser.get(url, {name: fragment})
            if response.status_code not in (200, 400):
                problems.append(f"{url}?{name}={fragment!r}: {response.status_code}")
            elif url.endswith(".csv") and response.status_code == 200:
                lines = response.content.decode("utf-8-sig").strip().splitlines()
                if len(lines) > 1:  # a filter it could not read must not be dropped (giving every row)
                    problems.append(f"{url}?{name}={fragment!r}: {len(lines) - 1} rows")
            elif url.endswith(".csv") and name not in response.content.decode() and "\x00" not in fragment:
                problems.append(f"{url}?{name}={fragment!r}: 400 without naming the filter")
    assert problems == []
    _intact()
