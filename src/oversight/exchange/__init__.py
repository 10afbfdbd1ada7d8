"""The `oversight-exchange/1` loader and exporter (EXCHANGE.md): pure Python, no Django import."""

from oversight.exchange.document import (
    FORMAT,
    document_summary,
    load_json_file,
    parse_document,
    to_document,
)
from oversight.exchange.problems import InvalidDocument, Problem

__all__ = [
    "FORMAT",
    "InvalidDocument",
    "Problem",
    "document_summary",
    "load_json_file",
    "parse_document",
    "to_document",
]
