"""Reading and writing `oversight-exchange/1` documents (EXCHANGE.md).

- `load_json_file(path)` decodes a file, reporting unreadable files and bad JSON as problems at `$`.
- `parse_document(data)` checks a decoded document and turns it into `ServiceFacts`; a document with
  any problem is rejected whole with `InvalidDocument`, listing every problem in document order.
- `to_document(facts)` is the inverse, in EXCHANGE.md's key order with every key present and every
  list in natural order, so that `to_document(parse_document(d))` is a fixed point.

Nothing here raises anything but `InvalidDocument` for any input (the unit tests fuzz it).
"""

from __future__ import annotations

import json
import os
from typing import Any
from zoneinfo import ZoneInfo

from oversight.collector import collector_paused
from oversight.exchange.checks import check_document
from oversight.exchange.layout import DOCUMENT, FORMAT, LISTS, Row, read_record
from oversight.exchange.problems import ROOT, InvalidDocument, Problem, described
from oversight.exchange.values import Reader
from oversight.policy.facts import ServiceFacts

__all__ = [
    "FORMAT",
    "InvalidDocument",
    "Problem",
    "document_summary",
    "load_json_file",
    "parse_document",
    "to_document",
]


def parse_document(data: object) -> ServiceFacts:
    """Check a decoded `oversight-exchange/1` document and return the facts it describes."""
    # The rows as read and then the facts are millions of objects for a large service, in no
    # cycle: the cyclic collector would only walk them again and again (oversight/collector.py).
    with collector_paused():
        r = Reader()
        document = read_record(r, data, ROOT, DOCUMENT)
        if isinstance(document, Row):
            # The checks across records use only the values read without problem, so they run on
            # a flawed document too and every problem is reported at once.
            check_document(r, document)
        r.problems.raise_if_any()
        return DOCUMENT.build(document)


def to_document(facts: ServiceFacts) -> dict[str, Any]:
    """The facts as an `oversight-exchange/1` document (plain JSON values)."""
    return DOCUMENT.render(facts, ZoneInfo(facts.service.timezone))


def document_summary(facts: ServiceFacts) -> dict[str, int]:
    """How many records each list of the document holds, in EXCHANGE.md order."""
    return {name: len(getattr(facts, name)) for name in LISTS}


class JsonObject(dict):
    """A decoded JSON object that remembers the keys written more than once in it."""

    repeated_keys: list[str]

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__()
        self.repeated_keys = []
        for key, value in pairs:
            if key in self:
                self.repeated_keys.append(key)
            self[key] = value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def load_json_file(path: str | os.PathLike[str]) -> object:
    """Decode a JSON file holding one object; any failure is a problem at `$`."""

    def fail(message: str) -> InvalidDocument:
        return InvalidDocument([Problem("$", message)])

    try:
        with open(path, "rb") as file:
            raw = file.read()
    except OSError as error:
        raise fail(f"cannot read {os.fspath(path)}: {error.strerror or error}") from None
    except (TypeError, ValueError) as error:  # e.g. a path containing a NUL character
        raise fail(f"cannot read {path!r}: {error}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise fail(f"is not UTF-8 text (byte {error.start})") from None
    try:
        data = json.loads(text, object_pairs_hook=JsonObject, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise fail(f"is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})") from None
    except RecursionError:
        raise fail("is not valid JSON: nested too deeply") from None
    except ValueError as error:  # NaN or Infinity, or a number too long to convert
        raise fail(f"is not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise fail(f"must be an object, not {described(data)}")
    return data
