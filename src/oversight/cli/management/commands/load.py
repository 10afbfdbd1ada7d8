from django.core.management.base import BaseCommand

from oversight.cli.common import TerminalProgress, bad_input
from oversight.exchange.document import InvalidDocument, load_json_file, parse_document
from oversight.store.write import replace_service


class Command(BaseCommand):
    help = (
        "Load an oversight-exchange/1 document. The whole document is checked first: on any problem "
        "every problem is listed with its JSON path, nothing is written and the exit status is 2. So it is "
        "when the document would remove or change a record on a child's file written in Oversight."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the JSON document ('-' for standard input)")

    def handle(self, *args, **options):
        progress = TerminalProgress()
        try:
            document = load_json_file(options["file"])
            facts = parse_document(document)
            # Refused too, with every problem, when it would remove or change a record on the
            # child's file written in Oversight (decision 0003).
            report = replace_service(facts, actor="command line: oversight load", progress=progress,
                                     document=document)
        except InvalidDocument as invalid:
            progress.finish()
            raise bad_input(f"{options['file']}: {invalid}") from None
        progress.finish()
        totals = report.totals()
        if report.unchanged:
            self.stdout.write(f"Service {report.service} is already up to date: nothing changed.")
        else:
            self.stdout.write(
                f"Loaded service {report.service}: {totals.added} added, {totals.changed} changed, "
                f"{totals.removed} removed."
            )
