from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from oversight.accounts.permissions import page_policy
from oversight.ops.health import run_checks


@never_cache
@page_policy("public")
def health(request):
    """200 when the database and the task queue work, 503 otherwise (for load balancers)."""
    ok, checks = run_checks()
    return JsonResponse({"status": "ok" if ok else "error", "checks": checks}, status=200 if ok else 503)
