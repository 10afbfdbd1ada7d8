"""Findings of a service, computed once and served until they could differ.

An entry is kept in Django's cache (shared by every worker and server when REDIS_URL is set) under
the service's data revision (store/revisions.py: any write to the service's rows gives a new one,
whoever writes), the local day, and a fingerprint of the rules' code. It holds the findings and
the span of as-of moments for which the rules give exactly these findings (policy/window.py:
until the next deadline, session or submission the rules compare the moment with, and never past
the end of the day). A request for a moment in the span is served from the entry; any other moment,
a new revision or changed rules compute afresh. So what is served is always what `evaluate` would
give at that moment (tests/integration/test_findings_cache.py).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.cache import cache as shared
from django.db import connection

from oversight.people.models import Service
from oversight.policy import ownership
from oversight.policy.engine import evaluate, evaluate_with_span, owners_with_span
from oversight.policy.facts import ServiceFacts
from oversight.policy.findings import Finding, Judgement
from oversight.policy.ownership import Owned
from oversight.store import read

log = logging.getLogger(__name__)


@cache
def rules_fingerprint() -> str:
    """Changes whenever the rules or the way facts are read change, so that a shared cache never
    serves what an earlier release computed."""
    import oversight.policy as policy

    import holidays

    digest = hashlib.sha256(f"holidays {holidays.__version__}".encode())  # the calendars' bank holidays
    files = sorted(Path(policy.__file__).parent.glob("*.py")) + [Path(read.__file__)]
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def findings_at(service: Service, as_of: datetime) -> list[Finding]:
    """Every finding for the service as of a moment: `evaluate(service_facts(service), as_of)`."""
    return _findings(service, as_of)[0]


def findings_and_facts(service: Service, as_of: datetime) -> tuple[list[Finding], ServiceFacts]:
    """The findings as of a moment, and the service's people, cases and lines to read them with
    (the facts without casework: what a page needs to name people and find managers)."""
    return _findings(service, as_of)[0], read.service_facts(service, with_casework=False)


def owners_and_facts(service: Service, as_of: datetime) -> tuple[tuple[Owned, ...], ServiceFacts]:
    """`ownership.owners` of the findings as of a moment (who acts on each, and where), kept like
    the findings: what the home page and the API filter for the person reading; and the facts
    without casework, as `findings_and_facts`."""
    return _owners(service, as_of), read.service_facts(service, with_casework=False)


def is_kept(service: Service, as_of: datetime) -> bool:
    """Whether the findings and their owners as of the moment are kept for the service's current
    revision (what `owners_and_facts` would serve without computing)."""
    as_of = _aware(as_of, service)
    revision = read.revision(service)
    if revision is None:
        return False
    key = _key(service.pk, revision, _day(as_of, service))
    return _holds(_get(key), as_of) and _holds(_get(key + ":owners"), as_of)


def keep(service: Service, as_of: datetime) -> None:
    """Compute and keep the findings and their owners as of the moment, unless they are kept: what
    the background keeper does (store/keeper.py), so that no person waits for them."""
    _owners(service, as_of)


def _owners(service: Service, as_of: datetime) -> tuple[Owned, ...]:
    findings, key, span, facts = _findings(service, as_of)
    as_of = _aware(as_of, service)
    if key is None:
        return ownership.owners(Judgement.at(facts, as_of), findings)
    entry = _get(key + ":owners")
    if _holds(entry, as_of):
        return entry[2]
    with _one_at_a_time(key + ":owners", as_of) as computed_elsewhere:
        if computed_elsewhere is not None:
            return computed_elsewhere[2]
        owned, owners_span = owners_with_span(facts or read.service_facts(service), as_of, findings)
        if span is not None and owners_span is not None:
            valid_from, valid_until = max(span[0], owners_span[0]), min(span[1], owners_span[1])
            if valid_from <= as_of < valid_until:
                _set(key + ":owners", (valid_from, valid_until, owned))
    return owned


def _findings(service: Service, as_of: datetime):
    """(findings, cache key or None, span they hold for or None, the whole facts when they were read).

    A hit costs the revision (one query) and the entry: the service's facts are read only to
    compute, so a worker serves every service from the shared cache without holding them."""
    as_of = _aware(as_of, service)
    revision = read.revision(service)
    if revision is None:
        facts = read.fresh_service_facts(service)
        return evaluate(facts, as_of), None, None, facts
    day = _day(as_of, service)
    key = _key(service.pk, revision, day)
    entry = _get(key)
    if _holds(entry, as_of):
        valid_from, valid_until, findings = entry
        return list(findings), key, (valid_from, valid_until), None
    with _one_at_a_time(key, as_of) as computed_elsewhere:
        if computed_elsewhere is not None:
            valid_from, valid_until, findings = computed_elsewhere
            return list(findings), key, (valid_from, valid_until), None
        revision, facts = read.snapshot(service)  # a write since is a newer revision: keep under that one
        if revision is None:
            return evaluate(facts, as_of), None, None, facts
        key = _key(service.pk, revision, day)
        _drop_superseded(service.pk, day, key)
        findings, span = evaluate_with_span(facts, as_of)
        if span is not None:
            _set(key, (*span, tuple(findings)))
    return findings, key, span, facts


# One process computes an entry at a time. The first request to miss (after a write, at the start
# of a day, after a release) claims the entry in the shared cache and computes it; the others wait
# for it instead of each reading and judging the whole service at once. On two cores four workers
# computing the same service together took about four times as long each (the fresh-start p95 of
# docs/performance.md). A claim lapses after CLAIM_SECONDS, so a worker killed mid-computation
# holds nobody up for long; a waiter gives up after WAIT_SECONDS and computes itself.
CLAIM_SECONDS = 120
WAIT_SECONDS = 60
POLL_SECONDS = 0.05


@contextmanager
def _one_at_a_time(key: str, as_of: datetime):
    """Yields the entry another process computed while this one waited (valid for `as_of`), or None:
    compute it, holding the claim until the block ends."""
    claim = key + ":computing"
    try:
        claimed = bool(shared.add(claim, os.getpid(), timeout=CLAIM_SECONDS))
    except Exception:  # noqa: BLE001 - the shared cache down: compute, as on a miss
        claimed = False
    else:
        if not claimed:
            entry = _wait_for(key, claim, as_of)
            if entry is not None:
                yield entry
                return
    try:
        yield None
    finally:
        if claimed:
            try:
                shared.delete(claim)
            except Exception:  # noqa: BLE001 - the claim lapses on its own
                log.warning("findings cache unavailable: claim left to lapse", exc_info=True)


def _wait_for(key: str, claim: str, as_of: datetime):
    """The entry under `key` once the process holding `claim` has kept it, if it holds for `as_of`;
    None when that process stopped without keeping one for this moment, or after WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        _pause()
        try:
            entry = shared.get(key)
            still_computing = entry is None and shared.get(claim) is not None
            if entry is None and not still_computing:
                entry = shared.get(key)  # kept and released between the two reads
        except Exception:  # noqa: BLE001 - the shared cache down: compute
            return None
        if entry is not None:
            if _holds(entry, as_of):
                _keep(key, entry)
                return entry
            return None  # kept for other moments of the day: compute this one
        if not still_computing or time.monotonic() >= deadline:
            return None


