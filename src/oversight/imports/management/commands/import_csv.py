"""`oversight import_csv FILE --service ID [--dry-run]`: staff, reporting lines and allocations from CSV."""

import json

from django.core.management.base import BaseCommand

from oversight.cli.common import TerminalProgress, bad_input, choose_service
from oversight.imports.csv_import import csv_import
from oversight.imports.report import ImportRefused


class Command(BaseCommand):
    help = (
        "Import staff, reporting lines, cases and allocations from a CSV export (docs/imports.md). Every row "
        "is checked first: on any problem every bad line is listed, nothing is written and the exit status is 2."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file ('-' for standard input)")
        parser.add_argument("--service", help="the service's id (needed when several are loaded)")
        parser.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        service = choose_service(options["service"])
        raw = self._read(options["file"])
        progress = TerminalProgress()  # each table as it is written, on a terminal only
        try:
            report = csv_import(raw, service=service, actor="command line: oversight import_csv",
                                dry_run=options["dry_run"], progress=progress)
        except ImportRefused as refused:
            if options["format"] == "json":
                self.stdout.write(json.dumps(refused.report.as_dict(), indent=1, ensure_ascii=False))
            lines = "\n".join(f"  {p}" for p in refused.report.problems)
            raise bad_input(f"{options['file']}: {refused}:\n{lines}") from None
        progress.finish()
        if options["format"] == "json":
            self.stdout.write(json.dumps(report.as_dict(), indent=1, ensure_ascii=False))
            return
        for name, counts in report.tables.items():
            if any(counts.values()):
                self.stdout.write(f"  {name}: {counts['added']} added, {counts['changed']} changed, "
                                  f"{counts['removed']} removed")
        totals = report.totals()
        verb = "Would change" if options["dry_run"] else "Imported into"
        if report.unchanged:
            self.stdout.write(f"{report.rows_read} rows read; service {service.ref} already holds them: nothing "
                              "to change.")
        else:
            self.stdout.write(f"{verb} service {service.ref} from {report.rows_read} rows: {totals['added']} added, "
                              f"{totals['changed']} changed, {totals['removed']} removed"
                              + (" (dry run: nothing written)." if options["dry_run"] else "."))

    def _read(self, path: str) -> bytes:
        import sys

        if path == "-":
            return sys.stdin.buffer.read()
        try:
            with open(path, "rb") as file:
                return file.read()
        except OSError as error:
            raise bad_input(f"cannot read {path}: {error.strerror or error}") from None
