"""Reminders and messages: the day's run queues each message once, a local SMTP server receives the
digest, GOV.UK Notify's client (pointed at a local fake) sends cover messages, failures back off, and an
interrupted attempt is never sent twice. Nothing here uses the network."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import Context, Template
from django_tasks_db.models import DBTaskResult

from oversight.audit.models import AuditEvent
from oversight.messages.models import ContactPreference, Message, MessagingSettings
from oversight.messages.services import message_deliver, message_enqueue, reminders_run
from oversight.people.models import Case
from oversight.policy.findings import Judgement
from oversight.store.read import service_facts

from .fakes import NOTIFY_KEY, FakeNotify, SmtpInbox

pytestmark = pytest.mark.django_db


def run_day(service, moment):
    return reminders_run(service=service, judgement=Judgement.at(service_facts(service), moment))


def run_queued_tasks():
    """What `oversight worker --batch` does, in this process and this test's transaction (the worker
    command itself closes database connections between tasks, which would end the test's transaction)."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="test", excluded_queue_names=[])
    while (task := DBTaskResult.objects.ready().order_by("run_after", "enqueued_at").first()) is not None:
        task.claim("test")
        worker.run_task(task)


def deliver_all(now=None):
    for pk in Message.objects.filter(status__in=["pending", "retry"]).values_list("pk", flat=True):
        message_deliver(message_id=pk, now=now)


@pytest.fixture
def smtp(settings):
    with SmtpInbox() as inbox:
        settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                        "OPTIONS": {"host": "127.0.0.1", "port": inbox.port, "timeout": 5}}}
        yield inbox


@pytest.fixture
def notify(settings, service):
    with FakeNotify() as fake:
        settings.OVERSIGHT_NOTIFY_BASE_URL = fake.url
        MessagingSettings.objects.create(service=service, notify_api_key=NOTIFY_KEY,
                                         notify_email_template="email-template", notify_sms_template="sms-template")
        yield fake


def consent(service, case_ref, channel, address, given=True):
    from django.utils import timezone

    return ContactPreference.objects.create(
        service=service, case=Case.objects.get(service=service, ref=case_ref), channel=channel, address=address,
        consent=given, consent_recorded=timezone.now() if given else None, consent_recorded_by="test")


def test_the_digest_reaches_each_person_by_smtp_once(service, clock, smtp):
    now = clock("2026-02-18 07:00")
    summary = run_day(service, now)
    assert summary.queued >= 4
    # Each digest and its task are written together: the worker finds them in the database.
    deliveries = DBTaskResult.objects.filter(status="READY", task_path="oversight.messages.tasks.deliver_message")
    assert deliveries.count() == Message.objects.filter(status="pending").count() == 4
    run_queued_tasks()
    received = {tuple(m["to"]): m for m in smtp.messages}
    y1 = received[("y1@example.org",)]
    assert y1["subject"] == "Oversight: 1 due, 1 overdue for you (Wed 18 February 2026)"
    assert "SUP-MONTHLY" in y1["body"] and "COV-LEAVE-SHEET" in y1["body"]
    assert "Child E" not in y1["body"]  # children by case reference only
    # REC-DEADLINE is the manager's who held the discussion (D1), not the case holder's.
    assert "REC-DEADLINE" in received[("d1@example.org",)]["body"]
    assert "REC-DEADLINE" not in y1["body"]
    assert Message.objects.get(recipient_staff="Y1", kind="digest").status == "sent"
    assert y1["message_id"] == f"<{Message.objects.get(recipient_staff='Y1', kind='digest').reference}@localhost>"

    # The run repeated the same day (cron twice, a restart) queues nothing and sends nothing again.
    before = len(smtp.messages)
    again = run_day(service, now + timedelta(hours=2))
    assert again.queued == 0 and again.already == summary.queued + summary.not_sent
    run_queued_tasks()
    assert len(smtp.messages) == before
    assert AuditEvent.objects.filter(object_type="message", action="create").count() == Message.objects.count()


def test_no_digest_on_a_weekend(service, clock, smtp):
    run_day(service, clock("2026-02-21 07:00"))  # a Saturday
    assert not Message.objects.filter(kind="digest").exists()


def test_cover_start_tells_the_family_through_notify_only_with_consent(service, clock, notify):
    consent(service, "E1", "email", "family-e1@example.org")
    consent(service, "E2", "sms", "07700900123")
    consent(service, "E3", "email", "e3@example.org")  # E3's case manager is not away: no message
    summary = run_day(service, clock("2026-02-17 08:00"))  # Y1's leave began on Monday the 16th
    deliver_all()
    by_case = {m.case_ref: m for m in Message.objects.filter(kind="cover-start")}
    assert set(by_case) == {"E1", "E2"} and all(m.status == "sent" for m in by_case.values())
    sent = {s["reference"]: s for s in notify.sent}
    email = sent[by_case["E1"].reference]
    assert email["kind"] == "email" and email["email_address"] == "family-e1@example.org"
    assert email["template_id"] == "email-template"
    assert "your contact at Example Youth Justice Service is Example Y2" in email["personalisation"]["body"]
    sms = sent[by_case["E2"].reference]
    assert sms["kind"] == "sms" and sms["phone_number"] == "07700900123"
    assert by_case["E1"].provider_id == email["id"]
    assert summary.stat_wednesday is False


def test_without_consent_nothing_is_sent_and_the_childs_file_says_why(service, clock, notify):
    consent(service, "E1", "email", "family-e1@example.org", given=False)
    run_day(service, clock("2026-02-17 08:00"))
    deliver_all()
    e1 = Message.objects.get(kind="cover-start", case_ref="E1")
    e2 = Message.objects.get(kind="cover-start", case_ref="E2")
    assert (e1.status, e1.last_error) == ("not_sent", "No consent to messages is recorded for this contact")
    assert e2.status == "not_sent" and "No contact details" in e2.last_error
    assert not [s for s in notify.sent if s.get("email_address") == "family-e1@example.org"]
    assert {s["email_address"] for s in notify.sent} <= {"y1@example.org", "d1@example.org", "so1@example.org",
                                                          "t1@example.org", "y2@example.org"}  # staff digests only
    html = Template("{% load case_messages %}{% case_messages case %}").render(
        Context({"case": Case.objects.get(service=service, ref="E1")}))
    assert "No consent to messages is recorded" in html and "family-e1@example.org" not in html


def test_a_failed_send_is_retried_with_back_off_then_sent(service, clock, notify, settings):
    settings.OVERSIGHT_MESSAGE_RETRY_SECONDS = 60
    notify.fail_next = [500, 429]
    t0 = clock("2026-02-17 08:00")
    message, created = message_enqueue(service=service, kind="test", dedupe_key="retry-1", recipient="a@example.org",
                                       subject="s", body="b")
    assert created
    assert message_deliver(message_id=message.pk, now=t0) == "retry"
    message.refresh_from_db()
    assert (message.attempts, message.next_attempt, message.last_error) == (
        1, t0 + timedelta(seconds=60), "Notify did not accept the message: HTTP 500")
    # The retry is queued for its time.
    assert DBTaskResult.objects.filter(run_after=t0 + timedelta(seconds=60)).count() == 1
    assert message_deliver(message_id=message.pk, now=t0 + timedelta(seconds=30)) == "retry"  # too early: no try
    assert message_deliver(message_id=message.pk, now=t0 + timedelta(seconds=60)) == "retry"
    message.refresh_from_db()
    assert message.next_attempt == t0 + timedelta(seconds=60 + 120)  # doubled
    assert message_deliver(message_id=message.pk, now=t0 + timedelta(seconds=180)) == "sent"
    message.refresh_from_db()
    assert (message.status, message.attempts, len(notify.sent)) == ("sent", 3, 1)


def test_a_refused_message_is_not_retried(service, notify):
    notify.fail_next = [400]
    message, _ = message_enqueue(service=service, kind="test", dedupe_key="bad-1", recipient="not-an-address",
                                 subject="s", body="b")
    assert message_deliver(message_id=message.pk) == "failed"
    message.refresh_from_db()
    assert message.last_error == "Notify refused the message: HTTP 400" and message.attempts == 1
    assert message_deliver(message_id=message.pk) == "failed"


def test_gives_up_after_the_last_attempt(service, notify, settings):
    settings.OVERSIGHT_MESSAGE_MAX_ATTEMPTS = 2
    notify.fail_next = [503, 503, 503]
    message, _ = message_enqueue(service=service, kind="test", dedupe_key="down-1", recipient="a@example.org",
                                 subject="s", body="b")
    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message_deliver(message_id=message.pk, now=message.next_attempt) == "failed"
    message.refresh_from_db()
    assert message.last_error.startswith("Gave up after 2 attempts")


