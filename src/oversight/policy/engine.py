"""The one entry point to the rules: findings and cover for a whole service at a moment."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from oversight.collector import collector_paused
from oversight.policy import ownership, window
from oversight.policy import buddies, cover_checks, data_quality, leave, records, supervision
from oversight.policy.cover import CoverAnswer, resolve_day
from oversight.policy.facts import ServiceFacts
from oversight.policy.findings import Finding, Judgement

RULE_MODULES = (supervision, records, buddies, leave, cover_checks, data_quality)
# The buddy policy's rules (COV-*): they need no casework, so facts loaded without it will do.
COVER_MODULES = (buddies, leave, cover_checks)


def evaluate(facts: ServiceFacts, as_of: datetime, modules=RULE_MODULES) -> list[Finding]:
    """Every finding of every rule (or of `modules`' rules) for the service as of a moment,
    soonest deadline first."""
    with collector_paused():  # the rules make lasting objects, never cycles: see oversight/collector.py
        judgement = Judgement.at(facts, as_of)
        findings = [f for module in modules for f in module.check(judgement)]
        return sorted(findings, key=Finding.sort_key)


def evaluate_with_span(facts: ServiceFacts, as_of: datetime, modules=RULE_MODULES):
    """`evaluate`, and the span [valid_from, valid_until) of as-of moments that give exactly the same
    findings (None when it cannot be told: see policy/window.py), so that they can be kept and
    served for any moment of the span."""
    with collector_paused():
        judgement, watched = _watched_judgement(facts, as_of)
        findings = sorted((f for module in modules for f in module.check(judgement)), key=Finding.sort_key)
        return findings, window.span(watched, findings)


def owners_with_span(facts: ServiceFacts, as_of: datetime, findings: list[Finding]):
    """`ownership.owners` of the findings as of a moment, and the span of moments it holds for."""
    with collector_paused():
        judgement, watched = _watched_judgement(facts, as_of)
        owned = ownership.owners(judgement, findings)
        return owned, window.span(watched, [o.fix for o in owned if o.fix is not None])


def _watched_judgement(facts: ServiceFacts, as_of: datetime) -> tuple[Judgement, window.Watched]:
    plain = Judgement.at(facts, as_of)  # the calendar, the local day and the facts known that day
    today = plain.today
    tz = plain.calendar.tz
    watched = window.watch(plain.as_of, datetime.combine(today, time(0), tzinfo=tz),
                           datetime.combine(today + timedelta(days=1), time(0), tzinfo=tz))
    judgement = Judgement(facts=plain.facts, as_of=watched, calendar=plain.calendar)
    judgement.__dict__["today"] = today  # cached_property, worked out on the plain moment
    return judgement, watched


def cover_at(facts: ServiceFacts, at: datetime) -> list[CoverAnswer]:
    """The named contact of every case open at a moment, by case id."""
    judgement = Judgement.at(facts, at)
    return resolve_day(judgement.facts, judgement.today, known_at=judgement.as_of)