def _pause() -> None:
    time.sleep(POLL_SECONDS)


# The entries this process fetched or made last, unpickled: the key names the revision, the day and
# the rules, so a copy here is exactly as current as the shared one, and a hit costs no unpickling.
LOCAL_KEPT = 32
_local: OrderedDict[str, tuple] = OrderedDict()
_local_lock = threading.Lock()


def _get(key: str):
    with _local_lock:
        entry = _local.get(key)
        if entry is not None:
            _local.move_to_end(key)
            return entry
    try:
        entry = shared.get(key)
    except Exception:  # noqa: BLE001 - the shared cache down (Redis): compute, as on a miss
        log.warning("findings cache unavailable: computing", exc_info=True)
        return None
    if entry is not None:
        _keep(key, entry)
    return entry


def _set(key: str, entry: tuple) -> None:
    try:
        shared.set(key, entry)
    except Exception:  # noqa: BLE001 - the shared cache down: the page is still answered
        log.warning("findings cache unavailable: not kept", exc_info=True)
    _keep(key, entry)


def _keep(key: str, entry: tuple) -> None:
    with _local_lock:
        _local[key] = entry
        while len(_local) > LOCAL_KEPT:
            _local.popitem(last=False)


# The key this process last computed for each service and day. Every read asks for the service's
# current revision, so an entry under an earlier revision of the same day is never served again: it
# is dropped when the new one is computed, rather than left until the cache is full. Without this,
# each write to a service left about 120 KiB (the demo service's findings and owners, pickled) in
# every worker's local memory cache, up to its 1,000 entries: the soak run's memory kept growing
# (docs/operations.md). Bounded too: the services and days asked for most recently.
LATEST_KEPT = 1000
_latest: OrderedDict[tuple[int, str], str] = OrderedDict()


def _drop_superseded(service_pk: int, day: str, key: str) -> None:
    with _local_lock:
        earlier = _latest.pop((service_pk, day), None)
        _latest[(service_pk, day)] = key
        while len(_latest) > LATEST_KEPT:
            _latest.popitem(last=False)
        if earlier is None or earlier == key:
            return
        for old in (earlier, earlier + ":owners"):
            _local.pop(old, None)
    try:
        shared.delete_many([earlier, earlier + ":owners"])
    except Exception:  # noqa: BLE001 - the shared cache down: the entries expire on their own
        log.warning("findings cache unavailable: superseded entries not dropped", exc_info=True)


def _holds(entry: tuple | None, as_of: datetime) -> bool:
    """Whether a kept entry (valid_from, valid_until, what was kept) holds for the moment."""
    return entry is not None and entry[0] <= as_of < entry[1]


def _day(as_of: datetime, service: Service) -> str:
    """The service's local day of an aware moment: entries are kept per day."""
    return as_of.astimezone(ZoneInfo(service.timezone)).date().isoformat()


def _aware(as_of: datetime, service: Service) -> datetime:
    return as_of if as_of.tzinfo is not None else as_of.replace(tzinfo=ZoneInfo(service.timezone))


def _key(service_pk: int, revision: int, day: str) -> str:
    database = hashlib.sha256(str(connection.settings_dict["NAME"]).encode()).hexdigest()[:8]
    return f"findings:{database}:{service_pk}:{revision}:{day}:{rules_fingerprint()}"
