"""Writing and sending messages: enqueue once, claim, send, record the outcome, retry with back-off.

Sending is at most once per message, except in one window: a worker that dies after the provider
accepted a message and before its outcome was committed. The message is then left `sending` with an
expired lease, marked in doubt at its next claim, and the provider is asked first: GOV.UK Notify finds
the notification by its `reference` and the message is marked sent without sending again; SMTP cannot
be asked, so an interrupted e-mail is sent again (with the same Message-ID header). See
docs/operations-messages.md.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case as DbCase
from django.db.models import F, Q, Value, When
from django.utils import timezone

from oversight.audit import services as audit
from oversight.messages import content
from oversight.messages.models import ContactPreference, Message, MessagingSettings
from oversight.messages.providers import PermanentFailure, TransientFailure, provider_for, provider_name_for
from oversight.people.models import Service, Staff
from oversight.policy.findings import Judgement
from oversight.policy.reminders import Reminder, plan_day

log = logging.getLogger(__name__)
OPEN_STATUSES = (Message.Status.PENDING, Message.Status.RETRY, Message.Status.SENDING)


def _lease() -> timedelta:
    return timedelta(seconds=settings.OVERSIGHT_MESSAGE_LEASE_SECONDS)


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: the base doubled each time, at most six hours."""
    base = settings.OVERSIGHT_MESSAGE_RETRY_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 60 * 60))


def _enqueue_delivery(message_id: int, run_after: datetime | None = None) -> None:
    # The database task backend writes the task row in the current transaction: the message and the
    # task that sends it are committed together, or neither is.
    from oversight.messages.tasks import deliver_message

    task = deliver_message.using(run_after=run_after) if run_after is not None else deliver_message
    task.enqueue(message_id=message_id)


