from datetime import date

from django.core.management.base import BaseCommand

from oversight.cli.common import bad_input, choose_service, table
from oversight.policy.calendar import WorkingCalendar
from oversight.policy.data_quality import next_stat_wednesday, stat_wednesdays
from oversight.policy.settings import PolicySettings
from oversight.reports.services import stat_wednesday_produce


class Command(BaseCommand):
    help = ("Produce the Stat Wednesday data-quality report (DQ-* findings, each owned by the case manager) "
            "for the latest Stat Wednesday, or for --date; a report already produced for that day is kept as it was.")

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day (YYYY-MM-DD); default the latest Stat Wednesday up to today. "
                                           "Another day gives an on-demand report")
        parser.add_argument("--service", help="the service's id (needed when several are loaded)")

    def handle(self, *args, **options):
        service = choose_service(options["service"])
        settings = PolicySettings.from_mapping(service.settings)
        today = WorkingCalendar(service.holidays, service.timezone).local_date(_now())
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError:
                raise bad_input(f"--date {options['date']!r} is not a date (YYYY-MM-DD)") from None
        else:
            days = stat_wednesdays(settings.stat_wednesday_anchor, settings.stat_wednesday_anchor, today)
            if not days:
                raise bad_input(f"no Stat Wednesday yet: the first is {settings.stat_wednesday_anchor.isoformat()}")
            day = days[-1]
        report, created = stat_wednesday_produce(service=service, day=day, actor="oversight stat_wednesday")
        lines = list(report.lines.all())
        scheduled = next_stat_wednesday(settings.stat_wednesday_anchor, day) == day
        kind = "Stat Wednesday" if scheduled else "on-demand data-quality report"
        self.stdout.write(table(
            ["TEAM", "OWNER", "CASE", "RULE", "DETAIL"],
            [[ln.team_name, f"{ln.owner_name} ({ln.owner_ref})" if ln.owner_ref else "nobody", ln.case_ref, ln.rule,
              ln.detail] for ln in lines],
        ))
        self.stdout.write(f"\n{kind} {day.isoformat()} for {service.ref}: {len(lines)} lines "
                          + ("(produced now)" if created else f"(produced {report.produced_at:%Y-%m-%d %H:%M}, kept)"))


def _now():
    from django.utils import timezone

    return timezone.now()
