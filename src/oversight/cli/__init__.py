"""The `oversight` command: Django's management commands and the project's own
(load, export, findings, cover, demo)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
    args = ["oversight", *(sys.argv[1:] if argv is None else argv)]
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        execute_from_command_line(args)
    except BrokenPipeError:
        # The reader went away (`oversight findings | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except ImproperlyConfigured as exc:
        # A deployment setting is missing or wrong (e.g. OVERSIGHT_SECRET_KEY in production): say which.
        if "--traceback" in args:
            raise
        sys.stderr.write(f"oversight: cannot start: {exc}\n")
        sys.exit(2)
    except KeyboardInterrupt:
        sys.stderr.write("oversight: interrupted; nothing half-written was kept\n")
        sys.exit(130)
    except DatabaseError as exc:
        if "--traceback" in args:
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        hint = " (has the database been set up? run 'oversight migrate')" if "no such table" in first or "does not exist" in first else ""
        sys.stderr.write(f"oversight: database error: {first}{hint}\n")
        sys.exit(1)
