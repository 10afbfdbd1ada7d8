from django.core.management.base import BaseCommand

from oversight.cli.common import choose_service, parse_moment
from oversight.messages.services import messages_recover, reminders_run
from oversight.ops.task_queue import tasks_recover
from oversight.people.models import Service
from oversight.policy.findings import Judgement
from oversight.store.read import service_facts


class Command(BaseCommand):
    help = ("The day's run (a systemd timer or cron calls it once a day, docs/operations-messages.md): queue each "
            "person's digest, the deadline reminders, the cover-start messages to young people and, on a Stat "
            "Wednesday, the data-quality report. Running it again the same day queues nothing twice. "
            "`oversight worker` sends what it queued.")

    def add_arguments(self, parser):
        parser.add_argument("--service", help="only this service (default: every service)")
        parser.add_argument("--as-of", help="ISO 8601 moment to plan for (default now)")

    def handle(self, *args, **options):
        services = [choose_service(options["service"])] if options["service"] else list(Service.objects.order_by("ref"))
        for service in services:
            as_of = parse_moment(options["as_of"], service.timezone, option="--as-of")
            judgement = Judgement.at(service_facts(service), as_of)
            summary = reminders_run(service=service, judgement=judgement)
            self.stdout.write(
                f"{service.ref} {judgement.today.isoformat()}: {summary.planned} planned, {summary.queued} queued, "
                f"{summary.already} already queued earlier, {summary.not_sent} logged as not sent"
                + ("; Stat Wednesday report queued" if summary.stat_wednesday else "")
            )
        # A task a dead worker left running (a Stat Wednesday report, a message) is queued again.
        resumed = tasks_recover()
        if resumed:
            self.stdout.write(f"{resumed} tasks left running by a stopped worker queued again")
        recovered = messages_recover()
        if recovered:
            self.stdout.write(f"{recovered} unsent messages queued again")
