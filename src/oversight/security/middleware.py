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


class RefuseNulMiddleware:
    """400 for a NUL character in the address, the query or a JSON body.

    No identifier or filter holds one, and PostgreSQL cannot store or compare text containing it: a
    guessed identifier such as `E1%00` would otherwise reach the database and fail there (a 500)
    instead of being answered plainly. Forms already refuse it (Django's fields do)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _holds_nul(request):
            message = "The address or the data sent contains a NUL character, which nothing here can hold."
            if request.path_info.startswith("/api/"):
                from oversight.api.errors import error_response

                return error_response(400, message)
            from django.http import HttpResponseBadRequest

            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _holds_nul(request) -> bool:
    if "\x00" in request.path_info or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if any("\x00" in value for values in request.GET.lists() for value in values[1]):
        return True
    if request.content_type == "application/json" and request.method in ("POST", "PUT", "PATCH"):
        body = request.body
        return b"\x00" in body or b"\\u0000" in body
    return False
