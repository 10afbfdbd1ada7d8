"""Kept reports (Stat Wednesday) and personal calendar feeds."""

from django.conf import settings
from django.db import models

from oversight.people.models import Service


class StatWednesdayReport(models.Model):
    """The data-quality report of one Stat Wednesday (RULES.md), produced once and kept as it was."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    scheduled = models.BooleanField(default=True, help_text="A Stat Wednesday, not a report asked for on another day")
    judged_at = models.DateTimeField(help_text="The moment the rules were judged at")
    produced_at = models.DateTimeField(auto_now_add=True)
    produced_by = models.CharField(max_length=200)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["service", "day"], name="stat_wednesday_once_per_day")]

    def __str__(self) -> str:
        return f"Stat Wednesday {self.day} ({self.service.ref})"


class StatWednesdayLine(models.Model):
    """One thing to fix, owned by the case manager who must fix it."""

    report = models.ForeignKey(StatWednesdayReport, on_delete=models.CASCADE, related_name="lines")
    rule = models.CharField(max_length=20)
    status = models.CharField(max_length=10)
    case_ref = models.CharField(max_length=64)
    owner_ref = models.CharField(max_length=64, blank=True, default="", help_text="The case manager (staff id)")
    owner_name = models.CharField(max_length=200, blank=True, default="")
    team_ref = models.CharField(max_length=64, help_text="The team manager's staff id, or 'none'")
    team_name = models.CharField(max_length=200, blank=True, default="")
    due = models.DateTimeField(null=True, blank=True)
    detail = models.TextField()

    class Meta:
        ordering = ["team_ref", "owner_name", "due", "case_ref", "rule"]
        indexes = [models.Index(fields=["report", "team_ref"])]


class CalendarFeed(models.Model):
    """A person's secret calendar address. Only a hash of the token is kept: the address is shown
    once, when made; a new one revokes the old."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
