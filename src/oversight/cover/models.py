"""Absence and cover: buddies, absences, leave sheets, confirmations, reallocations, the duty rota."""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from oversight.people.models import Case, Service, Staff, dates_in_order, ref_unique
from oversight.policy import facts

ABSENCE_CHOICES = [(k, k.replace("_", " ").capitalize()) for k in facts.ABSENCE_KINDS]


class BuddyNomination(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="buddy_nominations")
    buddy = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="buddy_for")
    rank = models.PositiveSmallIntegerField()
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    approved_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "buddy", "start"], name="buddy_unique_start"),
            dates_in_order("start", "end", "buddy_dates_in_order"),
            models.CheckConstraint(condition=~Q(staff=F("buddy")), name="buddy_not_oneself"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="buddy_rank_positive"),
        ]


class Absence(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    ref = models.CharField(max_length=64)
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="absences")
    kind = models.CharField(max_length=20, choices=ABSENCE_CHOICES)
    planned = models.BooleanField()
    first_day = models.DateField()
    expected_last_day = models.DateField()
    actual_last_day = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            ref_unique("absence"),
            models.CheckConstraint(condition=Q(expected_last_day__gte=F("first_day")), name="absence_expected_in_order"),
            dates_in_order("first_day", "actual_last_day", "absence_actual_in_order"),
        ]


class LeaveSheet(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    absence = models.OneToOneField(Absence, on_delete=models.PROTECT, related_name="leave_sheet")
    submitted = models.DateTimeField(null=True, blank=True)
    submitted_to = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    history = HistoricalRecords()


class LeaveSheetLine(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    leave_sheet = models.ForeignKey(LeaveSheet, on_delete=models.PROTECT, related_name="lines")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    cover = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # None: not answered yet (a draft may leave it so; a sheet is sent only once every case is answered).
    young_person_informed = models.BooleanField(null=True, blank=True)
    notes = models.TextField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["leave_sheet", "case"], name="leave_sheet_line_unique")]


class CoverConfirmation(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    absence = models.ForeignKey(Absence, on_delete=models.PROTECT, related_name="cover_confirmations")
    confirmed = models.DateTimeField()
    by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["absence", "confirmed", "by"], name="cover_confirmation_unique")]


class Reallocation(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reallocations")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="reallocations")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "start"], name="reallocation_unique_start"),
            dates_in_order("start", "end", "reallocation_dates_in_order"),
        ]


class DutyShift(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="duty_shifts")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "staff"], name="duty_shift_unique")]
        indexes = [models.Index(fields=["service", "day"])]
