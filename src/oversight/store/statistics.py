"""The planner's statistics, gathered as soon as a load has changed what it knows (PostgreSQL).

PostgreSQL chooses its plans from statistics that autovacuum gathers in its own time, up to a minute
or more after a large write. Until then a table just filled may still be believed nearly empty, and
the planner chooses plans for ten rows on a hundred thousand (seen: one service's records read in
3.5 s instead of 0.01 s, docs/performance.md, sixth round). So whoever loads a service gathers them
at once for the tables the load changed much, as autovacuum itself would later: when the rows
written are at least a tenth of what the planner believes the table holds.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import connection

# autovacuum_analyze_scale_factor's default: what autovacuum itself counts as changed much
CHANGED_MUCH = 0.1


def gather_all() -> None:
    """Fresh statistics for every table: after the fleet's bulk load, which writes with COPY."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def gather_after_load(rows_written: Mapping[str, int]) -> list[str]:
    """ANALYZE the tables (by name) whose rows written (added, changed or removed) are at least a
    tenth of the rows the planner believes they hold; returns the tables analysed, in name order.
    Nothing on SQLite, whose planner keeps no such statistics unless asked."""
    written = {table: rows for table, rows in rows_written.items() if rows > 0}
    if connection.vendor != "postgresql" or not written:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' AND relname = ANY(%s)",
                       [sorted(written)])
        believed = dict(cursor.fetchall())  # reltuples: -1 for a table never analysed
        stale = sorted(t for t, rows in written.items() if rows >= CHANGED_MUCH * max(believed.get(t, 0), 0))
        for table in stale:
            cursor.execute(f'ANALYZE "{table}"')
    return stale
