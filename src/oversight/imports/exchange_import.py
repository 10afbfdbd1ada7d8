"""Importing an `oversight-exchange/1` document into the importer's own service.

The document is the whole truth about the service (as `oversight load`): rows it no longer holds
are removed, every earlier version kept; but a document that would remove or change a record on
the child's file written in Oversight is refused, with a problem per record (decision 0003). A dry run computes exactly what `apply` would do, inside a
transaction that is rolled back.
"""

from __future__ import annotations

import json

from oversight.exchange.document import InvalidDocument, JsonObject, parse_document
from oversight.imports.report import ImportProblem, ImportRefused, ImportReport
from oversight.people.models import Service
from oversight.policy.facts import ServiceFacts
from oversight.store.write import replace_service


def decode(raw: bytes) -> object:
    """JSON bytes to a document; unreadable input is an ImportRefused with one problem at `$`."""

    def refuse(message: str) -> ImportRefused:
        return ImportRefused(ImportReport(service="", kind="exchange", problems=[ImportProblem(message, path="$")]))

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise refuse(f"is not UTF-8 text (byte {error.start})") from None
    try:
        data = json.loads(text, object_pairs_hook=JsonObject, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise refuse(f"is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})") from None
    except RecursionError:
        raise refuse("is not valid JSON: nested too deeply") from None
    except ValueError as error:
        raise refuse(f"is not valid JSON: {error}") from None
    return data


def _no_constant(name: str):
    raise ValueError(f"{name} is not allowed")


def check(data: object, *, service: Service) -> tuple[ServiceFacts | None, ImportReport]:
    """The facts the document describes, and a report with every problem (facts None if any)."""
    report = ImportReport(service=service.ref, kind="exchange")
    try:
        facts = parse_document(data)
    except InvalidDocument as invalid:
        report.problems = [ImportProblem(p.message, path=p.path) for p in invalid.problems]
        return None, report
    if facts.service.id != service.ref:
        # An administrator imports into their own service only; a document naming another would
        # otherwise replace that service.
        report.problems = [ImportProblem(
            f"is {facts.service.id!r}, but you may import only into your own service {service.ref!r}",
            path="$.service.id",
        )]
        return None, report
    return facts, report


def exchange_import(data: object, *, service: Service, actor: str, dry_run: bool) -> ImportReport:
    """Check the document, then report what would change (dry run) or apply it atomically.

    Raises ImportRefused, with every problem, when the document is not valid: nothing is written."""
    facts, report = check(data, service=service)
    if facts is None:
        raise ImportRefused(report)
    try:
        report.take(replace_service(facts, actor=actor, dry_run=dry_run, document=data))
    except InvalidDocument as invalid:  # it would remove or change records written in Oversight
        report.problems = [ImportProblem(p.message, path=p.path) for p in invalid.problems]
        raise ImportRefused(report) from None
    report.applied = not dry_run
    return report
