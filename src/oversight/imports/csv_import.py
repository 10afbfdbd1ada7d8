"""CSV import of staff, reporting lines and case allocations, as exported by a case management system.

One file, one row per record, with a `RecordType` column saying what the row is (docs/imports.md has
the columns, and docs/samples/ a sample):

    RecordType      the row's columns
    staff           StaffID, Name, Role, Discipline, Employment, Email, StartDate, EndDate
    reporting_line  StaffID, ManagerID, From, To
    case            CaseID, ChildName, DOB, OrderType, Risk, Opened, Closed, PairedWorkerID
    allocation      CaseID, StaffID, From, To

Rows are merged into the service's current facts: a staff member or case is matched on its id, a
reporting line on (StaffID, From), an allocation on (CaseID, From); a match is updated, anything
else is added, and nothing the file does not mention is removed. A column left out of the file keeps
what is stored; a column present with an empty cell means "none".

Then the merged service goes through the exchange checks (`parse_document(to_document(...))`), the
same checks every way in passes, and their problems are mapped back to CSV lines. If any row is bad,
nothing is written and every problem is reported with its line number.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction

from oversight.exchange.document import InvalidDocument, parse_document, to_document
from oversight.imports.report import ImportProblem, ImportRefused, ImportReport
from oversight.people.models import Service
from oversight.policy import facts as f
from oversight.store.read import service_facts
from oversight.store.write import replace_service

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000

# CSV column -> exchange field, per record type; the first column(s) are the record's key.
COLUMNS: dict[str, dict[str, str]] = {
    "staff": {"StaffID": "id", "Name": "name", "Role": "role", "Discipline": "discipline",
              "Employment": "employment", "Email": "email", "StartDate": "start", "EndDate": "end"},
    "reporting_line": {"StaffID": "staff", "ManagerID": "manager", "From": "from", "To": "to"},
    "case": {"CaseID": "id", "ChildName": "name", "DOB": "date_of_birth", "OrderType": "order_type",
             "Risk": "risk", "Opened": "opened", "Closed": "closed", "PairedWorkerID": "paired_worker"},
    "allocation": {"CaseID": "case", "StaffID": "staff", "From": "from", "To": "to"},
}
LISTS = {"staff": "staff", "reporting_line": "reporting_lines", "case": "cases", "allocation": "allocations"}
KEYS = {"staff": ("id",), "reporting_line": ("staff", "from"), "case": ("id",), "allocation": ("case", "from")}
REQUIRED = {
    "staff": ("StaffID", "Name", "Role", "StartDate"),
    "reporting_line": ("StaffID", "ManagerID", "From"),
    "case": ("CaseID", "ChildName", "OrderType", "Risk", "Opened"),
    "allocation": ("CaseID", "StaffID", "From"),
}
DATES = {"start", "end", "from", "to", "date_of_birth", "opened", "closed"}
CHOICES = {"role": f.ROLES, "discipline": f.DISCIPLINES, "employment": f.EMPLOYMENTS,
           "order_type": f.ORDER_TYPES, "risk": f.RISKS}
DEFAULTS = {"staff": {"discipline": None, "employment": "permanent", "email": None, "end": None},
            "reporting_line": {"to": None},
            "case": {"date_of_birth": None, "closed": None, "paired_worker": None},
            "allocation": {"to": None}}
ALL_COLUMNS = ["RecordType", *dict.fromkeys(c for columns in COLUMNS.values() for c in columns)]
RECORD_NAMES = {"staff": "staff member", "reporting_lines": "reporting line", "cases": "case",
                "allocations": "allocation"}


def _squash(text: str) -> str:
    """'Record Type', 'record_type' and 'RECORDTYPE' are one column name."""
    return re.sub(r"[\s_\-]", "", text).lower()


_COLUMN_BY_SQUASHED = {_squash(c): c for c in ALL_COLUMNS}


def parse_date(text: str) -> date:
    """DD/MM/YYYY or YYYY-MM-DD (a time after the date, as some exports add, is ignored)."""
    text = text.strip().split(" ")[0].split("T")[0]
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def choice(value: str, options: tuple[str, ...]) -> str:
    """'Youth Justice Officer' -> 'youth_justice_officer' when that is an option; else as written."""
    token = re.sub(r"[\s\-]+", "_", value.strip().lower())
    return token if token in options else value.strip()


@dataclass
class _Source:
    line: int
    record_type: str
    cells: dict[str, str]  # exchange field -> the cell as written


@dataclass
class _Merge:
    document: dict
    sources: dict[tuple[str, int], _Source] = field(default_factory=dict)  # (list, index) -> CSV row
    problems: list[ImportProblem] = field(default_factory=list)
    rows: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # ids of staff and case rows refused, by line


def read_rows(raw: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]], list[ImportProblem]]:
    """The header (canonical names) and rows with their first line number; or the problems reading."""
    if len(raw) > MAX_BYTES:
        return [], [], [ImportProblem(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[ImportProblem] = []
    try:
        header = next(reader, None)
    except csv.Error as error:
        return [], [], [ImportProblem(f"is not a readable CSV file: {error}", line=1)]
    if not header or not any(cell.strip() for cell in header):
        return [], [], [ImportProblem("the file is empty: the first line must name the columns", line=1)]
    columns: list[str] = []
    for index, name in enumerate(header, start=1):
        canonical = _COLUMN_BY_SQUASHED.get(_squash(name))
        if canonical is None and name.strip():
            problems.append(ImportProblem(
                f"column {index} {name.strip()!r} is not known; the columns are: {', '.join(ALL_COLUMNS)}",
                line=1, column=name.strip()))
        if canonical in columns:
            problems.append(ImportProblem(f"column {canonical!r} appears twice", line=1, column=canonical))
        columns.append(canonical or "")
    if "RecordType" not in columns:
        problems.append(ImportProblem("there is no RecordType column (staff, reporting_line, case or allocation)",
                                      line=1, column="RecordType"))
    rows: list[tuple[int, dict[str, str]]] = []
    start = reader.line_num + 1
    try:
        for cells in reader:
            if len(rows) >= MAX_ROWS:
                problems.append(ImportProblem(f"the file has more than {MAX_ROWS:,} rows", line=start))
                break
            if any(cell.strip() for cell in cells):
                if len(cells) > len(columns):
                    problems.append(ImportProblem(
                        f"has {len(cells)} cells but the header names {len(columns)} columns", line=start))
                rows.append((start, {c: v for c, v in zip(columns, cells, strict=False) if c}))
            start = reader.line_num + 1
    except csv.Error as error:
        problems.append(ImportProblem(f"is not readable CSV: {error}", line=start))
    return columns, rows, problems


def merge(raw: bytes, current: f.ServiceFacts) -> _Merge:
    """The service's current document with the file's rows merged in, and the rows' own problems."""
    columns, rows, problems = read_rows(raw)
    merged = _Merge(document=to_document(current), problems=problems, rows=len(rows))
    if problems and not rows:
        return merged
    present = set(columns)
    index: dict[str, dict[tuple, int]] = {}
    for kind, list_name in LISTS.items():
        index[list_name] = {
            tuple(item[k] for k in KEYS[kind]): i for i, item in enumerate(merged.document[list_name])
        }
    seen: dict[tuple, int] = {}
    for line, cells in rows:
        record_type = choice(cells.get("RecordType", ""), tuple(COLUMNS))
        if record_type not in COLUMNS:
            merged.problems.append(ImportProblem(
                f"RecordType {cells.get('RecordType', '').strip()!r} is not one of: {', '.join(COLUMNS)}",
                line=line, column="RecordType"))
            continue
        values, row_problems = _row_values(line, record_type, cells, present)
        merged.problems += row_problems
        if row_problems:
            key_column = next(iter(COLUMNS[record_type]))
            if record_type in ("staff", "case") and cells.get(key_column, "").strip():
                merged.skipped.setdefault(cells[key_column].strip(), line)
            continue
        list_name = LISTS[record_type]
        key = tuple(values[k] for k in KEYS[record_type])
        if (list_name, key) in seen:
            merged.problems.append(ImportProblem(
                f"repeats the {RECORD_NAMES[list_name]} of line {seen[list_name, key]}", line=line))
            continue
        seen[list_name, key] = line
        items = merged.document[list_name]
        at = index[list_name].get(key)
        if at is None:
            item = {**DEFAULTS[record_type], **values}
            at = len(items)
            items.append(item)
            index[list_name][key] = at
        else:
            items[at] = {**items[at], **values}
        merged.sources[list_name, at] = _Source(line, record_type, {
            field_name: cells.get(column, "") for column, field_name in COLUMNS[record_type].items()})
    return merged


