"""Names that are attacks: a child called `<script>alert(1)</script>`, a member of staff called
`=1+1"><img src=x onerror=alert(1)>` and one `@SUM(1+1)*cmd|...` (tests/security/service.py).

Every page each role may see (the GET rows the authorization matrix allows) is fetched: no HTML answer
holds a payload unescaped, JSON answers are application/json, and the spreadsheets (CSV and Excel)
hold no cell a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.security import service as fixture
from tests.security.matrix import rows_for, url_of, url_patterns

pytestmark = pytest.mark.usefixtures("within")

RAW = ("<script>alert(1)", "<img src=x onerror", "onerror=alert(1)>")
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;")
PAGES = [(p, row) for p in url_patterns() for row in rows_for(p) if row.method == "GET" and row.allowed]
FORMULA_START = ("=", "+", "-", "@")


def test_no_page_any_role_may_see_shows_a_name_unescaped(within):
    unescaped, wrong_type, escaped_seen = [], [], set()
    for pattern, row in PAGES:
        url = url_of(within, pattern, row)
        for role in sorted(row.allowed):
            response = within.client(role).get(url)
            kind = response.get("Content-Type", "")
            body = response.content.decode(errors="replace") if not response.streaming else ""
            if kind.startswith("text/html"):
                unescaped += [f"{role} {url}: {raw!r}" for raw in RAW if raw in body]
                escaped_seen |= {e for e in ESCAPED if e in body}
            elif url.startswith("/api/") and response.status_code == 200 and "json" in url + kind:
                if not kind.startswith("application/json"):
                    wrong_type.append(f"{role} {url}: {kind}")
            elif any(raw in body for raw in RAW) and not kind.startswith(("application/json", "text/csv")):
                unescaped.append(f"{role} {url}: {kind} holds a payload")
    assert unescaped == [] and wrong_type == []
    # The payloads did reach the pages (escaped), so the check above looked at something.
    assert escaped_seen == set(ESCAPED)


def test_the_api_answers_json_with_the_names_as_data(within):
    for url in ("/api/cases", "/api/staff", "/api/cases/E4", "/api/cover"):
        response = within.client("line_manager").get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("application/json"), url
    names = {item["name"] for item in within.client("line_manager").get("/api/staff").json()["items"]}
    assert {fixture.FORMULA_NAME, fixture.AT_NAME} <= names  # kept as given, shown escaped
    assert within.client("line_manager").get("/api/cases/E4").json()["name"] == f"Child {fixture.SCRIPT}"


def _formula_cells(values) -> list[str]:
    return [v for v in values if isinstance(v, str) and v.startswith(FORMULA_START)]


def test_the_csv_export_makes_formulas_inert(within):
    response = within.client("senior").get("/reports/findings.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert _formula_cells(cells) == []
    assert any(cell.startswith("'=1+1") for cell in cells)  # Y3's name, made inert, is there


@pytest.mark.parametrize("url", ["/reports/findings.xlsx", "/reports/stat-wednesday/2026-02-18/all.xlsx"])
def test_the_excel_exports_hold_no_formula(within, url):
    response = within.client("senior").get(url)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert _formula_cells(c.value for c in cells) == []
    assert any(isinstance(c.value, str) and c.value.startswith("'=1+1") for c in cells)
