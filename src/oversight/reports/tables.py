"""Tables as CSV and Excel: one column list drives both, so the two never disagree.

Excel cells are typed (dates as dates, moments as date-times in the service's time zone, numbers as
numbers, percentages as fractions shown with a % format), the header row is bold and frozen, and the
sheet has an autofilter. CSV writes ISO 8601, and percentages as the number of percent (66.7).
Text that a spreadsheet would run as a formula (starting =, +, -, @) is made inert in both.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

DATE_FORMAT = "ddd d mmmm yyyy"
DATETIME_FORMAT = "ddd d mmmm yyyy hh:mm"
PERCENT_FORMAT = "0.0%"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[object], object]
    kind: str = "text"  # text, date, datetime, number, percent (a value from 0 to 100)
    width: int = 16


def _inert(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _local(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    return moment.astimezone(tz) if moment is not None else None


def to_csv(columns: Sequence[Column], rows: Iterable[object], tz: ZoneInfo) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    for row in rows:
        cells = []
        for c in columns:
            value = c.value(row)
            if value is None:
                cells.append("")
            elif c.kind == "datetime":
                cells.append(_local(value, tz).isoformat(timespec="minutes"))
            elif c.kind == "date":
                cells.append(value.isoformat())
            elif isinstance(value, str):
                cells.append(_inert(value))
            else:
                cells.append(value)
        writer.writerow(cells)
    return out.getvalue()


def to_xlsx(sheets: Sequence[tuple[str, Sequence[Column], Iterable[object]]], tz: ZoneInfo) -> bytes:
    """A workbook with one sheet per (title, columns, rows)."""
    book = Workbook()
    book.remove(book.active)
    for title, columns, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.append([c.header for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        count = 0
        for row in rows:
            count += 1
            values = []
            for c in columns:
                value = c.value(row)
                if c.kind == "datetime" and value is not None:
                    value = _local(value, tz).replace(tzinfo=None)  # Excel has no time zones: local time
                elif c.kind == "date" and isinstance(value, datetime):
                    value = value.date()
                elif c.kind == "percent" and value is not None:
                    value = value / 100  # Excel's % format shows 0.667 as 66.7%
                elif isinstance(value, str):
                    value = _inert(value)
                values.append(value)
            sheet.append(values)
            for index, c in enumerate(columns, start=1):
                cell = sheet.cell(row=count + 1, column=index)
                if c.kind == "date":
                    cell.number_format = DATE_FORMAT
                elif c.kind == "datetime":
                    cell.number_format = DATETIME_FORMAT
                elif c.kind == "percent":
                    cell.number_format = PERCENT_FORMAT
        for index, c in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = c.width
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
