"""`Cache-Control: no-store` on every response to a signed-in user.

Any page a signed-in user sees could show a child (a name, an address, an offence), so none of them
may be kept by the browser's cache, a shared proxy or the back button after signing out. The rule
is deliberately simple: if the request came from a signed-in user, or the response signs someone in
or out, nothing of it is stored. Static files (served before Django's middleware) are unaffected.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
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
    instead of being answered plainly. Forms already refuse it (Django's fields do).

    Reading the body here is the first read of it, so a body larger than Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) is refused here too: as the API's JSON error on /api/, and
    with the 400 page elsewhere, never a 500. The routes of OWN_BODY read their body themselves, up
    to a larger limit of their own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path_info.startswith("/api/")
        try:
            nul = _holds_nul(request)
        except RequestDataTooBig:
            if not api:
                raise  # Django answers it with the 400 page (and logs it as a suspicious request)
            from oversight.api.errors import error_response

            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return error_response(
                400, f"The request body is larger than the {limit / (1024 * 1024):g} MB this address accepts.",
                {"limit_bytes": limit},
            )
        if nul:
            message = "The address or the data sent contains a NUL character, which nothing here can hold."
            if api:
                from oversight.api.errors import error_response

                return error_response(400, message)
            from django.http import HttpResponseBadRequest

            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


# Routes that read their JSON body themselves, up to a limit of their own above Django's global one:
# the exchange import takes a whole service's document (oversight.api.routers.imports). Its checks
# refuse a NUL in any text of the document, with the problem's JSON path.
OWN_BODY = frozenset({"/api/imports/exchange"})


def _holds_nul(request) -> bool:
    if "\x00" in request.path_info or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if any("\x00" in value for values in request.GET.lists() for value in values[1]):
        return True
    if request.path_info in OWN_BODY:
        return False
    if request.content_type == "application/json" and request.method in ("POST", "PUT", "PATCH"):
        body = request.body
        return b"\x00" in body or b"\\u0000" in body
    return False
