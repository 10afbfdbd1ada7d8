"""Supervision sessions with their per-case discussions and actions, gaps, frequency overrides and
oversight events (management decisions, MARP, audits) that need a record on the child's file.

The record on the child's file is a discussion's (or an event's) `notes`, written once with `recorded`
and `recorded_by`. It is never edited in place afterwards: a correction is a `RecordAmendment`, which
keeps the original and states the reason. The exchange format carries no notes (EXCHANGE.md)."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from oversight.people.models import Case, Service, Staff, dates_in_order, ref_unique
from oversight.policy import facts

SUPERVISION_CHOICES = [(k, k.capitalize()) for k in facts.SUPERVISION_KINDS]
DEPTH_CHOICES = [(d, d.replace("_", " ").capitalize()) for d in facts.DEPTHS]
EVENT_CHOICES = [(k, k.replace("_", " ").capitalize()) for k in facts.OVERSIGHT_EVENT_KINDS]


class Supervision(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    ref = models.CharField(max_length=64)
    kind = models.CharField(max_length=20, choices=SUPERVISION_CHOICES)
    supervisor = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="supervisions_given")
    # A formal one-to-one has exactly one supervisee, held in this column so that the database
    # enforces it; group, peer and informal sessions list theirs in `participants`.
    supervisee = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="formal_supervisions")
    participants = models.ManyToManyField(Staff, blank=True, related_name="group_supervisions")
    held = models.DateTimeField()
    minutes = models.PositiveIntegerField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            ref_unique("supervision"),
            models.CheckConstraint(
                condition=(Q(kind="formal") & Q(supervisee__isnull=False)) | (~Q(kind="formal") & Q(supervisee__isnull=True)),
                name="supervision_formal_has_one_supervisee",
            ),
        ]
        indexes = [models.Index(fields=["service", "held"])]


class Discussion(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    supervision = models.ForeignKey(Supervision, on_delete=models.PROTECT, related_name="discussions")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="discussions")
    depth = models.CharField(max_length=20, choices=DEPTH_CHOICES)
    significant = models.BooleanField(default=False)
    recorded = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The text of the record on the child's file (blank: not written in Oversight, or not yet).
    notes = models.TextField(blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["supervision", "case"], name="discussion_unique")]


class Action(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    ref = models.CharField(max_length=64)
    discussion = models.ForeignKey(Discussion, on_delete=models.PROTECT, related_name="actions")
    text = models.TextField()
    owner = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="actions")
    due = models.DateField(null=True, blank=True)
    done = models.DateField(null=True, blank=True)
    reason_not_done = models.TextField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [ref_unique("action")]


class GapRecord(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="gap_records")
    month = models.CharField(max_length=7)
    recorded = models.DateTimeField()
    by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "month"], name="gap_record_unique"),
            models.CheckConstraint(condition=Q(month__regex=r"^[0-9]{4}-(0[1-9]|1[0-2])$"), name="gap_record_month_format"),
        ]


class FrequencyOverride(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="frequency_overrides")
    every_days = models.PositiveIntegerField()
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "start"], name="frequency_override_unique_start"),
            dates_in_order("start", "end", "frequency_override_dates_in_order"),
            models.CheckConstraint(condition=Q(every_days__gte=1), name="frequency_override_positive"),
        ]


class OversightEvent(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    ref = models.CharField(max_length=64)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="oversight_events")
    kind = models.CharField(max_length=30, choices=EVENT_CHOICES)
    held = models.DateTimeField()
    by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    significant = models.BooleanField(default=False)
    recorded = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The text of the record on the child's file ("Management Supervision of Case", MARP, audit).
    notes = models.TextField(blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        constraints = [ref_unique("oversight_event")]


class RecordAmendment(models.Model):
    """A correction of a record on the child's file: the original stays as written, and the
    amendment states what it now says and why. Exactly one of `discussion` and `oversight_event`."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    discussion = models.ForeignKey(
        Discussion, on_delete=models.PROTECT, null=True, blank=True, related_name="amendments"
    )
    oversight_event = models.ForeignKey(
        OversightEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="amendments"
    )
    text = models.TextField()
    reason = models.TextField()
    by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(discussion__isnull=False) & Q(oversight_event__isnull=True))
                | (Q(discussion__isnull=True) & Q(oversight_event__isnull=False)),
                name="record_amendment_of_exactly_one_record",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="record_amendment_states_a_reason"),
            models.CheckConstraint(condition=~Q(text=""), name="record_amendment_has_text"),
        ]
        indexes = [models.Index(fields=["service", "at"])]
