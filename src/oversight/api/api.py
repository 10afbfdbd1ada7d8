"""The NinjaAPI: routers, authentication, errors, and the OpenAPI schema with its documentation page."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from oversight.api import errors
from oversight.api.auth import AUTH, TokenAuth
from oversight.api.routers import imports, people, recording, work

DESCRIPTION = """
Oversight's JSON API: the same data and the same permission policy as the pages.

* **Sign in** with the session of the pages (send the `X-CSRFToken` header with POST and PUT), or
  with a personal API token as `Authorization: Bearer TOKEN` (made by an administrator with
  `oversight api_token create USERNAME`).
* **Lists** take `limit` and `offset` and answer `{"count", "limit", "offset", "items"}`.
* **Errors** are always `{"error": {"code", "message", "details"}}`. A case you may not see is 404,
  exactly as one that does not exist. Every view of a child's case is written to the audit trail.
"""


class LocalSwagger(Swagger):
    """Swagger UI from the app's own static files (no CDN), with the CSP nonce on its scripts."""

    template = "api/swagger.html"


def signed_in_or_token(view):
    """The schema and its documentation page are for signed-in people and token holders."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            TokenAuth()(request)
        if not request.user.is_authenticated:
            if request.path.endswith(".json"):
                return errors.error_response(401, "Sign in, or send a personal API token as 'Authorization: Bearer TOKEN'.")
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapped.page_policy = "signed_in"
    return wrapped


api = NinjaAPI(
    title="Oversight API",
    version="1",
    description=DESCRIPTION,
    auth=AUTH,
    urls_namespace="api",
    # No deep links: Swagger UI puts them as links inside each operation's button (axe: nested-interactive,
    # and targets under 24 px).
    docs=LocalSwagger(settings={"persistAuthorization": False, "tryItOutEnabled": False,
                                "deepLinking": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=signed_in_or_token,
)
errors.install(api)
api.add_router("/", people.router)
api.add_router("/", work.router)
api.add_router("/", recording.router)
api.add_router("/", imports.router)