def test_an_interrupted_attempt_found_at_notify_is_not_sent_again(service, clock, notify, settings):
    """The one at-least-once window: Notify accepted, the worker died before recording it. The next
    claim asks Notify by reference and records it as sent."""
    t0 = clock("2026-02-17 08:00")
    message, _ = message_enqueue(service=service, kind="test", dedupe_key="crash-1", recipient="a@example.org",
                                 subject="s", body="b")
    notify.sent.append({"reference": message.reference, "id": "already-there", "kind": "email"})
    Message.objects.filter(pk=message.pk).update(status="sending", attempts=1, claimed_until=t0)  # lease ran out
    assert message_deliver(message_id=message.pk, now=t0 + timedelta(seconds=1)) == "sent"
    message.refresh_from_db()
    assert (message.provider_id, len(notify.sent), notify.lookups) == ("already-there", 1, [message.reference])


def test_a_message_being_sent_is_not_claimed_twice(service, clock, notify):
    t0 = clock("2026-02-17 08:00")
    message, _ = message_enqueue(service=service, kind="test", dedupe_key="busy-1", recipient="a@example.org",
                                 subject="s", body="b")
    Message.objects.filter(pk=message.pk).update(status="sending", attempts=1, claimed_until=t0 + timedelta(minutes=5))
    assert message_deliver(message_id=message.pk, now=t0) == "sending"
    assert notify.sent == [] and notify.lookups == []


def test_leave_sheet_and_record_reminders(service, clock, smtp):
    from oversight.cover.models import Absence
    from oversight.people.models import Staff

    Absence.objects.create(service=service, ref="L2", staff=Staff.objects.get(service=service, ref="SO1"),
                           kind="annual_leave", planned=True, first_day="2026-03-02", expected_last_day="2026-03-06")
    run_day(service, clock("2026-02-25 07:00"))  # 3 working days before Mon 2 March: Wed 25 February
    reminder = Message.objects.get(kind="leave-sheet-due")
    assert reminder.recipient == "so1@example.org" and reminder.dedupe_key == "leave-sheet-due:L2"
    assert "E3" in reminder.body and "Example D1" in reminder.body
    # The last week of February: SUP-MONTHLY not yet held, to the practitioner and their line manager.
    assert set(Message.objects.filter(kind="supervision-due").values_list("recipient_staff", flat=True)) == {
        "Y1", "SO1", "D1"}
    Message.objects.all().delete()
    run_day(service, clock("2026-02-24 07:00"))  # 4 working days before: not yet
    assert not Message.objects.filter(kind="leave-sheet-due").exists()


def test_stat_wednesday_is_queued_on_its_day(service, clock):
    assert run_day(service, clock("2026-02-18 06:00")).stat_wednesday is True
    assert DBTaskResult.objects.filter(task_path="oversight.reports.tasks.produce_stat_wednesday").count() == 1
    run_queued_tasks()
    from oversight.reports.models import StatWednesdayReport

    assert StatWednesdayReport.objects.filter(service=service, day="2026-02-18").exists()
    assert run_day(service, clock("2026-02-19 06:00")).stat_wednesday is False


def test_a_manager_with_a_record_due_within_24_hours_is_reminded_once(service, clock, smtp):
    from oversight.people.models import Staff
    from oversight.supervision.services import oversight_event_record

    # D1 made a significant decision on E1 at 10:00 and has not written it up: due by 10:00 tomorrow.
    held = clock("2026-02-18 10:00")
    d1 = Staff.objects.get(service=service, ref="D1")
    event = oversight_event_record(service=service, case=Case.objects.get(service=service, ref="E1"),
                                   kind="management_decision", held=held, significant=True, notes="", by=d1,
                                   actor="test")
    run_day(service, clock("2026-02-18 12:00"))
    run_queued_tasks()
    reminders = Message.objects.filter(kind="record-due")
    assert [(m.recipient_staff, m.case_ref, m.status) for m in reminders] == [("D1", "E1", "sent")]
    sent = [m for m in smtp.messages if m["subject"].startswith("Record due")]
    assert len(sent) == 1 and sent[0]["to"] == ["d1@example.org"]
    assert sent[0]["subject"] == "Record due by Thu 19 February 2026 at 10:00: case E1"
    assert "significant or urgent: 24 hours" in sent[0]["body"] and "REC-DEADLINE" in sent[0]["body"]
    assert reminders.get().dedupe_key == f"record-due:{event.ref}:E1"

    # The day's run again that afternoon (cron twice, a restart) does not remind D1 again.
    run_day(service, clock("2026-02-18 16:00"))
    run_queued_tasks()
    assert Message.objects.filter(kind="record-due").count() == 1
    assert len([m for m in smtp.messages if m["subject"].startswith("Record due")]) == 1