@transaction.atomic
def message_enqueue(
    *, service: Service, kind: str, dedupe_key: str, recipient: str, subject: str, body: str,
    channel: str = "email", case_ref: str | None = None, recipient_staff: str = "", recipient_label: str = "",
    not_sent_reason: str = "", actor: str = "oversight reminders",
) -> tuple[Message, bool]:
    """Log a message and queue it for sending; (message, created). The same dedupe key again is a no-op.

    With `not_sent_reason` the message is logged as not sent (no consent, no address), so that the
    child's file shows that nobody was told, and why."""
    existing = Message.objects.filter(service=service, dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing, False
    status = Message.Status.NOT_SENT if not_sent_reason else Message.Status.PENDING
    try:
        with transaction.atomic():
            message = Message.objects.create(
                service=service, kind=kind, dedupe_key=dedupe_key, channel=channel,
                provider="" if not_sent_reason else provider_name_for(service),
                recipient=recipient, recipient_staff=recipient_staff, recipient_label=recipient_label,
                case_ref=case_ref, subject=subject, body=body, status=status, last_error=not_sent_reason,
                next_attempt=timezone.now(),
            )
    except IntegrityError:  # enqueued at the same moment by another run
        return Message.objects.get(service=service, dedupe_key=dedupe_key), False
    if status == Message.Status.PENDING:
        _enqueue_delivery(message.pk)
    audit.record(
        service=service, actor=actor, action="create", object_type="message", object_ref=str(message.pk),
        case_ref=case_ref or "", summary=f"Message {kind} {'queued' if not not_sent_reason else 'not sent'}",
        after={"kind": kind, "channel": channel, "status": status, "recipient_staff": recipient_staff,
               "dedupe_key": dedupe_key},
    )
    return message, True


@dataclass(frozen=True)
class Claim:
    message: Message
    in_doubt: bool


def _claim(message_id: int, now: datetime) -> Claim | None:
    """Take the message for one attempt with a single conditional UPDATE, so that of two workers
    (on SQLite as on PostgreSQL) exactly one gets it. A message left `sending` after its lease ran
    out was interrupted: it is claimed again, in doubt."""
    ready = Q(status__in=[Message.Status.PENDING, Message.Status.RETRY]) & (
        Q(next_attempt__isnull=True) | Q(next_attempt__lte=now)
    )
    stale = Q(status=Message.Status.SENDING) & (Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
    with transaction.atomic():
        taken = Message.objects.filter(Q(pk=message_id) & (ready | stale)).update(
            in_doubt=DbCase(When(status=Message.Status.SENDING, then=Value(True)), default=F("in_doubt")),
            status=Message.Status.SENDING, attempts=F("attempts") + 1, claimed_until=now + _lease(),
        )
        if not taken:
            return None
        message = Message.objects.get(pk=message_id)
        return Claim(message, message.in_doubt)


def _finish(message: Message, **changes) -> bool:
    """Record an attempt's outcome, only if this attempt still holds the message (conditional update)."""
    with transaction.atomic():
        done = Message.objects.filter(
            pk=message.pk, status=Message.Status.SENDING, attempts=message.attempts
        ).update(claimed_until=None, **changes)
        if done and changes.get("status") == Message.Status.RETRY:
            _enqueue_delivery(message.pk, run_after=changes["next_attempt"])
        if not done:
            log.warning("Message %s was taken over by another worker; its outcome is theirs", message.pk)
        return bool(done)


def message_deliver(*, message_id: int, now: datetime | None = None) -> str:
    """Send one message if it is due and nobody else is sending it; returns its status afterwards."""
    now = now or timezone.now()
    claim = _claim(message_id, now)
    if claim is None:
        status = Message.objects.filter(pk=message_id).values_list("status", flat=True).first()
        return status or "missing"
    message = claim.message
    provider = provider_for(message)
    try:
        if claim.in_doubt:
            accepted = provider.find(message)
            if accepted:
                _finish(message, status=Message.Status.SENT, sent_at=now, provider_id=accepted, in_doubt=False,
                        last_error="An interrupted attempt had been accepted: not sent again")
                return Message.Status.SENT
            Message.objects.filter(pk=message.pk).update(in_doubt=False)
        provider_id = provider.send(message)
    except PermanentFailure as exc:
        _finish(message, status=Message.Status.FAILED, last_error=str(exc)[:500], in_doubt=False)
        return Message.Status.FAILED
    except Exception as exc:  # noqa: BLE001 - whatever else went wrong is worth another try, later
        reason = str(exc) if isinstance(exc, TransientFailure) else f"Unexpected error: {type(exc).__name__}"
        if message.attempts >= settings.OVERSIGHT_MESSAGE_MAX_ATTEMPTS:
            _finish(message, status=Message.Status.FAILED, last_error=f"Gave up after {message.attempts} attempts: "
                    f"{reason}"[:500])
            return Message.Status.FAILED
        _finish(message, status=Message.Status.RETRY, next_attempt=now + backoff(message.attempts),
                last_error=reason[:500])
        return Message.Status.RETRY
    _finish(message, status=Message.Status.SENT, sent_at=timezone.now(), provider_id=provider_id[:200],
            last_error="", in_doubt=False)
    return Message.Status.SENT


def messages_recover(*, now: datetime | None = None) -> int:
    """Queue delivery again for every message still open (run when the worker starts and daily):
    tasks lost with a killed worker are replaced; a duplicate task finds nothing to claim."""
    from django_tasks_db.models import DBTaskResult

    from oversight.messages.tasks import deliver_message

    now = now or timezone.now()
    waiting = set(
        DBTaskResult.objects.filter(status="READY", task_path=deliver_message.module_path)
        .values_list("args_kwargs__kwargs__message_id", flat=True)
    )
    count = 0
    for pk, status, next_attempt, claimed_until in Message.objects.filter(status__in=OPEN_STATUSES).values_list(
        "pk", "status", "next_attempt", "claimed_until"
    ):
        if pk in waiting and status != Message.Status.SENDING:
            continue
        when = claimed_until if status == Message.Status.SENDING else next_attempt
        with transaction.atomic():
            _enqueue_delivery(pk, run_after=when if when and when > now else None)
        count += 1
    return count


# -- the day's run ----------------------------------------------------------------------------------------


@dataclass
class RunSummary:
    planned: int = 0
    queued: int = 0
    already: int = 0
    not_sent: int = 0
    stat_wednesday: bool = False


def _staff_address(service: Service, staff_ref: str) -> tuple[str, str]:
    row = Staff.objects.filter(service=service, ref=staff_ref).values_list("email", "name").first()
    return (row[0] or "", row[1]) if row else ("", staff_ref)


def reminders_run(*, service: Service, judgement: Judgement, actor: str = "oversight reminders") -> RunSummary:
    """Plan the day (policy.reminders.plan_day) and queue every message once; on a Stat Wednesday
    queue the data-quality report."""
    config = MessagingSettings.objects.filter(service=service).first() or MessagingSettings(service=service)
    planned = plan_day(judgement, leave_sheet_notice_working_days=config.leave_sheet_notice_working_days)
    summary = RunSummary(planned=len(planned))
    for r in planned:
        if r.kind == "stat-wednesday":
            from oversight.reports.tasks import produce_stat_wednesday

            produce_stat_wednesday.enqueue(service_ref=service.ref, day=r.data["day"])
            summary.stat_wednesday = True
            continue
        if r.kind == "digest" and not config.digests:
            continue
        if r.kind == "cover-start" and not config.cover_messages:
            continue
        for kwargs in _messages_for(service, judgement, r, config):
            _, created = message_enqueue(service=service, actor=actor, **kwargs)
            if not created:
                summary.already += 1
            elif kwargs.get("not_sent_reason"):
                summary.not_sent += 1
            else:
                summary.queued += 1
    return summary


def _messages_for(service: Service, j: Judgement, r: Reminder, config: MessagingSettings) -> list[dict]:
    subject, body = content.compose(j.facts, r)
    base = {"kind": r.kind, "subject": subject, "body": body, "case_ref": r.case}
    if r.staff is not None:
        address, name = _staff_address(service, r.staff)
        return [dict(base, dedupe_key=r.dedupe, recipient=address, recipient_staff=r.staff, recipient_label=name,
                     not_sent_reason="" if address else "No e-mail address is recorded for this member of staff")]
    # A young person or family: only to addresses with consent recorded, by the channels the service can use.
    preferences = list(ContactPreference.objects.filter(
        service=service, case__ref=r.case, active=True
    ).order_by("id"))
    out = []
    for p in preferences:
        label = f"{p.get_who_display()} ({p.get_channel_display().lower()})"
        reason = ""
        if not p.consent:
            reason = "No consent to messages is recorded for this contact"
        elif p.channel == "sms" and not config.uses_notify:
            reason = "Text messages need GOV.UK Notify, which the service has not set up"
        out.append(dict(base, dedupe_key=f"{r.dedupe}:{p.pk}", channel=p.channel, recipient=p.address,
                        recipient_label=label, not_sent_reason=reason))
    if not out:
        out.append(dict(base, dedupe_key=r.dedupe, recipient="", recipient_label="Young person or family",
                        not_sent_reason="No contact details with consent are recorded for the young person or family"))
    return out


def case_messages(service: Service, case_ref: str):
    """The messages about one child, newest first (shown on the child's file)."""
    return Message.objects.filter(service=service, case_ref=case_ref).filter(~Q(kind="digest"))
