"""The compliance overview and the chain of supervision as CSV and Excel: the page's figures for the
page's months, typed cells read back, audited, refused to anyone the pages refuse.

On the worked example (tests/fixtures/small-service.md), judged on Monday 2 March 2026: in January
Y1 and SO1 were supervised and E3's record was late (2 of 3 on time); in February neither was. The
chain of January breaks at T1 (no formal one-to-one from A1), for the 2 case managers below.
"""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from oversight.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

COMPLIANCE_HEADERS = [
    "Team", "Team id", "Month", "Month over", "Case holders", "Case holders supervised",
    "Supervised monthly (%)", "Cases open", "Cases discussed", "Cases discussed (%)", "Records due",
    "Records on time", "Records on time (%)", "Cover gap days",
]
CHAIN_HEADERS = ["Month", "Level", "Staff id", "Name", "Role", "Line manager id", "Case manager", "Status",
                 "Case managers below"]


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_compliance_overview_as_excel_has_typed_cells_and_the_pages_months(service, clock, sign_in):
    clock("2026-03-02 09:00")
    response = sign_in("A1").get("/reports/compliance.xlsx?from=2026-01&to=2026-02")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="compliance-2026-01-to-2026-02.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content))["Compliance"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COMPLIANCE_HEADERS
    assert sheet.freeze_panes == "A2" and all(cell.font.bold for cell in sheet[1])
    # The whole service first, then each team, month by month (as the page's tables).
    assert [(r[0], r[2]) for r in rows[1:]] == [
        ("Whole service", "2026-01"), ("Whole service", "2026-02"),
        ("Team of Example T1", "2026-01"), ("Team of Example T1", "2026-02"),
    ]
    january = rows[3]
    assert january[:6] == ("Team of Example T1", "T1", "2026-01", "Yes", 2, 2)
    assert january[6] == 1 and january[10:13] == (3, 2, pytest.approx(0.667))
    assert january[13] == 0 and isinstance(january[13], int)
    on_time = sheet.cell(row=4, column=13)
    assert on_time.number_format == "0.0%" and isinstance(on_time.value, float)
    assert rows[4][12] is None  # February: no record was due, so no percentage (the page says "No figure")
    entry = AuditEvent.objects.filter(action="export", object_type="compliance").get()
    assert entry.summary == "Compliance overview January 2026 to February 2026 exported as Excel (4 rows)"
    assert entry.details == {"filters": {"from": "2026-01", "to": "2026-02"}}


def test_the_compliance_overview_as_csv_for_the_performance_team(service, clock, performance_client):
    clock("2026-03-02 09:00")
    # The months the wrong way round: swapped, as on the page.
    rows = _csv(performance_client.get("/reports/compliance.csv?from=2026-02&to=2026-01"))
    assert rows[0] == COMPLIANCE_HEADERS
    by = {(r[1], r[2]): r for r in rows[1:]}
    assert by["T1", "2026-01"][4:7] == ["2", "2", "100.0"] and by["T1", "2026-01"][12] == "66.7"
    assert by["T1", "2026-02"][5:7] == ["0", "0.0"] and by["T1", "2026-02"][12] == ""
    # Without months: the page's default, the six months to last month.
    default = _csv(performance_client.get("/reports/compliance.csv"))
    assert sorted({r[2] for r in default[1:]}) == [
        "2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02"]
    assert AuditEvent.objects.filter(action="export", object_type="compliance",
                                     summary__endswith="exported as CSV (4 rows)").exists()


def test_the_chain_of_supervision_as_csv_and_excel(service, clock, sign_in):
    clock("2026-02-18 12:00")
    a1 = sign_in("A1")
    rows = _csv(a1.get("/reports/chain.csv?month=2026-01"))
    assert rows[0] == CHAIN_HEADERS
    # From the top down, as on the page: A1 > T1 > D1 > (SO1, Y1).
    assert [r[2] for r in rows[1:]] == ["A1", "T1", "D1", "SO1", "Y1"]
    assert rows[2] == ["2026-01", "2", "T1", "Example T1", "Team manager", "A1", "No", "Broken here", "2"]
    assert rows[5][5:8] == ["D1", "Yes", "Supervised"]

    response = a1.get("/reports/chain.xlsx")  # last month by default, as the page
    assert response["Content-Disposition"] == 'attachment; filename="chain-of-supervision-2026-01.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content))["Chain of supervision"]
    table = list(sheet.iter_rows(values_only=True))
    assert list(table[0]) == CHAIN_HEADERS and sheet.freeze_panes == "A2"
    assert table[2] == ("2026-01", 2, "T1", "Example T1", "Team manager", "A1", "No", "Broken here", 2)
    summaries = list(AuditEvent.objects.filter(action="export", object_type="supervision_chain")
                     .values_list("summary", flat=True))
    assert summaries == ["Chain of supervision January 2026 exported as CSV (5 rows)",
                         "Chain of supervision January 2026 exported as Excel (5 rows)"]


def test_the_pages_link_to_their_downloads_for_the_months_shown(service, clock, sign_in):
    clock("2026-03-02 09:00")
    a1 = sign_in("A1")
    compliance = a1.get("/compliance/?from=2026-01&to=2026-02").content.decode()
    assert 'href="/reports/compliance.csv?from=2026-01&amp;to=2026-02" download>Download as CSV' in compliance
    assert ('href="/reports/compliance.xlsx?from=2026-01&amp;to=2026-02" download>Download as Excel'
            in compliance)
    chain = a1.get("/chain/?month=2026-13").content.decode()  # not a month: the page shows February's
    assert 'href="/reports/chain.csv?month=2026-02" download>Download as CSV' in chain
    assert 'href="/reports/chain.xlsx?month=2026-02" download>Download as Excel' in chain


def test_an_export_refuses_months_it_cannot_give_rather_than_other_rows(service, clock, sign_in):
    clock("2026-03-02 09:00")
    a1 = sign_in("A1")
    for url, reason in (
        ("/reports/chain.csv?month=2026-13", "The month “2026-13” cannot be read: write it as YYYY-MM"),
        ("/reports/chain.xlsx?month=2026-04", "April 2026 has not started"),
        ("/reports/compliance.csv?from=2020-01&to=2026-02", "At most 24 months at once"),
        ("/reports/compliance.xlsx?to=last", "The end month “last” cannot be read"),
    ):
        response = a1.get(url)
        assert response.status_code == 400, url
        assert response.content.decode().startswith(reason), url
    assert not AuditEvent.objects.filter(action="export").exists()


def test_only_those_who_may_read_the_pages_download_them(service, clock, sign_in):
    clock("2026-03-02 09:00")
    for ref in ("Y1", "D1"):  # a case manager, and a line manager below the senior managers
        client = sign_in(ref)
        for url in ("/reports/compliance.csv", "/reports/compliance.xlsx", "/reports/chain.csv",
                    "/reports/chain.xlsx"):
            assert client.get(url).status_code == 404, (ref, url)
    assert AuditEvent.objects.filter(action="denied", object_ref="/reports/chain.xlsx").count() == 2
    assert not AuditEvent.objects.filter(action="export").exists()
