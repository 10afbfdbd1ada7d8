import json

from django.core.management.base import BaseCommand

from oversight.cli.common import choose_service
from oversight.exchange.document import to_document
from oversight.store.read import service_facts


class Command(BaseCommand):
    help = "Print a service as one oversight-exchange/1 document."

    def add_arguments(self, parser):
        parser.add_argument("--service", help="the service's id (needed when several are loaded)")

    def handle(self, *args, **options):
        service = choose_service(options["service"])
        self.stdout.write(json.dumps(to_document(service_facts(service)), indent=1, ensure_ascii=False))
