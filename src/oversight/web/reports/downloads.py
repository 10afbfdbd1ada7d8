"""Downloads: a file as an attachment, and a table as CSV or Excel, audited.

Every table the pages offer as a spreadsheet (the findings, the compliance overview, the chain of
supervision) goes through `table_download`, so each is written by the one column list of
`reports.tables` and leaves one "export" entry in the audit trail naming what, how many rows and the
filters it was asked with.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import wraps
from zoneinfo import ZoneInfo

from django.http import HttpResponse, HttpResponseBadRequest

from oversight.audit import services as audit
from oversight.reports.tables import XLSX_TYPE, Column, to_csv, to_xlsx

CSV_TYPE = "text/csv; charset=utf-8"
FORMATS = {"csv": "CSV", "xlsx": "Excel"}


class BadFilters(Exception):
    """An export's filters cannot be read: it must not quietly drop one (and hold other rows than
    asked for)."""


def bad_filters(view):
    """Answer 400 with the reason when an export's filters cannot be read."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadFilters as bad:
            return HttpResponseBadRequest(str(bad), content_type="text/plain; charset=utf-8")

    return wrapped


def download(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_download(
    *, identity, fmt: str, what: str, object_type: str, sheet: str, columns: Sequence[Column], rows: list,
    filters: dict, filename: str, tz: ZoneInfo,
) -> HttpResponse:
    """`rows` as `filename`.csv or `filename`.xlsx (one sheet named `sheet`), after auditing the export:
    "<what> exported as CSV (N rows)". The CSV starts with a byte order mark so that Excel reads it as
    UTF-8."""
    audit.record(service=identity.service, actor=identity.label, action="export", object_type=object_type,
                 summary=f"{what} exported as {FORMATS[fmt]} ({len(rows)} rows)",
                 details={"filters": filters})
    if fmt == "csv":
        return download(to_csv(columns, rows, tz).encode("utf-8-sig"), CSV_TYPE, f"{filename}.csv")
    return download(to_xlsx([(sheet, columns, rows)], tz), XLSX_TYPE, f"{filename}.xlsx")
