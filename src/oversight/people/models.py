"""Services, staff and their reporting lines, and the children's cases they hold.

Every row belongs to one service (the tenant) and carries the identifier the service uses for it
(`ref`, the exchange `id`), unique within the service. Dated rows (`start`/`end`, inclusive) keep
history; simple-history keeps every earlier version of a row that changes.
"""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from oversight.policy import facts

ROLE_CHOICES = [(r, r.replace("_", " ").capitalize()) for r in facts.ROLES]
DISCIPLINE_CHOICES = [(d, d.capitalize()) for d in facts.DISCIPLINES]
EMPLOYMENT_CHOICES = [(e, e.capitalize()) for e in facts.EMPLOYMENTS]
RISK_CHOICES = [(r, r.replace("_", " ").capitalize()) for r in facts.RISKS]
ORDER_CHOICES = [(o, o.replace("_", " ").capitalize()) for o in facts.ORDER_TYPES]
CONTACT_CHOICES = [(c, c.replace("_", " ").capitalize()) for c in facts.CONTACT_KINDS]
MILESTONE_CHOICES = [(m, m.capitalize()) for m in facts.MILESTONE_KINDS]


def dates_in_order(start: str, end: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": F(start)}), name=name)


def ref_unique(model: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["service", "ref"], name=f"{model}_ref_unique_in_service")


class Service(models.Model):
    ref = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    timezone = models.CharField(max_length=64, default="Europe/London")
    holidays = models.CharField(max_length=64, default="england-and-wales")
    settings = models.JSONField(default=dict, blank=True, help_text="Rule settings that differ from the defaults")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.name} ({self.ref})"


class Staff(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="staff")
    ref = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=40, choices=ROLE_CHOICES)
    discipline = models.CharField(max_length=20, choices=DISCIPLINE_CHOICES, null=True, blank=True)
    employment = models.CharField(max_length=20, choices=EMPLOYMENT_CHOICES, default="permanent")
    email = models.EmailField(null=True, blank=True)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "staff"
        constraints = [
            ref_unique("staff"),
            dates_in_order("start", "end", "staff_employment_dates_in_order"),
            models.CheckConstraint(
                condition=Q(role="specialist", discipline__isnull=False) | (~Q(role="specialist") & Q(discipline__isnull=True)),
                name="staff_discipline_only_for_specialists",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ref})"


class ReportingLine(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="reporting_lines")
    manager = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="reports")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "start"], name="reporting_line_unique_start"),
            dates_in_order("start", "end", "reporting_line_dates_in_order"),
            models.CheckConstraint(condition=~Q(staff=F("manager")), name="reporting_line_not_own_manager"),
        ]


class Case(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="cases")
    ref = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    order_type = models.CharField(max_length=40, choices=ORDER_CHOICES)
    risk = models.CharField(max_length=20, choices=RISK_CHOICES)
    opened = models.DateField()
    closed = models.DateField(null=True, blank=True)
    paired_worker = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="paired_cases")
    # The case manager of the latest allocation, kept with the allocations so that the database
    # itself refuses a paired worker who is also the case manager.
    case_manager = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            ref_unique("case"),
            dates_in_order("opened", "closed", "case_dates_in_order"),
            models.CheckConstraint(
                condition=Q(paired_worker__isnull=True) | Q(case_manager__isnull=True) | ~Q(paired_worker=F("case_manager")),
                name="case_paired_worker_not_case_manager",
            ),
        ]

    def __str__(self) -> str:
        return self.ref


class Allocation(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="allocations")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="allocations")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "start"], name="allocation_unique_start"),
            dates_in_order("start", "end", "allocation_dates_in_order"),
        ]


class Contact(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="contacts")
    day = models.DateField()
    kind = models.CharField(max_length=20, choices=CONTACT_CHOICES)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "day", "kind"], name="contact_unique")]


class Milestone(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="milestones")
    kind = models.CharField(max_length=20, choices=MILESTONE_CHOICES)
    due = models.DateField()
    completed = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "kind", "due"], name="milestone_unique")]
