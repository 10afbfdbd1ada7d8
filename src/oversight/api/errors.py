"""Every API error is JSON of one shape: {"error": {"code", "message", "details"}}.

Never HTML, never a traceback: an unexpected exception is logged (without its message, which could
hold personal data: see oversight.security.logging) and answered with a generic 500.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.http.multipartparser import MultiPartParserError
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from oversight.store.versions import StaleEdit

logger = logging.getLogger("oversight.api")

CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid",
    500: "server_error",
}


class ApiError(Exception):
    """Raised by an endpoint to answer with a status, a message and details."""

    def __init__(self, status: int, message: str, details: object = None, code: str | None = None):
        self.status, self.message, self.details = status, message, details if details is not None else {}
        self.code = code or CODES.get(status, "error")
        super().__init__(message)


def error_response(status: int, message: str, details: object = None, code: str | None = None) -> JsonResponse:
    body = {"error": {"code": code or CODES.get(status, "error"), "message": message,
                      "details": details if details is not None else {}}}
    return JsonResponse(body, status=status)


def _validation_details(errors: list[dict]) -> list[dict]:
    """Ninja's (pydantic's) errors as [{"location": "query.limit", "message": "…"}]."""
    out = []
    for error in errors:
        location = ".".join(str(part) for part in error.get("loc", ()))
        out.append({"location": location, "message": str(error.get("msg", "is not valid"))})
    return out


def install(api) -> None:
    """Register the handlers on a NinjaAPI, replacing ninja's defaults."""

    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        return error_response(exc.status, exc.message, exc.details, exc.code)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return error_response(
            401, "Sign in, or send a personal API token as 'Authorization: Bearer TOKEN'. "
            "A revoked or unknown token is refused."
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        message = str(exc)
        if exc.status_code == 403 and "CSRF" in message:
            message = "CSRF check failed: a request signed in with a session must send the X-CSRFToken header."
        return error_response(exc.status_code, message)

    @api.exception_handler(NinjaValidationError)
    def invalid_request(request, exc: NinjaValidationError):
        return error_response(422, "The request is not valid: see details.", _validation_details(exc.errors))

    @api.exception_handler(DjangoValidationError)
    def invalid_write(request, exc: DjangoValidationError):
        details = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return error_response(422, " ".join(m for ms in details.values() for m in ms), details)

    @api.exception_handler(StaleEdit)
    def stale(request, exc: StaleEdit):
        changed = {name: {"you_saw": saw, "now": now} for name, (saw, now) in exc.changed.items()}
        return error_response(409, str(exc), {"changed": changed})

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return error_response(404, "Not found: there is nothing here you may see.")

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return error_response(403, "This sign-in is not linked to a service, or may not do this.")

    @api.exception_handler(MultiPartParserError)
    def bad_multipart(request, exc):
        return error_response(400, "The multipart/form-data body cannot be read (is its boundary missing?).")

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request, exc):
        # Too many fields, too large a body, a malformed upload: Django refuses it; so do we, as JSON.
        return error_response(400, "The request cannot be accepted as sent (too large or malformed).")

    @api.exception_handler(Exception)
    def server_error(request, exc):
        logger.error("API error in %s %s", request.method, request.path, exc_info=exc)
        return error_response(500, "Something went wrong on our side. It has been logged; please try again later.")
