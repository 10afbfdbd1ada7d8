from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connections

from oversight.cli import backups
from oversight.cli.common import bad_input


def describe(database: dict, engine: str) -> str:
    if engine == backups.SQLITE:
        return f"SQLite database {database['NAME']}"
    where = f"{database.get('HOST') or 'localhost'}:{database.get('PORT') or 5432}"
    return f"PostgreSQL database {database['NAME']} on {where}"


class Command(BaseCommand):
    help = (
        "Back up the whole database to one file, consistently while others keep working: SQLite with its "
        "online backup API, PostgreSQL with pg_dump --format=custom. Restore with 'oversight restore FILE'."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?",
            help="where to write the backup; default var/backups/oversight-<UTC time>.sqlite3 (or .dump on PostgreSQL)",
        )

    def handle(self, *args, **options):
        database = connections["default"].settings_dict
        engine = backups.engine_of(database)
        if options["file"]:
            target = Path(options["file"])
            if not target.parent.is_dir():
                raise bad_input(f"{target}: the folder {target.parent} does not exist")
        else:
            target = backups.default_backup_path(settings.VAR_DIR, engine)
            target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            raise bad_input(f"{target} already exists: choose another name (a backup never overwrites a file)")
        if engine == backups.SQLITE:
            backups.sqlite_backup(Path(database["NAME"]), target)
        else:
            backups.pg_backup(database, target)
        size = target.stat().st_size
        self.stdout.write(f"Backed up the {describe(database, engine)} to {target}: {backups.size_text(size)}.")
