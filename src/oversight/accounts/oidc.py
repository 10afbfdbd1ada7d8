"""OpenID Connect single sign-on (mozilla-django-oidc), for councils on Microsoft Entra ID or similar.

Off unless OVERSIGHT_OIDC_CLIENT_ID is set (settings.py; set-up in docs/security.md). Nobody registers
themselves: the provider's claims are matched to an existing Account, and anyone else is refused and
the refusal audited. A manager signing on still gives Oversight's own second factor.
"""

from __future__ import annotations

import logging
from functools import wraps

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from oversight.accounts import audit_trail
from oversight.accounts.permissions import page_policy

log = logging.getLogger(__name__)

# The claims that can name a person, in the order they are tried. Entra ID puts the sign-in name
# (user principal name, usually the e-mail address) in preferred_username; email is optional there.
NAME_CLAIMS = ("email", "preferred_username", "upn")


def claimed_names(claims: dict) -> list[str]:
    names = []
    for claim in NAME_CLAIMS:
        value = claims.get(claim)
        if isinstance(value, str) and value.strip() and value.strip().lower() not in names:
            names.append(value.strip().lower())
    return names


def users_for_claims(claims: dict):
    """Active users with an Oversight account whose e-mail address or user name is a claimed name."""
    names = claimed_names(claims)
    if not names:
        return get_user_model().objects.none()
    match = Q()
    for name in names:
        match |= Q(email__iexact=name) | Q(username__iexact=name)
    return get_user_model().objects.filter(match, is_active=True, account__isnull=False).distinct()


class AccountOIDCBackend(OIDCAuthenticationBackend):
    """Maps the provider's claims to an existing Account; never creates a user."""

    def __init__(self, *args, **kwargs):
        self.enabled = getattr(settings, "OVERSIGHT_OIDC_ENABLED", False)
        if self.enabled:
            super().__init__(*args, **kwargs)
        else:
            self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if not self.enabled or request is None:
            return None
        return super().authenticate(request, **kwargs)

    def get_userinfo(self, access_token, id_token, payload):
        """The verified ID token's claims, with the user-info endpoint's added (Entra ID's user-info
        endpoint leaves out preferred_username, which the ID token has)."""
        claims = dict(payload)
        claims.update(super().get_userinfo(access_token, id_token, payload))
        return claims

    def verify_claims(self, claims):
        tenant = getattr(settings, "OVERSIGHT_OIDC_TENANT_ID", "")
        if tenant and claims.get("tid") and claims["tid"] != tenant:
            return False
        return bool(claimed_names(claims))

    def filter_users_by_claims(self, claims):
        return users_for_claims(claims)

    def create_user(self, claims):
        raise SuspiciousOperation("Oversight does not create users at sign-on")

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        names = claimed_names(claims)
        shown = names[0] if names else "(no name claimed)"
        if not self.verify_claims(claims):
            self._refuse(shown, "the provider's answer named nobody (or another organisation)")
            return None
        users = list(self.filter_users_by_claims(claims)[:2])
        if len(users) != 1:
            self._refuse(shown, "no Oversight account has this name" if not users
                         else "more than one Oversight account has this name")
            return None
        return self.update_user(users[0], claims)

    def _refuse(self, name: str, reason: str) -> None:
        log.warning("Single sign-on refused: %s", reason)
        audit_trail.record(username=name, action="denied", event="sso_refused",
                           summary=f"Single sign-on refused: {reason}")

    def get_user(self, user_id):
        return super().get_user(user_id) if self.enabled else None


class _Enabled:
    def dispatch(self, request, *args, **kwargs):
        if not settings.OVERSIGHT_OIDC_ENABLED:
            raise Http404("Single sign-on is not set up")
        return super().dispatch(request, *args, **kwargs)


class StartView(_Enabled, OIDCAuthenticationRequestView):
    pass


class CallbackView(_Enabled, OIDCAuthenticationCallbackView):
    def login_success(self):
        from oversight.accounts.views import after_first_factor

        if not (self.request.user.is_authenticated and self.request.user == self.user):
            auth.login(self.request, self.user)
        return after_first_factor(self.request, next_url=self.success_url)

    def login_failure(self):
        return HttpResponseRedirect(self.failure_url)


def _only_when_enabled(view):
    """404 before the view is even made: mozilla-django-oidc's views read the provider's settings when
    they are constructed, which fails (a 500) when single sign-on is not set up."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.OVERSIGHT_OIDC_ENABLED:
            raise Http404("Single sign-on is not set up")
        return view(request, *args, **kwargs)

    return wrapped


start = page_policy("public")(_only_when_enabled(StartView.as_view()))
callback = page_policy("public")(_only_when_enabled(CallbackView.as_view()))
