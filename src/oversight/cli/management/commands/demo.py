from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from oversight.cli.common import TerminalProgress, bad_input
from oversight.demo.generate import generate_service
from oversight.exchange.document import InvalidDocument, parse_document
from oversight.store.write import replace_service

DEMO_ADMIN = ("admin", "oversight-demo")


class Command(BaseCommand):
    help = "Generate the deterministic demo service (same --seed and --today, same service) and load it."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--today", help="the last day of the generated history (YYYY-MM-DD); default today")
        parser.add_argument("--scale", choices=["demo", "service"], default="demo")
        parser.add_argument("--service", default="DEMO", help="the generated service's id")
        parser.add_argument("--no-logins", action="store_true", help="do not create the demo sign-in")

    def handle(self, *args, **options):
        try:
            today = date.fromisoformat(options["today"]) if options["today"] else date.today()
        except ValueError:
            raise bad_input(f"--today {options['today']!r} is not a date (YYYY-MM-DD)") from None
        self.stdout.write(f"Generating the {options['scale']} service (seed {options['seed']}, up to {today})...")
        document = generate_service(
            seed=options["seed"], today=today, scale=options["scale"], service_id=options["service"]
        )
        try:
            facts = parse_document(document)
        except InvalidDocument as invalid:  # a generator bug, reported like any bad document
            raise bad_input(f"generated demo document: {invalid}") from None
        progress = TerminalProgress()
        report = replace_service(facts, actor="command line: oversight demo", progress=progress)
        progress.finish()
        totals = report.totals()
        open_cases = sum(1 for c in facts.cases if c.closed is None)
        self.stdout.write(
            f"Demo service {facts.service.id}: {len(facts.staff)} staff, {open_cases} open and "
            f"{len(facts.cases) - open_cases} closed cases ({totals.added} added, {totals.changed} changed, "
            f"{totals.removed} removed)."
        )
        if not options["no_logins"]:
            self._demo_logins()

    def _demo_logins(self):
        username, password = DEMO_ADMIN
        User = get_user_model()
        user, _ = User.objects.get_or_create(username=username, defaults={"is_staff": True, "is_superuser": True})
        user.set_password(password)
        user.save()
        self.stdout.write(
            "\nDemo sign-in (for this demo only):\n"
            f"  administrator  user '{username}'  password '{password}'  at /admin/\n"
            "Try on the command line:\n"
            "  oversight findings --format table\n"
            "  oversight cover --format table"
        )