def _row_values(line: int, record_type: str, cells: dict[str, str], present: set[str]):
    """The exchange values of one row (only for the columns the file has), and its own problems."""
    values: dict[str, object] = {}
    problems: list[ImportProblem] = []
    for column, field_name in COLUMNS[record_type].items():
        if column not in present:
            if column in REQUIRED[record_type]:
                problems.append(ImportProblem(f"{column} is needed for a {record_type} row, and the file has no "
                                              f"{column} column", line=line, column=column))
            continue
        text = cells.get(column, "").strip()
        if not text:
            if column in REQUIRED[record_type]:
                problems.append(ImportProblem(f"{column} is empty; a {record_type} row needs it", line=line,
                                              column=column))
            values[field_name] = None
            continue
        if field_name in DATES:
            try:
                values[field_name] = parse_date(text).isoformat()
            except ValueError:
                problems.append(ImportProblem(
                    f"{column} {text!r} is not a date written DD/MM/YYYY or YYYY-MM-DD", line=line, column=column))
            continue
        if field_name in CHOICES:
            values[field_name] = choice(text, CHOICES[field_name])
            continue
        values[field_name] = text
    return values, problems


_PATH = re.compile(r"^\$\.(staff|reporting_lines|cases|allocations)\[(\d+)\](?:\.([a-z_]+))?")
# "the allocation at $.allocations[3]" (or a bare path) in a message, to name a CSV line instead.
_REFERENCE = re.compile(r"(?:the [a-z ]+? at )?\$\.([a-z_]+)\[(\d+)\](?:\.[a-z_\[\]\.0-9]+)?")


