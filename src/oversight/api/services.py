"""Services that write API tokens. A token is shown once, when it is made; only its hash is kept."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from oversight.accounts.models import Account
from oversight.api.models import ApiToken
from oversight.audit import services as audit

TOKEN_PREFIX = "ovt_"  # recognisable in a leaked file or a secret scanner
_PREFIX_SHOWN = 8  # characters kept in clear to tell tokens apart
# A used token's `last_used` is written at most once a minute, so that reading the API does not
# turn every request into a write.
_LAST_USED_RESOLUTION_SECONDS = 60


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, owner: Account, label: str = "", actor: str) -> tuple[ApiToken, str]:
    """Make a personal API token for `owner`; returns the token and its secret (never stored)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        owner=owner, prefix=secret[: len(TOKEN_PREFIX) + _PREFIX_SHOWN], token_hash=token_hash(secret),
        label=label[:200],
    )
    audit.record(
        service=owner.service, actor=actor, action="admin", object_type="api_token", object_ref=token.prefix,
        summary=f"API token {token.prefix}… made for {owner.user.get_username()}",
        after={"owner": owner.user.get_username(), "label": token.label},
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: str) -> ApiToken:
    """Revoke a token: from now on it is refused (401). Revoking twice changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked is not None:
        raise ValidationError({"token": f"Token {token.prefix}… was already revoked on {token.revoked:%d %B %Y}."})
    token.revoked = timezone.now()
    token.save(update_fields=["revoked"])
    audit.record(
        service=token.owner.service, actor=actor, action="admin", object_type="api_token",
        object_ref=token.prefix, summary=f"API token {token.prefix}… revoked",
        before={"revoked": None}, after={"revoked": token.revoked.isoformat()},
    )
    return token


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The active token with this secret (its owner's user loaded), or None. Notes when it was used."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("owner__user", "owner__service", "owner__staff")
        .filter(token_hash=token_hash(secret), revoked__isnull=True)
        .first()
    )
    if token is None or not token.owner.user.is_active:
        return None
    now = timezone.now()
    if token.last_used is None or (now - token.last_used).total_seconds() > _LAST_USED_RESOLUTION_SECONDS:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
    return token
