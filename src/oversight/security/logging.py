"""Logging that keeps personal data out of the logs.

A request's query string and body can carry a child's name (a search, a form), and an exception's
message can carry a row's values (a database error quotes the duplicate key). So:

- `NoPersonalDataFilter` removes query strings from every message (`GET /cases/?q=Smith` becomes
  `GET /cases/?[removed]`) and drops the `request` object Django attaches to request errors, so that
  no handler can print its body, cookies or headers;
- `SafeFormatter` prints a traceback's frames (file, line, function: code, not data) and the
  exception's type, never its message.
"""

from __future__ import annotations

import logging
import re
import traceback

QUERY = re.compile(r"\?[^\s\"']+")
REMOVED = "?[removed]"


def redact(text: str) -> str:
    return QUERY.sub(REMOVED, text)


class NoPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 (a malformed log call: keep the template, not the arguments)
            message = str(record.msg)
        record.msg, record.args = redact(message), ()
        if hasattr(record, "request"):
            record.request = None
        return True


def format_exception_safely(exc_info) -> str:
    """A traceback with every frame and each exception's type, but no exception message."""
    exc = exc_info[1]
    lines: list[str] = []
    seen: set[int] = set()
    chain = []
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        chain.append(exc)
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    for position, exc in enumerate(reversed(chain)):
        if position:
            lines.append("\nThe exception above led to this one:\n")
        lines.append("Traceback (most recent call last):")
        for frame in traceback.extract_tb(exc.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
        lines.append(f"{type(exc).__module__}.{type(exc).__qualname__} (message not logged)")
    return "\n".join(lines)


class SafeFormatter(logging.Formatter):
    def formatException(self, ei) -> str:
        return format_exception_safely(ei)

    def formatStack(self, stack_info: str) -> str:
        return stack_info
