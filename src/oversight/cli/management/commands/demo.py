import json
import os
from datetime import date

from django.core.management.base import BaseCommand
from django.db import connection

from oversight.accounts.services import account_set
from oversight.accounts.demo import give_demo_app
from oversight.people.models import Service, Staff
from oversight.policy.access import SENIOR_ROLES
from oversight.policy.facts import ServiceFacts

from oversight.cli.common import TerminalProgress, bad_input
from oversight.cli.fleet import load_scale
from oversight.demo.generate import generate_service
from oversight.demo.scales import ALL_SCALES, FLEETS
from oversight.exchange.document import InvalidDocument, parse_document
from oversight.store.read import service_facts
from oversight.store.write import replace_service

DEMO_PASSWORD = "oversight-demo"


class Command(BaseCommand):
    help = "Generate the deterministic demo service (same --seed and --today, same service) and load it."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--today", help="the last day of the generated history (YYYY-MM-DD); default today")
        parser.add_argument(
            "--scale", choices=list(ALL_SCALES), default="demo",
            help="demo (default); service: one service of 500 open cases and 10 years; region: 15 services; "
            "national: 150 services, 30,000 open cases (PostgreSQL: loaded with COPY, in parallel)",
        )
        parser.add_argument("--workers", type=int, default=2, help="processes loading a region or nation (PostgreSQL)")
        parser.add_argument("--report", help="region, national: write the load's figures to this JSON file")
        parser.add_argument(
            "--via-documents", action="store_true",
            help="region, national: go through exchange documents and their checks (slower; the same data)",
        )
        parser.add_argument("--service", default="DEMO", help="the generated service's id")
        parser.add_argument("--no-logins", action="store_true", help="do not create the demo sign-in")

    def handle(self, *args, **options):
        try:
            today = date.fromisoformat(options["today"]) if options["today"] else date.today()
        except ValueError:
            raise bad_input(f"--today {options['today']!r} is not a date (YYYY-MM-DD)") from None
        if options["scale"] in FLEETS:
            return self._fleet(options, today)
        self.stdout.write(f"Generating the {options['scale']} service (seed {options['seed']}, up to {today})...")
        document = generate_service(
            seed=options["seed"], today=today, scale=options["scale"], service_id=options["service"]
        )
        try:
            facts = parse_document(document)
        except InvalidDocument as invalid:  # a generator bug, reported like any bad document
            raise bad_input(f"generated demo document: {invalid}") from None
        progress = TerminalProgress()
        try:
            report = replace_service(facts, actor="command line: oversight demo", progress=progress)
        except InvalidDocument as invalid:  # records written in Oversight that the new demo would lose
            progress.finish()
            raise bad_input(
                f"the demo was not loaded again, so that nothing written in Oversight is lost: {invalid}\n"
                "The database is unchanged. To start again from a fresh demo, remove the database first "
                "(the SQLite default: rm -rf var/)."
            ) from None
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

    def _fleet(self, options, today: date) -> None:
        """Many services (region, national): generated and loaded service by service, with progress."""
        scale, fleet = options["scale"], FLEETS[options["scale"]]
        engine = connection.vendor
        self.stdout.write(
            f"Generating and loading the {scale} data set: {fleet.services} services, {fleet.open_cases:,} open "
            f"cases, 10 years (seed {options['seed']}, up to {today}) on {engine}..."
        )
        if engine != "postgresql":
            self.stdout.write("  (on SQLite every service goes through the ordinary load, one after another: "
                              "national size on SQLite is not a target)")
        load_before = os.getloadavg()[0]
        report = load_scale(
            scale=scale, seed=options["seed"], today=today, workers=options["workers"],
            via_documents=options["via_documents"],
        )
        figures = report.as_dict()
        if options["report"]:
            figures.update(load_before=round(load_before, 2), load_after=round(os.getloadavg()[0], 2))
            with open(options["report"], "w") as out:
                json.dump(figures, out, indent=1)
        self.stdout.write(
            f"{figures['services']} services loaded: {figures['staff']:,} staff, {figures['open_cases']:,} open cases, "
            f"{figures['records']:,} records in {figures['seconds']:.0f} s "
            f"({figures['records_per_second_wall']:,} records/s)."
        )
        if not options["no_logins"]:
            first = Service.objects.get(ref=report.services[0].ref)
            self._demo_logins(service_facts(first), today)

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
            account = account_set(service=service, username=username, password=DEMO_PASSWORD, staff=person,
                                  actor="command line: oversight demo", **flags)
            code = "  + two-factor code" if give_demo_app(account.user) else ""
            who = f"{person.name} ({person.ref}, {person.role.replace('_', ' ')})" if person else ""
            self.stdout.write(f"  {username:<12} {what:<20} {who}{code}")
        self.stdout.write(
            "Sign-ins marked '+ two-factor code' (managers and the administrator) are then asked for a code:\n"
            "  oversight demo_code USERNAME    prints the current one (demo sign-ins only)\n"
            "Try on the command line:\n  oversight findings --format table\n  oversight cover --format table"
        )
