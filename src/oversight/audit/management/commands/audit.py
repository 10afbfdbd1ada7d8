from django.core.management.base import BaseCommand, CommandError

from oversight.audit.services import verify_chain


class Command(BaseCommand):
    help = "Work with the audit trail. 'oversight audit verify' checks that no entry was altered or removed."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["verify"])

    def handle(self, *args, **options):
        check = verify_chain()
        if check.intact:
            self.stdout.write(f"The audit trail is intact: {check.entries:,} entries, every link verified.")
            return
        raise CommandError(
            f"The audit trail is broken at entry {check.first_broken}: {check.reason}. "
            "Entries before it are intact; treat everything from it on as untrusted and investigate.",
            returncode=1,
        )