def _describe_reference(merged: _Merge, match: re.Match) -> str:
    list_name, at = match.group(1), int(match.group(2))
    source = merged.sources.get((list_name, at))
    what = RECORD_NAMES.get(list_name, list_name.rstrip("s").replace("_", " "))
    if source is not None:
        return f"the {what} on line {source.line}"
    return f"the stored {what} ({match.group(0)})"


def _skipped_note(merged: _Merge, message: str) -> str:
    """A reference to a person or case whose own row was refused: say which line that was."""
    for ident, line in merged.skipped.items():
        if f"'{ident}' does not exist" in message:
            return f" (line {line} would add it, but has a problem)"
    return ""


def map_problems(merged: _Merge, invalid: InvalidDocument) -> list[ImportProblem]:
    """The exchange checks' problems, each on the CSV line (and column) it comes from where there is one."""
    out: list[ImportProblem] = []
    reported = {(p.line, p.column) for p in merged.problems}
    for problem in invalid.problems:
        match = _PATH.match(problem.path)
        message = _REFERENCE.sub(lambda m: _describe_reference(merged, m), problem.message)
        source = merged.sources.get((match.group(1), int(match.group(2)))) if match else None
        if source is None:
            out.append(ImportProblem(f"after the merge, the stored data {problem.path} {message}", path=problem.path))
            continue
        field_name = match.group(3)
        column = next((c for c, name in COLUMNS[source.record_type].items() if name == field_name), None)
        if (source.line, column) in reported:
            continue
        if column is not None:
            written = source.cells.get(field_name, "").strip()
            shown = f"{column} {written!r}" if written and written not in message else f"{column}:"
            message += _skipped_note(merged, message)
            out.append(ImportProblem(f"{shown} {message}", path=problem.path, line=source.line, column=column))
        else:
            out.append(ImportProblem(f"this {source.record_type.replace('_', ' ')} {message}", path=problem.path,
                                     line=source.line))
    return out


def _check(raw: bytes, service: Service, report: ImportReport) -> f.ServiceFacts | None:
    merged = merge(raw, service_facts(service))
    report.rows_read = merged.rows
    problems = list(merged.problems)
    facts = None
    try:
        facts = parse_document(merged.document)
    except InvalidDocument as invalid:
        problems += map_problems(merged, invalid)
    report.problems = sorted(problems, key=lambda p: (p.line is None, p.line or 0))
    return None if report.problems else facts


def csv_import(raw: bytes, *, service: Service, actor: str, dry_run: bool, progress=None) -> ImportReport:
    """Check the file against the service as it stands and report (dry run) or apply the changes.

    Raises ImportRefused with every problem if any row is bad: then nothing is written."""
    report = ImportReport(service=service.ref, kind="csv")
    with transaction.atomic():
        # One import at a time per service: the merge is made from the facts read here, so no other
        # change may slip in between reading them and writing the result.
        Service.objects.select_for_update().filter(pk=service.pk).first()
        facts = _check(raw, service, report)
        if facts is None:
            raise ImportRefused(report)
        try:
            report.take(replace_service(facts, actor=actor, dry_run=dry_run, progress=progress))
        except InvalidDocument as invalid:  # it would change records written in Oversight
            report.problems = [ImportProblem(p.message) for p in invalid.problems]
            raise ImportRefused(report) from None
    report.applied = not dry_run
    return report
