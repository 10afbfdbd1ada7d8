"""The audit trail: an append-only log of what was done to a service's data, by whom and when."""

from django.db import models

from oversight.people.models import Service


class AuditEvent(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.CharField(max_length=200, help_text="Who acted: a user name, or 'command line' for oversight load")
    action = models.CharField(max_length=60)
    summary = models.TextField()
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
