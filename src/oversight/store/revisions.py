"""Each service's data revision, kept by the database itself.

A trigger on every table that findings and cover are computed from (every table of people, cover
and supervision that carries a service, the group-session participants, and the service row)
gives the service a new revision in the same transaction as the change: so does every writer,
the store, a page, the API, an import, a management command or raw SQL, and none can forget to.
What is computed from a service's rows can therefore be kept under (service, revision) and is never
served stale (store/cache.py). The one writer that switches triggers off, the bulk first load
(store/bulk.py, `session_replication_role = replica`), calls `bump` itself.

On PostgreSQL the triggers are per statement and read the changed rows from transition tables: an
ordinary load of 200,000 rows gives the service one new revision per statement, not 200,000. A new
revision comes from a sequence, so a value is never used twice, not even after a rollback. SQLite
has row triggers only; there the new revision is 64 random bits.
"""

from __future__ import annotations

from django.db import connection as default_connection

DOMAIN_APPS = ("people", "cover", "supervision")
TABLE = "store_servicerevision"

_PG_FUNCTION = f"""
CREATE SEQUENCE IF NOT EXISTS store_revision_seq;
CREATE OR REPLACE FUNCTION store_bump_revisions() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    changed text;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE {TABLE} SET revision = nextval('store_revision_seq');
        RETURN NULL;
    END IF;
    -- TG_ARGV[0]: the service of a changed row `r`, as an SQL expression
    IF TG_OP = 'INSERT' THEN
        changed := format('SELECT %s AS sid FROM new_rows r', TG_ARGV[0]);
    ELSIF TG_OP = 'DELETE' THEN
        changed := format('SELECT %s AS sid FROM old_rows r', TG_ARGV[0]);
    ELSE
        changed := format('SELECT %s AS sid FROM old_rows r UNION SELECT %s FROM new_rows r', TG_ARGV[0], TG_ARGV[0]);
    END IF;
    EXECUTE format(
        'INSERT INTO {TABLE} AS v (service_id, revision) '
        'SELECT sid, nextval(''store_revision_seq'') FROM (SELECT DISTINCT sid FROM (%s) c) d '
        'WHERE sid IS NOT NULL ORDER BY sid '
        'ON CONFLICT (service_id) DO UPDATE SET revision = EXCLUDED.revision', changed);
    RETURN NULL;
END
$fn$;
"""


def watched_tables(models) -> list[tuple[str, str]]:
    """(table, SQL expression for the service of a changed row `r`) for every table whose rows the
    findings are computed from. `models`: the domain apps' models (real or from a migration)."""
    out = []
    for model in models:
        meta = model._meta
        if meta.app_label not in DOMAIN_APPS or not meta.managed or meta.proxy:
            continue
        names = {field.name for field in meta.get_fields()}
        if "history_id" in names:  # django-simple-history's copies: not read by the rules
            continue
        if meta.model_name == "service" and meta.app_label == "people":
            out.append((meta.db_table, "r.id"))
            continue
        if "service" not in names:
            continue
        out.append((meta.db_table, "r.service_id"))
        for field in meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                out.append((through._meta.db_table, f"(SELECT s.service_id FROM {meta.db_table} s "
                                                    f"WHERE s.id = r.{field.m2m_column_name()})"))
    return sorted(set(out))


def install(models, connection=default_connection) -> None:
    """Create (or re-create) the triggers on every watched table, and give every service that has no
    revision yet one. Idempotent: it runs after every migrate."""
    tables = watched_tables(models)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_FUNCTION)
            for table, service in tables:
                argument = "'" + service.replace("'", "''") + "'"
                for event, referencing in (("INSERT", "NEW TABLE AS new_rows"),
                                           ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
                                           ("DELETE", "OLD TABLE AS old_rows"), ("TRUNCATE", "")):
                    name = f"store_revision_{event.lower()}"
                    cursor.execute(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
                    cursor.execute(
                        f'CREATE TRIGGER {name} AFTER {event} ON "{table}" '
                        + (f"REFERENCING {referencing} " if referencing else "")
                        + f"FOR EACH STATEMENT EXECUTE FUNCTION store_bump_revisions({argument})"
                    )
            cursor.execute(f"INSERT INTO {TABLE} (service_id, revision) SELECT id, nextval('store_revision_seq') "
                           f"FROM people_service ON CONFLICT (service_id) DO NOTHING")
        elif connection.vendor == "sqlite":
            for table, service in tables:
                for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
                    changed = " UNION ".join(f"SELECT {service.replace('r.', row + '.')} AS sid" for row in rows)
                    name = f"store_revision_{table}_{event.lower()}"
                    cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
                    cursor.execute(
                        f'CREATE TRIGGER "{name}" AFTER {event} ON "{table}" FOR EACH ROW BEGIN '
                        f"INSERT INTO {TABLE} (service_id, revision) "
                        f"SELECT sid, random() FROM ({changed}) WHERE sid IS NOT NULL "
                        f"ON CONFLICT (service_id) DO UPDATE SET revision = excluded.revision; END"
                    )
            cursor.execute(f"INSERT INTO {TABLE} (service_id, revision) SELECT id, random() FROM people_service "
                           f"WHERE true ON CONFLICT (service_id) DO NOTHING")
        else:  # pragma: no cover - Oversight runs on PostgreSQL and SQLite only
            raise NotImplementedError(f"no revision triggers for {connection.vendor}")


def uninstall(models, connection=default_connection) -> None:
    """Drop the triggers (the migration's way back: the revision table goes with it)."""
    with connection.cursor() as cursor:
        for table, _ in watched_tables(models):
            if connection.vendor == "postgresql":
                for event in ("insert", "update", "delete", "truncate"):
                    cursor.execute(f'DROP TRIGGER IF EXISTS store_revision_{event} ON "{table}"')
            else:
                for event in ("insert", "update", "delete"):
                    cursor.execute(f'DROP TRIGGER IF EXISTS "store_revision_{table}_{event}"')
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS store_bump_revisions()")
            cursor.execute("DROP SEQUENCE IF EXISTS store_revision_seq")


def install_after_migrate(sender, using="default", apps=None, **kwargs) -> None:
    """post_migrate, once per migrate (for the store's own app): the models as migrated."""
    if sender.label != "store" or apps is None:
        return
    from django.db import connections

    connection = connections[using]
    if TABLE not in connection.introspection.table_names():
        return
    install([m for label in DOMAIN_APPS for m in apps.get_app_config(label).get_models()], connection)


def current(service_pk: int, connection=default_connection) -> int | None:
    """The service's revision as this transaction sees it (None: none recorded yet)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT revision FROM {TABLE} WHERE service_id = %s", [service_pk])
        row = cursor.fetchone()
    return row[0] if row else None


def bump(service_pk: int, connection=default_connection) -> None:
    """A new revision for the service: for the writers that switch the triggers off."""
    new = "nextval('store_revision_seq')" if connection.vendor == "postgresql" else "random()"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (service_id, revision) VALUES (%s, {new}) "
                       f"ON CONFLICT (service_id) DO UPDATE SET revision = excluded.revision", [service_pk])
