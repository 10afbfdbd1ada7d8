from datetime import date

from django.core.management.base import BaseCommand

from oversight.accounts.services import account_set
from oversight.people.models import Service, Staff
from oversight.policy.access import SENIOR_ROLES
from oversight.policy.facts import ServiceFacts

from oversight.cli.common import TerminalProgress, bad_input
from oversight.demo.generate import generate_service
from oversight.exchange.document import InvalidDocument, parse_document
from oversight.store.write import replace_service

DEMO_PASSWORD = "oversight-demo"


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
            self._demo_logins(facts, today)

    def _demo_logins(self, facts: ServiceFacts, today: date) -> None:
        """One sign-in per kind of user, each a real member of the demo service where one is needed."""
        service = Service.objects.get(ref=facts.service.id)
        staff = {s.ref: s for s in Staff.objects.filter(service=service)}
        known = facts.known_on(today)
        holders = [s for s in known.staff if s.is_practitioner and known.is_case_holding(s.id, today)
                   and known.is_present(s.id, today)]
        case_manager = max(holders, key=lambda s: (len(known.buddies_by_staff.get(s.id, ())), s.id))
        line_manager = known.line_manager_on(case_manager.id, today)
        senior = next(s.id for s in known.staff if s.role in SENIOR_ROLES and s.employed_on(today))
        on_duty = next((s for s in known.duty_by_day.get(today, ()) if known.is_present(s, today)), None)
        logins = [
            ("casemanager", staff[case_manager.id], {}, "case manager"),
            ("linemanager", staff[line_manager], {}, "line manager"),
            ("senior", staff[senior], {}, "senior manager"),
            ("duty", staff[on_duty] if on_duty else None, {}, "duty officer today"),
            ("performance", None, {"performance": True}, "performance team"),
            ("admin", None, {"administrator": True, "django_admin": True}, "administrator"),
        ]
        self.stdout.write("\nDemo sign-ins (this demo only), all with the password " + repr(DEMO_PASSWORD) + ":")
        for username, person, flags, what in logins:
            if person is None and not flags:
                continue
            account_set(service=service, username=username, password=DEMO_PASSWORD, staff=person,
                        actor="command line: oversight demo", **flags)
            who = f"{person.name} ({person.ref}, {person.role.replace('_', ' ')})" if person else ""
            self.stdout.write(f"  {username:<12} {what:<20} {who}")
        self.stdout.write(
            "Try on the command line:\n  oversight findings --format table\n  oversight cover --format table"
        )
