"""`oversight keep_findings`: keep every service's findings computed for the present (store/keeper.py)."""

import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from oversight.cli.common import bad_input
from oversight.people.models import Service
from oversight.store.keeper import keep_current


class Command(BaseCommand):
    help = ("Keep every service's findings computed for the present in the shared cache (REDIS_URL), so that "
            "no page waits for them after a change. Runs until stopped (SIGTERM: it ends after the service in "
            "hand); --once for one pass.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass over every service, then stop")
        parser.add_argument("--service", action="append", dest="services", metavar="ID",
                            help="only this service (repeatable): to share the services between several keepers")
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between passes (default 5)")

    def handle(self, *args, **options):
        if options["interval"] <= 0:
            raise bad_input("--interval must be a positive number of seconds")
        if options["services"]:
            unknown = set(options["services"]) - set(Service.objects.values_list("ref", flat=True))
            if unknown:
                raise bad_input(f"no service with id {', '.join(sorted(unknown))}")
        if "RedisCache" not in settings.CACHES["default"]["BACKEND"]:
            self.stderr.write("Note: REDIS_URL is not set, so the findings are kept in this process only and no web "
                              "server sees them. Set REDIS_URL for the web servers and for this command.")
        stop = threading.Event()
        if not options["once"]:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop.set())
        while True:
            started = time.monotonic()
            computed = keep_current(refs=options["services"], stopping=stop.is_set)
            if computed and options["verbosity"] >= 1:
                self.stdout.write(f"Computed the findings of {len(computed)} services in "
                                  f"{time.monotonic() - started:.1f} s: {', '.join(computed)}")
            if options["once"] or stop.wait(options["interval"]):
                return
            close_old_connections()  # as after a request: a connection the database dropped is opened again
