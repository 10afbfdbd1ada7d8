"""Keeping every service's findings computed for the present, in a background process.

Any write gives the service a new data revision (store/revisions.py), and the next page to show
findings would compute them: 1 to 3 CPU-seconds for a large service, which one person waits for
(store/cache.py lets the others wait for that one rather than compute too). `oversight
keep_findings` runs `keep_current` every few seconds beside the web servers, so that the entry for
the present is usually there before anyone asks: after a write, at midnight, at the next deadline
an entry stops holding at, and after a release (new rules, a new fingerprint). It only helps when
the cache is shared (REDIS_URL): a process's own memory serves nobody else.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

from oversight.people.models import Service
from oversight.store import cache

log = logging.getLogger(__name__)


def keep_current(
    now: datetime | None = None, refs: list[str] | None = None, stopping: Callable[[], bool] = lambda: False
) -> list[str]:
    """Compute and keep the findings (and who acts on each) as of now for every service (or those
    named) whose entry is missing or no longer holds; the refs of those computed. A service that
    fails is logged and the others are still kept. `stopping` is asked before each service, so that
    a pass over many services ends soon after it says so (a national pass takes minutes)."""
    now = now or timezone.now()
    computed = []
    services = Service.objects.order_by("ref")
    for service in services.filter(ref__in=refs) if refs else services:
        if stopping():
            break
        try:
            if cache.is_kept(service, now):
                continue
            cache.keep(service, now)
            computed.append(service.ref)
        except Exception:  # noqa: BLE001 - one service's failure must not starve the others
            log.exception("Findings of %s could not be computed", service.ref)
    return computed
