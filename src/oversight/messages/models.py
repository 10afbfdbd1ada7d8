"""Messages Oversight sends (digests, reminders, cover messages to young people), each logged once.

A message is a row before it is anything else: the dedupe key (unique in the service) makes a second
enqueue of the same message a no-op, and the row's status is what the worker claims, so that a
restarted worker never sends a message twice (docs/operations-messages.md).
"""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from oversight.people.models import Case, Service

CHANNEL_CHOICES = [("email", "E-mail"), ("sms", "Text message")]


class MessagingSettings(models.Model):
    """A service's messaging: GOV.UK Notify when it has an API key, otherwise e-mail (SMTP)."""

    service = models.OneToOneField(Service, on_delete=models.PROTECT, related_name="messaging")
    notify_api_key = models.CharField(
        max_length=200, blank=True, default="",
        help_text="The service's GOV.UK Notify API key (a secret). Empty: messages go by e-mail; texts cannot be sent.",
    )
    notify_email_template = models.CharField(
        max_length=64, blank=True, default="",
        help_text="Notify e-mail template id; the template's subject is ((subject)) and its body ((body))",
    )
    notify_sms_template = models.CharField(
        max_length=64, blank=True, default="", help_text="Notify text message template id; its body is ((body))"
    )
    notify_email_reply_to = models.CharField(max_length=64, blank=True, default="",
                                             help_text="Notify reply-to address id (optional)")
    digests = models.BooleanField(default=True, help_text="Send each person a daily digest of what is due")
    cover_messages = models.BooleanField(
        default=True, help_text="Tell young people or families who to contact when their case manager is away"
    )
    leave_sheet_notice_working_days = models.PositiveSmallIntegerField(
        default=3, help_text="Remind a case holder this many working days before planned leave without a leave sheet"
    )
    history = HistoricalRecords(excluded_fields=["notify_api_key"])

    class Meta:
        verbose_name = verbose_name_plural = "messaging settings"

    def __str__(self) -> str:
        return f"Messaging for {self.service.ref}"

    @property
    def uses_notify(self) -> bool:
        return bool(self.notify_api_key.strip())


class ContactPreference(models.Model):
    """How a young person or their family wants to hear from the service, and whether they agreed.

    The exchange format carries no contact details for children, so they are entered here. Oversight
    sends to this address only while `consent` is recorded."""

    WHO_CHOICES = [("young_person", "Young person"), ("family", "Parent or carer")]

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="contact_preferences")
    who = models.CharField(max_length=20, choices=WHO_CHOICES, default="young_person")
    channel = models.CharField(max_length=10, choices=CHANNEL_CHOICES)
    address = models.CharField(max_length=254, help_text="E-mail address or mobile number")
    consent = models.BooleanField(default=False, help_text="They agreed to be sent messages at this address")
    consent_recorded = models.DateTimeField(null=True, blank=True)
    consent_recorded_by = models.CharField(max_length=200, blank=True, default="")
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(consent=False) | Q(consent_recorded__isnull=False),
                                   name="contact_preference_consent_dated"),
        ]

    def __str__(self) -> str:
        return f"{self.case.ref}: {self.get_who_display()} by {self.get_channel_display()}"


class Message(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        RETRY = "retry", "Failed, will try again"
        FAILED = "failed", "Failed"
        NOT_SENT = "not_sent", "Not sent"

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=CHANNEL_CHOICES, default="email")
    provider = models.CharField(max_length=20, blank=True, default="", help_text="email or notify")
    recipient = models.CharField(max_length=254, blank=True, default="", help_text="The address sent to")
    recipient_staff = models.CharField(max_length=64, blank=True, default="", help_text="Staff id, for staff messages")
    recipient_label = models.CharField(max_length=200, blank=True, default="", help_text="Who, as people read it")
    case_ref = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    dedupe_key = models.CharField(max_length=200)
    subject = models.CharField(max_length=200, blank=True, default="")
    body = models.TextField(blank=True, default="")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True, help_text="A sending worker's lease")
    in_doubt = models.BooleanField(
        default=False, help_text="An attempt was interrupted: ask the provider before sending again"
    )
    last_error = models.TextField(blank=True, default="")
    provider_id = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "dedupe_key"], name="message_dedupe_key_unique_in_service"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt"]), models.Index(fields=["service", "case_ref"])]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_label or self.recipient} ({self.status})"

    @property
    def reference(self) -> str:
        """The reference given to GOV.UK Notify: how an interrupted attempt is found there again."""
        return f"oversight-{self.service_id}-{self.pk}"
