"""What the project's commands share: reading moments, choosing the service, failing cleanly."""

from __future__ import annotations

import sys
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.core.management.base import CommandError

from oversight.store.read import UnknownService, service_for

BAD_INPUT = 2


def bad_input(message: str) -> CommandError:
    """Bad input exits with status 2 and the problem on standard error, never a traceback."""
    return CommandError(message, returncode=BAD_INPUT)


def choose_service(ref: str | None):
    try:
        return service_for(ref)
    except UnknownService as exc:
        raise bad_input(str(exc)) from None


def parse_moment(text: str | None, timezone: str, *, option: str) -> datetime:
    """An ISO 8601 moment; without an offset it is local time of the service. A bare date means the
    end of that local day, so that "as of 2026-02-18" counts everything done that day."""
    tz = ZoneInfo(timezone)
    if text is None:
        return datetime.now(tz)
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(23, 59, 59, 999000), tzinfo=tz)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise bad_input(f"{option} {text!r} is not an ISO 8601 date or moment (e.g. 2026-02-18T12:00)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


class TerminalProgress:
    """Progress on standard error, shown only when it is a terminal (so pipes and logs stay clean)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()

    def __call__(self, step: str, done: int, total: int) -> None:
        if self.enabled:
            self.stream.write(f"\r\033[K  {step}: {done:,}/{total:,}")
            self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Aligned columns for people; the last column is left to run on."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = []
    for row in [headers, ["-" * w for w in widths], *rows]:
        cells = [cell.ljust(widths[i]) if i < len(row) - 1 else cell for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
