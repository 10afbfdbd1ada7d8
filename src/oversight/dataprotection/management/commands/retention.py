from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from oversight.cli.common import bad_input, choose_service, table
from oversight.dataprotection.services import case_anonymise, retention_candidates
from oversight.policy.calendar import WorkingCalendar


class Command(BaseCommand):
    help = ("List the children's records past their retention period (by order type, after closure), and with "
            "--apply anonymise those not on legal hold. Without --apply nothing changes.")

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="anonymise the records listed as due")
        parser.add_argument("--as-of", help="judge on this day (YYYY-MM-DD); default today")
        parser.add_argument("--service", help="the service's id (needed when several are loaded)")

    def handle(self, *args, **options):
        service = choose_service(options["service"])
        really_today = WorkingCalendar(service.holidays, service.timezone).local_date(timezone.now())
        if options["as_of"]:
            try:
                today = date.fromisoformat(options["as_of"])
            except ValueError:
                raise bad_input(f"--as-of {options['as_of']!r} is not a date (YYYY-MM-DD)") from None
        else:
            today = really_today
        if options["apply"] and today > really_today:
            # A day to come lists what will fall due; anonymising on it would dispose of records
            # whose retention period has not yet ended.
            raise bad_input(f"--as-of {today.isoformat()} is after today ({really_today.isoformat()}): records are "
                            "anonymised only once their retention period has ended. Without --apply it lists them.")
        candidates = retention_candidates(service=service, today=today)
        rows = [[c.case.ref, c.case.order_type, c.case.closed.isoformat(), str(c.decision.years),
                 c.decision.dispose_from.isoformat(), "on legal hold: kept" if c.decision.held else "due"]
                for c in candidates]
        self.stdout.write(table(["CASE", "ORDER", "CLOSED", "YEARS", "FROM", "STATUS"], rows))
        due = [c for c in candidates if c.decision.due]
        held = len(candidates) - len(due)
        if not options["apply"]:
            self.stdout.write(f"\n{len(due)} records past retention to anonymise, {held} on legal hold, as of "
                              f"{today.isoformat()}. Nothing was changed: run again with --apply to anonymise.")
            return
        for c in due:
            case_anonymise(case=c.case, today=today, actor="oversight retention --apply")
        self.stdout.write(f"\nAnonymised {len(due)} records; {held} on legal hold were kept.")
