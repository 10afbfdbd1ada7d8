"""The one entry point to the rules: findings and cover for a whole service at a moment."""

from __future__ import annotations

from datetime import datetime

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
    judgement = Judgement.at(facts, as_of)
    findings = [f for module in modules for f in module.check(judgement)]
    return sorted(findings, key=Finding.sort_key)


def cover_at(facts: ServiceFacts, at: datetime) -> list[CoverAnswer]:
    """The named contact of every case open at a moment, by case id."""
    judgement = Judgement.at(facts, at)
    return resolve_day(judgement.facts, judgement.today, known_at=judgement.as_of)
