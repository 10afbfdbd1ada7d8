"""The one entry point to the rules: findings and cover for a whole service at a moment."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime, time, timedelta

from oversight.collector import collector_paused
from oversight.policy import ownership, window
from oversight.policy import buddies, cover_checks, data_quality, leave, records, supervision
from oversight.policy.catalogue import BY_ID, RULE_IDS, RULES, reads_of
from oversight.policy.cover import CoverAnswer, resolve_day
from oversight.policy.facts import ServiceFacts
from oversight.policy.findings import Finding, Judgement

RULE_MODULES = (supervision, records, buddies, leave, cover_checks, data_quality)
_RULES_OF = {  # each module's rules, as the catalogue names them
    module: frozenset(rule.id for rule in RULES if rule.module == module.__name__.rsplit(".", 1)[1])
    for module in RULE_MODULES
}


def evaluate(facts: ServiceFacts, as_of: datetime, rules: Collection[str] | None = None) -> list[Finding]:
    """Every finding of every rule (or of `rules` alone) for the service as of a moment, soonest
    deadline first."""
    with collector_paused():  # the rules make lasting objects, never cycles: see oversight/collector.py
        judgement = Judgement.at(facts, as_of)
        return sorted(_findings(judgement, rules), key=Finding.sort_key)


def evaluate_with_span(facts: ServiceFacts, as_of: datetime):
    """`evaluate`, and the span [valid_from, valid_until) of as-of moments that give exactly the same
    findings (None when it cannot be told: see policy/window.py), so that they can be kept and
    served for any moment of the span."""
    with collector_paused():
        judgement, watched = _watched_judgement(facts, as_of)
        findings = sorted(_findings(judgement, None), key=Finding.sort_key)
        return findings, window.span(watched, findings)


def _findings(judgement: Judgement, rules: Collection[str] | None) -> Iterator[Finding]:
    wanted = frozenset(RULE_IDS if rules is None else rules)
    unknown = wanted - set(RULE_IDS)
    if unknown:
        raise ValueError(f"no such rule: {', '.join(sorted(unknown))} (rules: {', '.join(RULE_IDS)})")
    read = judgement.facts.tables
    if read is not None and not reads_of(wanted) <= read:
        missing = ", ".join(sorted(reads_of(wanted) - read))
        raise ValueError(f"these facts were read without {missing}, which the rules asked for read")
    left_out_by = judgement.facts.in_time_left_out_by
    if left_out_by is not None:
        needing = sorted(rule for rule in wanted if BY_ID[rule].needs_records_made_in_time)
        if needing:
            raise ValueError(f"these facts leave out the records made in time, which {', '.join(needing)} need")
        if judgement.as_of < left_out_by:
            raise ValueError(f"these facts leave out the records made in time by {left_out_by.isoformat()}:"
                             " they can be judged as of that moment or later")
    for module in RULE_MODULES:
        chosen = wanted & _RULES_OF[module]
        if not chosen:
            continue
        if module is supervision:  # its rules are judged apart: each on the tables it reads
            yield from supervision.check(judgement, chosen)
        else:
            yield from (f for f in module.check(judgement) if f.rule in chosen)


def owners_with_span(facts: ServiceFacts, as_of: datetime, findings: list[Finding]):
    """`ownership.owners` of the findings as of a moment, and the span of moments it holds for."""
    if facts.tables is not None or facts.in_time_left_out_by is not None:  # it may depend on any table or record
        raise ValueError("the owners of findings are worked out on the whole service's facts")
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
