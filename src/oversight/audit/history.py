"""Reading a case's audit history: its entries newest first, and a short account of each change.

Entries name a child's case by `case_ref` (views, refusals, records, decisions, reallocations,
exports); the audit trail holds identifiers and no narrative, so its before and after states can be
shown to the managers who may read the history (policy.access.case_audit_access).
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet

from oversight.audit.models import AuditEvent

MAX_SUMMARY = 300


def case_audit_events(*, service, case_ref: str) -> QuerySet[AuditEvent]:
    """Every entry about the case in this service, newest first."""
    return AuditEvent.objects.filter(service=service, case_ref=case_ref).order_by("-at", "-id")


def entries_by(*, service, actor: str, case_refs) -> QuerySet[AuditEvent]:
    """A person's own entries on these cases (actor as `Identity.label`; through the API it is
    followed by " (API)"), oldest first."""
    return AuditEvent.objects.filter(
        service=service, case_ref__in=list(case_refs), actor__in=[actor, f"{actor} (API)"]
    ).order_by("at", "id")


def change_summary(before: Any, after: Any) -> str:
    """What a change did, in one line: the fields that changed ("depth: check_in → in_depth"), or
    the state a new record was made with. Empty for views and refusals (no state)."""
    if before is None and after is None:
        return ""
    if isinstance(before, dict) and isinstance(after, dict):
        changed = [f"{k}: {_text(before.get(k))} → {_text(after.get(k))}"
                   for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
        return _cut("; ".join(changed) or "no field changed")
    if before is None and isinstance(after, dict):
        return _cut("made with " + "; ".join(f"{k}: {_text(v)}" for k, v in after.items()))
    return _cut(f"{_text(before)} → {_text(after)}")


def _text(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _cut(text: str) -> str:
    return text if len(text) <= MAX_SUMMARY else text[: MAX_SUMMARY - 1] + "…"
