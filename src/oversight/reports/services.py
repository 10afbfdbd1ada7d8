"""Writes of reports: producing a Stat Wednesday report once, issuing and revoking calendar feeds."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from oversight.audit import services as audit
from oversight.people.models import Service
from oversight.policy.catalogue import RULE_IDS
from oversight.policy.data_quality import next_stat_wednesday
from oversight.policy.engine import evaluate
from oversight.policy.findings import Judgement
from oversight.policy.teams import NO_TEAM, team_of
from oversight.reports.models import CalendarFeed, StatWednesdayLine, StatWednesdayReport
from oversight.store.read import service_facts

DQ_PREFIX = "DQ-"
DQ_RULES = tuple(rule for rule in RULE_IDS if rule.startswith(DQ_PREFIX))


def stat_wednesday_produce(*, service: Service, day: date, actor: str) -> tuple[StatWednesdayReport, bool]:
    """The Stat Wednesday report of `day`, produced on first call and kept (idempotent per day):
    every DQ-* finding for the cases open that day, each owned by the case's case manager that day
    and filed under their team. Returns (report, created)."""
    existing = StatWednesdayReport.objects.filter(service=service, day=day).first()
    if existing is not None:
        return existing, False
    facts = service_facts(service)
    judgement = Judgement.at(facts, _start_of(service, day))
    findings = evaluate(facts, judgement.as_of, DQ_RULES)  # the data-quality rules alone
    known = judgement.facts
    scheduled = next_stat_wednesday(known.settings.stat_wednesday_anchor, day) == day
    try:
        with transaction.atomic():
            report = StatWednesdayReport.objects.create(
                service=service, day=day, scheduled=scheduled, judged_at=judgement.as_of, produced_by=actor
            )
            lines = []
            for f in findings:
                owner = known.case_manager_on(f.case, day)
                team = team_of(known, owner, day)
                lines.append(StatWednesdayLine(
                    report=report, rule=f.rule, status=str(f.status), case_ref=f.case or f.subject,
                    owner_ref=owner or "", owner_name=_name(known, owner), team_ref=team or NO_TEAM,
                    team_name=_name(known, team) if team else "No team", due=f.due, detail=f.detail,
                ))
            StatWednesdayLine.objects.bulk_create(lines)
            audit.record(
                service=service, actor=actor, action="create", object_type="stat_wednesday_report",
                object_ref=day.isoformat(), summary=f"Stat Wednesday report for {day.isoformat()} produced",
                after={"day": day.isoformat(), "lines": len(lines), "scheduled": scheduled},
            )
    except IntegrityError:  # produced at the same moment by another worker
        return StatWednesdayReport.objects.get(service=service, day=day), False
    return report, True


def _start_of(service: Service, day: date):
    from oversight.policy.calendar import WorkingCalendar

    return WorkingCalendar(service.holidays, service.timezone).start_of(day)


def _name(facts, staff_id: str | None) -> str:
    person = facts.staff_by_id.get(staff_id) if staff_id else None
    return person.name if person else (staff_id or "")


# -- calendar feeds ------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_issue(*, user, service: Service, actor: str) -> str:
    """A new secret calendar token for the user (returned once); any earlier one stops working."""
    now = timezone.now()
    revoked = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, service=service, token_hash=_hash(token))
    audit.record(
        service=service, actor=actor, action="create", object_type="calendar_feed", object_ref=str(feed.pk),
        summary="Calendar feed address made" + (" (the earlier one no longer works)" if revoked else ""),
    )
    return token


@transaction.atomic
def calendar_feed_revoke(*, user, service: Service, actor: str) -> int:
    """Stop every calendar address of the user; returns how many were in use."""
    revoked = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if revoked:
        audit.record(service=service, actor=actor, action="change", object_type="calendar_feed",
                     object_ref=str(user.pk), summary="Calendar feed address turned off")
    return revoked


def calendar_feed_for(token: str) -> CalendarFeed | None:
    """The feed a token opens, if it is in use and its person can still sign in."""
    if not token or len(token) > 100:
        return None
    feed = (CalendarFeed.objects.select_related("user", "user__account", "user__account__staff")
            .filter(token_hash=_hash(token), revoked_at__isnull=True).first())
    if feed is None or not feed.user.is_active:
        return None
    account = getattr(feed.user, "account", None)
    if account is None or account.staff_id is None or account.service_id != feed.service_id:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed
