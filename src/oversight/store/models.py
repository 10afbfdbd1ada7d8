"""The data revision of each service: a value that changes whenever any row the findings are
computed from changes (store/revisions.py keeps it so, with database triggers)."""

from django.db import models


class ServiceRevision(models.Model):
    # The service's primary key, not a foreign key: the triggers write here while a service's own
    # rows are being deleted, and a revision left for a deleted service is harmless.
    service_id = models.BigIntegerField(primary_key=True)
    # Never reused, even after a rolled-back transaction (a sequence on PostgreSQL, 64 random bits
    # on SQLite), so a cache entry filled from a transaction that rolled back can never be found
    # under a revision that a later, different write commits.
    revision = models.BigIntegerField()

    class Meta:
        db_table = "store_servicerevision"

    def __str__(self) -> str:
        return f"service {self.service_id} at revision {self.revision}"
