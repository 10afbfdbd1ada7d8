"""The audit trail: an append-only, tamper-evident log of every view and change of a service's data.

Each entry records who acted, when, on which record, on what basis (the relationship that made the
access lawful), and the record before and after a change. Entries are never updated or deleted (on
PostgreSQL a trigger refuses it), and each entry carries the hash of the one before it, so that
`oversight audit verify` finds the first entry that was altered or removed.
"""

from django.db import models

from oversight.people.models import Service


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CHANGE = "change", "Changed"
        CREATE = "create", "Created"
        AMEND = "amend", "Amended"
        DENIED = "denied", "Refused"
        DISCLOSURE = "disclosure", "Disclosed"
        LOAD = "load", "Loaded"
        EXPORT = "export", "Exported"
        SIGN_IN = "sign_in", "Signed in"
        ADMIN = "admin", "Administration"

    service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField()
    actor = models.CharField(max_length=200, help_text="Who acted: user name and staff id, or the command")
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60, blank=True, default="")
    object_ref = models.CharField(max_length=200, blank=True, default="")
    case_ref = models.CharField(max_length=64, blank=True, default="", db_index=True)
    basis = models.CharField(max_length=200, blank=True, default="", help_text="The lawful basis of a view or change")
    summary = models.TextField()
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["service", "case_ref", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type} {self.object_ref}"
