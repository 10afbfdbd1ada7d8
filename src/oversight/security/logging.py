"""Logging that keeps personal data out of the logs.

A request's query string and body can carry a child's name (a search, a form), and an exception's
message can carry a row's values (a database error quotes the duplicate key). So:

- `NoPersonalDataFilter` removes query strings from every message (`GET /cases/?q=Smith` becomes
  `GET /cases/?[removed]`) and drops the `request` object Django attaches to request errors, so that
  no handler can print its body, cookies or headers;
- `SafeFormatter` prints a traceback's frames (file, line, function: code, not data) and the
  exception's type, never its message.

Every line is one JSON object (`JsonFormatter`), so that a log service can search by field, and
carries the id of the request or background task it belongs to (`bind`, called by
`oversight.ops.request_id`; `ContextFilter` copies it onto each record). The stdlib's logging is
used rather than structlog: Django and every library already log through it, the filter and the
formatter are all that is needed, and django-structlog's request events carry the client's address
and user, which this service keeps out of its logs.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import traceback
from datetime import UTC, datetime

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


# --- Which request or task a line belongs to --------------------------------------------------------
# A context variable, not a thread-local: each request (and each task the worker runs) sees its own.
_context: contextvars.ContextVar[dict[str, str]] = contextvars.ContextVar("oversight_log_context", default={})

# The fields a log call may add with `extra=`: anything else is left out of the line, so that a
# careless `extra={"case": case}` cannot put a child's details into the logs.
FIELDS = ("request_id", "task_id", "method", "route", "view", "status", "duration_ms")


def bind(**fields: str) -> contextvars.Token:
    """Every line logged from now on (until `unbind` or `clear`) carries these fields (e.g. request_id)."""
    return _context.set({**_context.get(), **fields})


def unbind(token: contextvars.Token) -> None:
    _context.reset(token)


def clear() -> None:
    _context.set({})


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in _context.get().items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


class JsonFormatter(SafeFormatter):
    """One JSON object a line: time (UTC), level, logger, message, the context fields, and a
    traceback without exception messages (SafeFormatter's)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({name: getattr(record, name) for name in FIELDS if getattr(record, name, None) is not None})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
