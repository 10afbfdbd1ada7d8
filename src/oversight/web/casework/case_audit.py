"""A case's audit history: who viewed and changed the child's file, when, on what basis, and what
changed, newest first. For the case's line-management chain and senior managers only
(policy.access.case_audit_access); reading it is itself audited (accounts.permissions.case_audit_for)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from oversight.accounts.permissions import case_audit_for, page_policy, require_identity
from oversight.audit.history import case_audit_events, change_summary
from oversight.web.casework.display import moment_text

PAGE_SIZE = 50


@require_GET
@page_policy("case")
def case_audit(request, ref: str):
    case = case_audit_for(request, ref)
    identity = require_identity(request)
    tz = ZoneInfo(identity.service.timezone)
    page = Paginator(case_audit_events(service=identity.service, case_ref=case.ref), PAGE_SIZE).get_page(
        request.GET.get("page"))
    rows = [
        [
            {"text": moment_text(e.at, tz), "sort_value": e.at.isoformat()},
            e.actor,
            e.get_action_display(),
            e.summary,
            e.basis or "Not recorded",
            change_summary(e.before, e.after) or "Nothing changed",
        ]
        for e in page.object_list
    ]
    return render(request, "web/casework/case_audit.html", {
        "case": case,
        "case_url": reverse("web:case", args=[case.ref]),
        "rows": rows,
        "page_obj": page,
        "head": [{"text": "When"}, {"text": "Who"}, {"text": "What"}, {"text": "Summary"},
                 {"text": "Lawful basis"}, {"text": "Before and after"}],
    })
