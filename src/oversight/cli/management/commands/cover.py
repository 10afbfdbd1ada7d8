import json

from django.core.management.base import BaseCommand

from oversight.cli.common import choose_service, parse_moment, table
from oversight.policy.engine import cover_at
from oversight.store.read import service_facts


class Command(BaseCommand):
    help = "Print each open case's named contact at a moment, how it was found and who was passed over."

    def add_arguments(self, parser):
        parser.add_argument("--at", help="ISO 8601 moment (local time of the service without an offset); default now")
        parser.add_argument("--service", help="the service's id (needed when several are loaded)")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args, **options):
        service = choose_service(options["service"])
        at = parse_moment(options["at"], service.timezone, option="--at")
        answers = cover_at(service_facts(service), at)
        if options["format"] == "json":
            self.stdout.write(json.dumps([a.as_dict() for a in answers], indent=1, ensure_ascii=False))
            return
        # People read the exceptions first: nobody, then duty, then other cover, then case managers.
        order = {"none": 0, "duty": 1, "case_manager": 9}
        answers = sorted(answers, key=lambda a: (order.get(str(a.via), 2), a.case))
        rows = [
            [a.case, a.contact or "NOBODY", str(a.via), "; ".join(p.reason for p in a.passed_over)]
            for a in answers
        ]
        self.stdout.write(table(["CASE", "CONTACT", "VIA", "PASSED OVER"], rows))
        nobody = sum(1 for a in answers if a.contact is None)
        self.stdout.write(f"\n{len(answers)} open cases at {at.isoformat(timespec='minutes')}; {nobody} with nobody")
