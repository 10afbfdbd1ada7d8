"""`oversight worker`: the background worker (django-tasks-db's db_worker) that sends messages and
produces reports. At start it puts back the tasks a dead worker left running (oversight.ops.task_queue)
and queues again every message still unsent, so that nothing is lost with a killed worker (a message
is claimed once and a report produced once per day, so a task run twice does nothing twice)."""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from oversight.messages.services import messages_recover
from oversight.ops.task_queue import tasks_recover, worker_id_here


class Command(DbWorkerCommand):
    help = ("Run the background worker: sends messages and produces reports queued by `oversight reminders`. "
            "Stop it with SIGTERM (it finishes the task in hand). See docs/operations-messages.md for systemd.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # The default id names this host and process, so that the next worker can tell this one is gone.
        parser.set_defaults(reload=False, worker_id=None)

    def handle(self, *args, **options):
        options["worker_id"] = options.get("worker_id") or worker_id_here()
        resumed = tasks_recover()
        recovered = messages_recover()
        if options.get("verbosity", 1) >= 1:
            if resumed:
                self.stdout.write(f"{resumed} tasks left running by a stopped worker queued again")
            if recovered:
                self.stdout.write(f"{recovered} unsent messages queued again")
        return super().handle(*args, **options)
