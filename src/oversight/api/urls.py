"""/api/: the NinjaAPI's URLs, each declaring its page policy, and JSON answers for everything else."""

from __future__ import annotations

from functools import wraps

from django.http import JsonResponse
from django.urls import re_path, reverse

from oversight.api.api import api
from oversight.api.errors import error_response


def _path_view(callback):
    """The ninja PathView behind a URL's view (held in the view's closure)."""
    for cell in getattr(callback, "__closure__", None) or ():
        if hasattr(cell.cell_contents, "operations"):
            return cell.cell_contents
    return None


def _policy(callback) -> str | None:
    """A ninja path's page policy: its operations' (each operation also enforces its own)."""
    found = {getattr(op.view_func, "page_policy", None) for op in getattr(_path_view(callback), "operations", ())}
    if len(found) == 1:
        return found.pop()
    # Operations with different policies on one path: the least restrictive is the path's coarse
    # check (signed in), and each operation enforces its own.
    return "signed_in" if found and None not in found else None


def _json_errors(view, policy):
    """Ninja answers an unsupported method with an empty 405: make it the API's JSON error."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = response.get("Allow", "")
            response = error_response(405, f"{request.method} is not allowed here; allowed: {allowed}.")
            response["Allow"] = allowed
        return response

    wrapped.csrf_exempt = True
    wrapped.page_policy = policy
    return wrapped


def api_root(request):
    return JsonResponse({"docs": reverse("api:openapi-view"), "openapi": reverse("api:openapi-json")})


def not_found(request, rest=""):
    return error_response(404, "Not found: there is no such API endpoint. The endpoints are listed at /api/docs.")


api_root.page_policy = not_found.page_policy = "public"
api_root.csrf_exempt = not_found.csrf_exempt = True


def _patterns():
    urls, app_name, namespace = api.urls
    out = []
    for pattern in urls:
        if pattern.name == "api-root":
            pattern.callback = api_root
        elif getattr(pattern.callback, "page_policy", None) is None:
            pattern.callback = _json_errors(pattern.callback, _policy(pattern.callback))
        out.append(pattern)
    out.append(re_path(r"^(?P<rest>.*)$", not_found, name="not-found"))
    return out, app_name, namespace


api_urls = _patterns()
