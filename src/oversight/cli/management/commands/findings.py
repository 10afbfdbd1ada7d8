import json

from django.core.management.base import BaseCommand

from oversight.cli.common import bad_input, choose_service, parse_moment, table
from oversight.policy.catalogue import RULE_IDS
from oversight.policy.engine import evaluate
from oversight.store.read import rule_facts, service_facts


class Command(BaseCommand):
    help = "Print every finding of every rule for a service as of a moment, soonest deadline first."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="ISO 8601 moment (local time of the service without an offset); default now")
        parser.add_argument("--service", help="the service's id (needed when several are loaded)")
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument("--rule", action="append", help="only these rules (repeatable), e.g. --rule SUP-MONTHLY")
        parser.add_argument("--status", choices=["breach", "due", "warning"], help="only this status")

    def handle(self, *args, **options):
        service = choose_service(options["service"])
        as_of = parse_moment(options["as_of"], service.timezone, option="--as-of")
        rules = options["rule"]
        unknown = sorted(set(rules or ()) - set(RULE_IDS))
        if unknown:
            raise bad_input(f"--rule: no such rule {', '.join(unknown)} (rules: {', '.join(RULE_IDS)})")
        if rules:  # those rules alone, on the tables they read (catalogue.Rule.reads), not the whole service
            findings = evaluate(rule_facts(service, rules, as_of), as_of, rules)
        else:
            findings = evaluate(service_facts(service), as_of)
        if options["status"]:
            findings = [f for f in findings if f.status == options["status"]]
        if options["format"] == "json":
            self.stdout.write(json.dumps([f.as_dict() for f in findings], indent=1, ensure_ascii=False))
            return
        rows = [
            [
                f.due.astimezone(as_of.tzinfo).strftime("%a %Y-%m-%d %H:%M") if f.due else "",
                str(f.status), f.rule, f.subject, f.case or "", f.period or "", f.detail,
            ]
            for f in findings
        ]
        self.stdout.write(table(["DUE", "STATUS", "RULE", "SUBJECT", "CASE", "PERIOD", "DETAIL"], rows))
        counts = {s: sum(1 for f in findings if f.status == s) for s in ("breach", "due", "warning")}
        self.stdout.write(
            f"\n{len(findings)} findings for {service.ref} as of {as_of.isoformat(timespec='minutes')}: "
            f"{counts['breach']} breaches, {counts['due']} due, {counts['warning']} warnings"
        )
