from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from oversight.cli.common import bad_input, choose_service
from oversight.dataprotection.subject_access import FORMATS, subject_access_export
from oversight.people.models import Case


class Command(BaseCommand):
    help = ("Export everything held about one child (subject access request) as JSON or PDF. The export is "
            "written to the audit trail as a disclosure to the recipient.")

    def add_arguments(self, parser):
        parser.add_argument("case", metavar="CASE_REF", help="the case's id")
        parser.add_argument("--recipient", required=True, help="who the export is for (recorded in the audit trail)")
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--out", required=True, help="the file to write (it must not exist yet)")
        parser.add_argument("--service", help="the service's id (needed when several are loaded)")
        parser.add_argument("--actor", default="", help="who is making the export (default: the command)")

    def handle(self, *args, **options):
        service = choose_service(options["service"])
        case = Case.objects.filter(service=service, ref=options["case"]).first()
        if case is None:
            raise bad_input(f"no case {options['case']!r} in service {service.ref}")
        out = Path(options["out"])
        if out.exists():
            raise bad_input(f"{out} exists already: choose a new file name")
        actor = f"oversight subject_access{f' ({options['actor']})' if options['actor'] else ''}"
        try:
            export = subject_access_export(case=case, recipient=options["recipient"], fmt=options["format"],
                                           actor=actor)
        except ValidationError as exc:
            raise bad_input("; ".join(m for ms in exc.message_dict.values() for m in ms)) from None
        out.write_bytes(export.content)
        self.stdout.write(f"Wrote {out} ({len(export.content):,} bytes); disclosure to {options['recipient']!r} "
                          "recorded in the audit trail")
