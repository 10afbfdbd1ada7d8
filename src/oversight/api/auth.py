"""Who is calling: a signed-in session (CSRF enforced for unsafe methods) or a personal API token.

A token stands for its owner's account: the request then carries that user, so the permission
policy (oversight.accounts.permissions) decides exactly as it does for the owner's pages.
"""

from __future__ import annotations

from django.conf import settings
from ninja.security import APIKeyCookie, HttpBearer

from oversight.api.services import api_token_authenticate


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token: str):
        found = api_token_authenticate(token)
        if found is None:
            return None
        request.user = found.owner.user
        request.api_token = found
        return request.user


class SessionAuth(APIKeyCookie):
    """Django's session, with Django's CSRF check for POST, PUT, PATCH and DELETE."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        # Not signed in: no CSRF check, so that the answer is 401 (sign in), not 403.
        if not getattr(request.user, "is_authenticated", False):
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        # A signed-in user with no account in a service gets 403 from the endpoint's policy.
        return request.user if request.user.is_authenticated else None


AUTH = [TokenAuth(), SessionAuth()]
