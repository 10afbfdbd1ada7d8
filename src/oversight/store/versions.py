"""Optimistic concurrency: the second of two people saving the same record is refused, never
silently overwriting the first.

A form carries the `version_token` of what the person saw. On save, the row is locked, its token
recomputed, and if it differs `StaleEdit` says which fields someone else changed meanwhile. The token
is a hash of the row's stored values, so no version column is needed and changes made anywhere
(another page, the API, a load) are caught.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from django.db import models


class StaleEdit(Exception):
    def __init__(self, changed: dict[str, tuple[object, object]]):
        self.changed = changed  # field -> (what the person saw, what is stored now)
        names = ", ".join(sorted(changed)) or "the record"
        super().__init__(f"Someone else changed {names} while you were editing. Check their change and try again.")


def _values(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, object]:
    names = fields or [f.attname for f in instance._meta.concrete_fields if not f.primary_key]
    return {name: getattr(instance, name) for name in names}


def version_token(instance: models.Model, fields: Iterable[str] | None = None) -> str:
    payload = json.dumps(_values(instance, fields), sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> str:
    """What the person saw, for the form: the token and the values (to say what changed)."""
    return json.dumps({"token": version_token(instance, fields), "values": _values(instance, fields)}, default=str)


def check_unchanged(model: type[models.Model], pk: int, seen: str, fields: Iterable[str] | None = None) -> models.Model:
    """Lock the row and return it if it is as the person saw it; else raise StaleEdit.

    Call inside a transaction. `seen` is the `snapshot` the form carried.
    """
    current = model.objects.select_for_update().get(pk=pk)
    try:
        saw = json.loads(seen)
        token, values = saw["token"], saw["values"]
    except (ValueError, KeyError, TypeError):
        raise StaleEdit({}) from None
    if version_token(current, fields) != token:
        now = {k: _shown(v) for k, v in _values(current, fields).items()}
        saw_shown = {k: _shown(v) for k, v in values.items()}
        raise StaleEdit({k: (saw_shown.get(k), now[k]) for k in now if saw_shown.get(k) != now[k]})
    return current


def _shown(value: object) -> str | None:
    return None if value is None else str(value)
