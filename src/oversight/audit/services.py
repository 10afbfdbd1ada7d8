"""Writing to the audit trail, and checking that nobody has altered it.

`record` is the only way entries are written. It is called inside the same transaction as the
change it describes, so an entry exists exactly when the change does.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from oversight.audit.models import AuditEvent

GENESIS = "0" * 64
_HASHED = ("at", "actor", "action", "object_type", "object_ref", "case_ref", "basis", "summary", "before",
           "after", "details", "service_id")


def _digest(previous: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(
        {k: (fields[k].isoformat() if k == "at" else fields[k]) for k in _HASHED},
        sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False,
    )
    return hashlib.sha256(f"{previous}\n{payload}".encode()).hexdigest()


def record(
    *, actor: str, action: str, summary: str, service=None, object_type: str = "", object_ref: str = "",
    case_ref: str = "", basis: str = "", before: Any = None, after: Any = None, details: dict | None = None,
) -> AuditEvent:
    """Append one entry to the audit trail, chained to the one before."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # One writer at a time extends the chain, so that two entries never share a predecessor.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext('oversight-audit-chain'))")
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        fields = {
            "at": timezone.now(), "actor": actor, "action": action, "object_type": object_type,
            "object_ref": object_ref, "case_ref": case_ref, "basis": basis, "summary": summary,
            "before": _plain(before), "after": _plain(after), "details": _plain(details or {}),
            "service_id": service.pk if service is not None else None,
        }
        previous = last or GENESIS
        return AuditEvent.objects.create(previous_hash=previous, hash=_digest(previous, fields), **fields)


def _plain(value: Any) -> Any:
    """JSON-safe values, so that what is hashed is exactly what is stored."""
    return json.loads(json.dumps(value, default=str)) if value is not None else None


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    first_broken: int | None = None  # the id of the first entry whose hash or link does not hold
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.first_broken is None


def verify_chain(batch: int = 5000) -> ChainCheck:
    """Recompute every hash in order; report the first entry that was edited, removed or inserted."""
    previous, count = GENESIS, 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch):
        count += 1
        if event.previous_hash != previous:
            return ChainCheck(count, event.pk, "it does not follow the entry before it (an entry was removed or inserted)")
        fields = {k: getattr(event, k) for k in _HASHED}
        if _digest(previous, fields) != event.hash:
            return ChainCheck(count, event.pk, "its contents no longer match its hash (it was edited)")
        previous = event.hash
    return ChainCheck(count)
