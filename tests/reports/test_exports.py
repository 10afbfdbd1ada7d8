"""Exports: findings as CSV and Excel (typed cells, headers), PDFs of a leave sheet, a supervision record
and a child's timeline, the calendar feed, and Stat Wednesday per team, with who may download each."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import pytest
from django.core.management import call_command
from icalendar import Calendar
from openpyxl import load_workbook

from oversight.audit.models import AuditEvent
from oversight.people.models import Case, Milestone
from oversight.reports.models import StatWednesdayReport
from oversight.reports.services import stat_wednesday_produce

from .fixtures import needs_poppler, pdf_text, pdf_to_png, words

pytestmark = pytest.mark.django_db

HEADERS = ["Due", "Status", "Rule", "Rule title", "Subject", "Subject name", "Case", "Period", "Who acts", "Detail"]
SHOTS = None  # set OVERSIGHT_TEST_SHOTS=/some/dir to keep the PNG pages to look at


def test_findings_as_excel_have_typed_cells_and_headers(service, clock, sign_in):
    clock("2026-02-18 12:00")
    response = sign_in("A1").get("/reports/findings.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="findings-2026-02-18.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content))["Findings"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:J{len(rows)}"
    assert all(cell.font.bold for cell in sheet[1])
    by_rule = {(r[2], r[4]): r for r in rows[1:]}
    late = by_rule["REC-DEADLINE", "E3"]
    assert isinstance(late[0], datetime) and late[0] == datetime(2026, 1, 27, 23, 59, 59, 999000)
    assert sheet.cell(row=rows.index(late) + 1, column=1).number_format == "ddd d mmmm yyyy hh:mm"
    assert late[1] == "breach" and late[3] == "Record on the child's file in time" and late[6] == "E3"
    assert late[8] == "Example D1 (D1)"  # the manager who held the discussion acts
    assert by_rule["SUP-MONTHLY", "Y1"][5] == "Example Y1" and by_rule["SUP-MONTHLY", "Y1"][7] == "2026-02"
    entry = AuditEvent.objects.filter(action="export", object_type="findings").get()
    assert entry.summary == f"Findings exported as Excel ({len(rows) - 1} rows)"


def test_findings_csv_takes_the_findings_filters(service, clock, sign_in, performance_client):
    clock("2026-02-18 12:00")
    response = performance_client.get("/reports/findings.csv?rule=SUP-MONTHLY&status=due")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    assert sorted(r[4] for r in rows[1:]) == ["SO1", "Y1"] and {r[0] for r in rows[1:]} == {"2026-02-27T23:59+00:00"}
    assert {r[9] for r in rows[1:]} == {""}  # the performance team gets no detail sentences, as on /findings/
    by_team = performance_client.get("/reports/findings.csv?team=T1&rule=SUP-CHAIN&rule=REC-DEADLINE&sort=-due")
    team_rows = list(csv.reader(io.StringIO(by_team.content.decode("utf-8-sig"))))[1:]
    assert [(r[2], r[4]) for r in team_rows] == [("SUP-CHAIN", "T1"), ("REC-DEADLINE", "E3")]
    assert list(csv.reader(io.StringIO(performance_client.get(
        "/reports/findings.csv?team=none").content.decode("utf-8-sig"))))[1:] == []


def test_findings_excel_has_detail_for_senior_managers_only(service, clock, sign_in, performance_client):
    clock("2026-02-18 12:00")

    def details(client) -> list:
        sheet = load_workbook(io.BytesIO(client.get("/reports/findings.xlsx?rule=SUP-MONTHLY").content))["Findings"]
        return [row[9] for row in list(sheet.iter_rows(values_only=True))[1:]]

    senior, performance = details(sign_in("A1")), details(performance_client)
    assert len(senior) == len(performance) > 0
    assert all(senior) and set(performance) == {None}  # an empty cell


def test_only_reports_readers_export_findings(service, clock, sign_in):
    clock("2026-02-18 12:00")
    assert sign_in("Y1").get("/reports/findings.xlsx").status_code == 404
    assert sign_in("D1").get("/reports/findings.csv").status_code == 404
    assert AuditEvent.objects.filter(action="denied", object_ref="/reports/findings.csv").exists()


@needs_poppler
def test_the_oversight_timeline_pdf(service, clock, sign_in, tmp_path):
    clock("2026-02-17 10:00")  # Y1 on leave: Y2 covers E1
    response = sign_in("Y2").get("/cases/E1/timeline.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "Oversight timeline: Child E1" in text
    assert "Discussed at formal supervision V1" in text and "Example D1 (D1) with Example Y1 (Y1)" in text
    assert "Cover named on the leave sheet: Example Y2 (Y2)" in text and "Reparation session Wed 18th" in text
    assert "Page 1 of" in text and "OFFICIAL-SENSITIVE" in text
    pages = pdf_to_png(response.content, tmp_path / "png", "timeline")
    assert pages and pages[0].stat().st_size > 5000
    view = AuditEvent.objects.filter(action="view", case_ref="E1").last()
    assert view.basis == "cover for Y1 during absence L1" and view.summary.endswith("printed the oversight timeline")
    assert AuditEvent.objects.filter(action="export", case_ref="E1").exists()
    assert sign_in("SO1").get("/cases/E1/timeline.pdf").status_code == 404


@needs_poppler
def test_the_leave_sheet_pdf_for_the_absent_person_and_their_managers(service, clock, sign_in, tmp_path):
    clock("2026-02-17 10:00")
    response = sign_in("D1").get("/absences/L1/leave-sheet.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert "Leave sheet: Example Y1" in text and "E1 Child E1 Example Y2 (Y2) Yes Reparation session Wed 18th" in text
    assert "Leave sheet submitted Thu 12 February 2026, 15:30 to Example D1" in text
    assert sign_in("Y1").get("/absences/L1/leave-sheet.pdf").status_code == 200
    assert sign_in("SO1").get("/absences/L1/leave-sheet.pdf").status_code == 404
    assert sign_in("D1").get("/absences/NOPE/leave-sheet.pdf").status_code == 404


@needs_poppler
def test_the_supervision_record_pdf(service, clock, sign_in, tmp_path):
    clock("2026-02-18 12:00")
    response = sign_in("SO1").get("/supervisions/V2/record.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert "Supervision record V2" in text and "Case E3: Child E3" in text
    assert "Recorded on the child's file Thu 29 January 2026, 09:00 by Example D1" in text
    assert sign_in("Y2").get("/supervisions/V2/record.pdf").status_code == 404
    # T1 is above SO1's line manager: may print it.
    assert sign_in("T1").get("/supervisions/V2/record.pdf").status_code == 200


def feed_of(client, path="/calendar/"):
    page = client.post(path, {"action": "new"})
    assert page.status_code == 200
    address = re.search(r'value="http://testserver(/calendar/[^"]+\.ics)"', page.content.decode())
    return address.group(1)


def test_the_calendar_feed_has_leave_cover_and_sessions_but_no_child_names(service, clock, sign_in):
    clock("2026-02-18 12:00")
    y1, y2, d1 = sign_in("Y1"), sign_in("Y2"), sign_in("D1")
    leave = Calendar.from_ical(y1.get(feed_of(y1)).content)
    events = {str(e["uid"]): e for e in leave.walk("VEVENT")}
    absence = events["absence-L1@EX"]
    assert str(absence["summary"]) == "Annual leave"
    assert absence.decoded("dtstart").isoformat() == "2026-02-16" and absence.decoded("dtend").isoformat() == "2026-02-21"

    cover_feed = y2.get(feed_of(y2))
    assert cover_feed["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"Child E" not in cover_feed.content
    cover = [e for e in Calendar.from_ical(cover_feed.content).walk("VEVENT") if str(e["summary"]).startswith("Cover")]
    assert [str(e["summary"]) for e in cover] == ["Covering for Example Y1: E1, E2"]
    assert cover[0].decoded("dtstart").isoformat() == "2026-02-16"

    d1_feed = Calendar.from_ical(d1.get(feed_of(d1)).content)
    sessions = sorted(str(e["summary"]) for e in d1_feed.walk("VEVENT"))
    assert sessions == ["Formal supervision with Example SO1", "Formal supervision with Example T1",
                        "Formal supervision with Example Y1"]


def test_a_calendar_address_can_be_revoked_and_replaced(service, clock, sign_in, client):
    clock("2026-02-18 12:00")
    y1 = sign_in("Y1")
    first = feed_of(y1)
    assert client.get(first).status_code == 200  # no session needed: the address is the key
    second = feed_of(y1)
    assert client.get(first).status_code == 404 and client.get(second).status_code == 200
    y1.post("/calendar/", {"action": "off"})
    assert client.get(second).status_code == 404
    assert client.get("/calendar/guessed-token.ics").status_code == 404
    assert AuditEvent.objects.filter(object_type="calendar_feed").count() == 3


@pytest.fixture
def overdue(service):
    e1, e3 = Case.objects.get(service=service, ref="E1"), Case.objects.get(service=service, ref="E3")
    Milestone.objects.create(service=service, case=e1, kind="assessment", due="2026-02-10")
    Milestone.objects.create(service=service, case=e3, kind="plan", due="2026-02-11")


def test_stat_wednesday_is_kept_once_with_each_line_owned(service, clock, overdue, capsys):
    clock("2026-02-18 09:00")
    call_command("stat_wednesday")  # the latest Stat Wednesday: today
    report = StatWednesdayReport.objects.get(service=service)
    assert (report.day.isoformat(), report.scheduled) == ("2026-02-18", True)
    lines = sorted(report.lines.values_list("case_ref", "rule", "owner_ref", "team_ref", "team_name"))
    assert lines == [("E1", "DQ-ASSESSMENT", "Y1", "T1", "Example T1"), ("E3", "DQ-PLAN", "SO1", "T1", "Example T1")]
    # Produced again (the worker and the command both): the report stays as it was.
    Milestone.objects.create(service=service, case=Case.objects.get(ref="E2"), kind="review", due="2026-02-12")
    again, created = stat_wednesday_produce(service=service, day=report.day, actor="test")
    assert again.pk == report.pk and not created and again.lines.count() == 2
    assert "(produced now)" in capsys.readouterr().out
    call_command("stat_wednesday", "--date", "2026-02-18")
    assert "kept" in capsys.readouterr().out
    assert AuditEvent.objects.filter(object_type="stat_wednesday_report", action="create").count() == 1


def test_stat_wednesday_excel_for_the_team_manager_and_above(service, clock, overdue, sign_in, performance_client):
    clock("2026-02-18 09:00")
    call_command("stat_wednesday")
    url = "/reports/stat-wednesday/2026-02-18/T1.xlsx"
    response = sign_in("T1").get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Case", "Rule", "What to fix", "Owner", "Owner id", "Team", "Due", "Days overdue", "Detail")
    assert [(r[0], r[3], r[7]) for r in rows[1:]] == [("E3", "Example SO1", 6), ("E1", "Example Y1", 7)]
    assert isinstance(rows[1][6], datetime) and isinstance(rows[1][7], int)
    assert all(r[8] for r in rows[1:])  # the team manager reads the detail of their team's lines
    assert all(r[8] for r in list(load_workbook(io.BytesIO(sign_in("A1").get(url).content)).active.iter_rows(
        values_only=True))[1:])
    for address in (url, "/reports/stat-wednesday/2026-02-18/all.xlsx"):
        figures = performance_client.get(address)
        assert figures.status_code == 200
        lines = list(load_workbook(io.BytesIO(figures.content)).active.iter_rows(values_only=True))[1:]
        assert len(lines) == 2 and {r[8] for r in lines} == {None}  # no case narrative for the performance team
    assert performance_client.get("/reports/stat-wednesday/2026-02-18/all.xlsx").status_code == 200
    assert sign_in("D1").get(url).status_code == 404  # below the team manager
    assert sign_in("T1").get("/reports/stat-wednesday/2026-02-18/all.xlsx").status_code == 404
    page = sign_in("T1").get("/reports/stat-wednesday/2026-02-18/")
    assert page.status_code == 200 and "Example T1 2 2 Excel for Example T1" in words(page)
    assert sign_in("Y1").get("/reports/stat-wednesday/2026-02-18/").status_code == 404


def test_the_reports_page(service, clock, overdue, sign_in):
    clock("2026-02-18 09:00")
    call_command("stat_wednesday")
    page = sign_in("A1").get("/reports/")
    assert page.status_code == 200
    text = words(page)
    assert "Reports and exports – Oversight" in text and "Wed 18 February 2026 Stat Wednesday" in text
