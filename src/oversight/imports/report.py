"""What an import would change, and every problem found, for the API, the page and the command."""

from __future__ import annotations

from dataclasses import dataclass, field

from oversight.store.write import LoadReport


@dataclass(frozen=True)
class ImportProblem:
    message: str
    path: str | None = None  # the JSON path in the exchange document checked
    line: int | None = None  # the CSV line, where the problem comes from one
    column: str | None = None

    def __str__(self) -> str:
        if self.line is not None:
            return f"line {self.line}: {self.message}"
        return f"{self.path}: {self.message}" if self.path else self.message

    def as_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    """`tables` says, per table, how many rows would be (or were) added, changed and removed."""

    service: str
    kind: str  # "exchange" or "csv"
    applied: bool = False
    problems: list[ImportProblem] = field(default_factory=list)
    tables: dict[str, dict[str, int]] = field(default_factory=dict)
    rows_read: int | None = None  # CSV rows read (not counting the header)

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def unchanged(self) -> bool:
        return not any(any(counts.values()) for counts in self.tables.values())

    def take(self, load: LoadReport) -> ImportReport:
        self.tables = {
            name: {"added": t.added, "changed": t.changed, "removed": t.removed}
            for name, t in load.tables.items()
        }
        return self

    def totals(self) -> dict[str, int]:
        out = {"added": 0, "changed": 0, "removed": 0}
        for counts in self.tables.values():
            for key in out:
                out[key] += counts[key]
        return out

    def as_dict(self) -> dict:
        return {
            "service": self.service,
            "kind": self.kind,
            "valid": self.valid,
            "applied": self.applied,
            "rows_read": self.rows_read,
            "tables": self.tables,
            "totals": self.totals(),
            "problems": [p.as_dict() for p in self.problems],
        }


class ImportRefused(Exception):
    """The import has problems: nothing was written. `.report` lists every one."""

    def __init__(self, report: ImportReport):
        self.report = report
        count = len(report.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''}: nothing was written")
