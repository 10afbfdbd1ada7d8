"""`oversight worker`: the background worker (django-tasks-db's db_worker) that sends messages and
produces reports. At start it queues again every message still unsent, so that tasks lost with a
killed worker are replaced (a message is claimed once, so a duplicate task sends nothing)."""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from oversight.messages.services import messages_recover


class Command(DbWorkerCommand):
    help = ("Run the background worker: sends messages and produces reports queued by `oversight reminders`. "
            "Stop it with SIGTERM (it finishes the task in hand). See docs/operations-messages.md for systemd.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(reload=False)

    def handle(self, *args, **options):
        recovered = messages_recover()
        if recovered and options.get("verbosity", 1) >= 1:
            self.stdout.write(f"{recovered} unsent messages queued again")
        return super().handle(*args, **options)
