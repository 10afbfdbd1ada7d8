from django.core.management.base import BaseCommand, CommandError

from oversight.accounts.demo import DemoCodeRefused, current_code


class Command(BaseCommand):
    help = ("Print the current two-factor code of a demo sign-in (only for the demo service's own "
            "'demo' authenticator devices).")

    def add_arguments(self, parser):
        parser.add_argument("username", help="a demo sign-in, for example linemanager")

    def handle(self, *args, **options):
        try:
            code = current_code(options["username"])
        except DemoCodeRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(code)
