from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connections

from oversight.cli import backups
from oversight.cli.common import bad_input
from oversight.cli.management.commands.backup import describe


class Command(BaseCommand):
    help = (
        "Restore the whole database from a file written by 'oversight backup' (the same engine). A database "
        "that already holds data is replaced only with --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup to restore")
        parser.add_argument("--yes", action="store_true", help="replace a database that already holds data")

    def handle(self, *args, **options):
        backup = Path(options["file"])
        if not backup.is_file():
            raise bad_input(f"{backup}: no such backup file")
        database = connections["default"].settings_dict
        engine = backups.engine_of(database)
        try:
            kind = backups.kind_of_file(backup)
        except OSError as error:
            raise bad_input(f"{backup} cannot be read: {error.strerror or error}") from None
        if kind is None:
            raise bad_input(f"{backup} is not a backup: neither a SQLite database nor a pg_dump archive")
        if kind != engine:
            raise bad_input(
                f"{backup} is a {backups.ENGINE_NAMES[kind]} backup but the configured database is "
                f"{backups.ENGINE_NAMES[engine]}: restore it into a {backups.ENGINE_NAMES[kind]} database "
                "(or move a service across with 'oversight export' and 'oversight load')"
            )
        if engine == backups.SQLITE:
            backups.sqlite_check_backup(backup)
        else:
            backups.pg_check_backup(backup, database)

        connection = connections["default"]
        holding = backups.tables_with_data(connection)
        if holding and not options["yes"]:
            services = backups.service_refs(connection)
            held = f"services {', '.join(services)}" if services else f"data in {len(holding)} tables"
            raise bad_input(
                f"the {describe(database, engine)} is not empty (it holds {held}): restoring replaces everything "
                "in it. Take a backup of it first ('oversight backup'), then run again with --yes."
            )
        connections.close_all()  # nothing of ours holds the database while it is replaced
        if engine == backups.SQLITE:
            backups.sqlite_restore(backup, Path(database["NAME"]))
        else:
            backups.pg_restore(database, backup)
        connections.close_all()

        size = backups.size_text(backup.stat().st_size)
        services = backups.service_refs(connection)
        self.stdout.write(
            f"Restored the {describe(database, engine)} from {backup}, {size}: "
            f"{len(services)} service{'s' if len(services) != 1 else ''}"
            f"{' (' + ', '.join(services) + ')' if services else ''}."
        )
        pending = backups.pending_migrations(connection)
        if pending:
            self.stdout.write(
                f"The backup predates this version of Oversight ({len(pending)} migrations to apply): "
                "run 'oversight migrate' before using it."
            )
            return
        from oversight.audit import services as audit

        audit.record(actor="command line: oversight restore", action="admin",
                     summary=f"Restored the database from the backup {backup.name} ({size})")
