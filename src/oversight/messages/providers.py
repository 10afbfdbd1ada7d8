"""Where messages go: GOV.UK Notify (its official client) when the service has an API key, else e-mail.

Each provider sends one message and, for an interrupted attempt, says whether it had already accepted
it (`find`). Errors are sorted into permanent (never retried: a bad address, a refused key) and
transient (retried with back-off: timeouts, rate limits, server errors).
"""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage

from oversight.messages.models import Message, MessagingSettings


class PermanentFailure(Exception):
    """Sending again will not help (the message is marked failed)."""


class TransientFailure(Exception):
    """Sending again later may work (the message is retried with back-off)."""


class EmailProvider:
    name = "email"

    def send(self, message: Message) -> str:
        if message.channel != "email":
            raise PermanentFailure("A text message needs GOV.UK Notify: the service has no Notify API key")
        # A stable Message-ID: a receiving system that sees the same message twice (the one
        # at-least-once window, docs/operations-messages.md) can tell it is the same.
        message_id = f"<{message.reference}@{settings.OVERSIGHT_EMAIL_DOMAIN}>"
        email = EmailMessage(
            subject=message.subject, body=message.body, from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient], headers={"Message-ID": message_id, "Auto-Submitted": "auto-generated"},
        )
        try:
            email.send(using="default")
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
            raise PermanentFailure(f"The mail server refused the address: {type(exc).__name__}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientFailure(f"The mail server could not be reached or refused: {type(exc).__name__}") from exc
        return message_id

    def find(self, message: Message) -> str | None:
        """SMTP cannot say whether it took a message: an interrupted e-mail is sent again."""
        return None


class NotifyProvider:
    name = "notify"

    def __init__(self, config: MessagingSettings):
        from notifications_python_client.notifications import NotificationsAPIClient

        self.config = config
        self.client = NotificationsAPIClient(
            config.notify_api_key.strip(), base_url=settings.OVERSIGHT_NOTIFY_BASE_URL, timeout=30
        )

    def send(self, message: Message) -> str:
        try:
            if message.channel == "sms":
                if not self.config.notify_sms_template:
                    raise PermanentFailure("No Notify text message template is set for the service")
                answer = self.client.send_sms_notification(
                    phone_number=message.recipient, template_id=self.config.notify_sms_template,
                    personalisation={"body": message.body}, reference=message.reference,
                )
            else:
                if not self.config.notify_email_template:
                    raise PermanentFailure("No Notify e-mail template is set for the service")
                answer = self.client.send_email_notification(
                    email_address=message.recipient, template_id=self.config.notify_email_template,
                    personalisation={"subject": message.subject, "body": message.body},
                    reference=message.reference, email_reply_to_id=self.config.notify_email_reply_to or None,
                )
        except PermanentFailure:
            raise
        except Exception as exc:
            raise _sorted(exc) from exc
        return str(answer.get("id", ""))

    def find(self, message: Message) -> str | None:
        """The Notify id of a notification already accepted with this message's reference, if any."""
        try:
            answer = self.client.get_all_notifications(reference=message.reference)
        except Exception as exc:
            raise TransientFailure(f"Could not ask Notify about an interrupted attempt: {_describe(exc)}") from exc
        for notification in answer.get("notifications", []):
            if notification.get("reference") == message.reference:
                return str(notification.get("id", ""))
        return None


def _describe(exc: Exception) -> str:
    status = getattr(exc, "status_code", None)
    return f"HTTP {status}" if status else type(exc).__name__


def _sorted(exc: Exception) -> Exception:
    # Notify: 400 (bad request, e.g. an invalid address or a trial-mode recipient) and 403 (key
    # refused) will fail again; 429 (rate limit) and 5xx are worth another try.
    status = getattr(exc, "status_code", None)
    if status in (400, 403):
        return PermanentFailure(f"Notify refused the message: {_describe(exc)}")
    return TransientFailure(f"Notify did not accept the message: {_describe(exc)}")


def provider_for(message: Message):
    config = MessagingSettings.objects.filter(service_id=message.service_id).first()
    if message.provider == "notify" and config is not None and config.uses_notify:
        return NotifyProvider(config)
    return EmailProvider()


def provider_name_for(service) -> str:
    config = MessagingSettings.objects.filter(service=service).first()
    return "notify" if config is not None and config.uses_notify else "email"
