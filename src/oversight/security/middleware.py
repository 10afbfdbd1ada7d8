"""`Cache-Control: no-store` on every response to a signed-in user.

Any page a signed-in user sees could show a child (a name, an address, an offence), so none of them
may be kept by the browser's cache, a shared proxy or the back button after signing out. The rule
is deliberately simple: if the request came from a signed-in user, or the response signs someone in
or out, nothing of it is stored. Static files (served before Django's middleware) are unaffected.
"""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in_before = _signed_in(request)
        response = self.get_response(request)
        # Signed in before the view (a page, a sign-out) or after it (a sign-in).
        if signed_in_before or _signed_in(request):
            add_never_cache_headers(response)  # max-age=0, no-cache, no-store, must-revalidate, private
            response.headers["Pragma"] = "no-cache"
        return response


def _signed_in(request) -> bool:
    return bool(getattr(getattr(request, "user", None), "is_authenticated", False))
