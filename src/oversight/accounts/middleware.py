"""Sign-in middleware: sessions ended elsewhere, and the second factor before any page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import logout
from django.http import HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from oversight.accounts import sessions, two_factor
from oversight.api.errors import error_response

# The only views a signed-in user who still owes a code may reach.
OPEN_BEFORE_SECOND_FACTOR = frozenset({
    "accounts:sign-in",
    "accounts:two-factor",
    "accounts:two-factor-set-up",
    "accounts:sign-out",
    "accounts:signed-out",
    "accounts:sso",
    "accounts:sso-callback",
})


class SignOutEverywhereMiddleware:
    """Ends this session if the user has since signed out everywhere (after django-otp's middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not sessions.is_current(request.session, user):
            logout(request)  # audited as a sign-out by the user_logged_out receiver
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """Deny by default: a user who must give a code reaches nothing but the sign-in pages until they have.

    Pages, the API and the Django admin are all covered without each view having to remember."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.gate(request) or self.get_response(request)

    def gate(self, request):
        user = request.user
        if not user.is_authenticated or two_factor.verified(request):
            return None
        try:
            view_name = resolve(request.path_info, getattr(request, "urlconf", None)).view_name
        except Resolver404:
            view_name = None  # not even a 404 page before the code: it could tell what exists
        if view_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        if not two_factor.required(user):
            return None
        target = reverse("accounts:two-factor" if two_factor.has_app(user) else "accounts:two-factor-set-up")
        if request.method == "GET" and not request.path_info.startswith("/api/"):
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.path_info.startswith("/api/"):
            # The API's own error shape. 403, not 401: the sign-in is known, but nothing is open to it
            # until the code is given.
            return error_response(
                403, "Two-factor sign-in is needed first: give the code from your authenticator app on the "
                f"sign-in pages ({target}), or call the API with a personal API token instead.",
                {"two_factor": target}, code="two_factor_required",
            )
        if request.headers.get("HX-Request"):
            response = HttpResponseForbidden("Two-factor sign-in is needed first")
            response["HX-Redirect"] = target
            return response
        return redirect(target)
