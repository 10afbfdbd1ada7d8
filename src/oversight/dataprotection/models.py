"""Retention of children's records after closure, legal holds, and the anonymisations done
(docs/data-protection.md)."""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from oversight.people.models import ORDER_CHOICES, Case, Service


class RetentionRule(models.Model):
    """How many whole years after closure a service keeps the records of one order type.
    Without a rule the default applies (policy.retention.DEFAULT_RETENTION_YEARS)."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    order_type = models.CharField(max_length=40, choices=ORDER_CHOICES)
    years = models.PositiveSmallIntegerField()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "order_type"], name="retention_rule_once_per_order_type"),
            models.CheckConstraint(condition=Q(years__gte=1) & Q(years__lte=100), name="retention_years_sensible"),
        ]

    def __str__(self) -> str:
        return f"{self.get_order_type_display()}: {self.years} years after closure"


class LegalHold(models.Model):
    """Stops the disposal of a child's record (litigation, an inquiry, a complaint) while in force."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="legal_holds")
    reason = models.TextField()
    by = models.CharField(max_length=200, help_text="Who placed the hold")
    start = models.DateField()
    until = models.DateField(null=True, blank=True, help_text="Last day of the hold (empty: until released)")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(until__isnull=True) | Q(until__gte=F("start")),
                                   name="legal_hold_dates_in_order"),
            models.CheckConstraint(condition=~Q(reason=""), name="legal_hold_states_a_reason"),
        ]

    def __str__(self) -> str:
        return f"Hold on {self.case.ref} from {self.start}"


class Anonymisation(models.Model):
    """That a child's record was anonymised after its retention period, when and by whom."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="anonymisation")
    at = models.DateTimeField()
    by = models.CharField(max_length=200)
    years = models.PositiveSmallIntegerField()
    closed = models.DateField()

    def __str__(self) -> str:
        return f"{self.case.ref} anonymised {self.at:%Y-%m-%d}"
