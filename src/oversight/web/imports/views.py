"""The import page (/imports/, administrators): upload an exchange document or a CSV export, see what
would change and every problem, then apply exactly that upload in one transaction."""

from __future__ import annotations

from django import forms
from django.contrib import messages as flash
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from oversight.accounts.permissions import page_policy, require_identity
from oversight.audit import services as audit
from oversight.imports import csv_import, exchange_import, uploads
from oversight.imports.report import ImportRefused, ImportReport
from oversight.imports.uploads import MAX_UPLOAD
from oversight.web.forms import GovukForm

KINDS = [("exchange", "Exchange document (oversight-exchange/1 JSON): replaces the whole service"),
         ("csv", "CSV export of staff, reporting lines, cases and allocations: adds and updates")]


class UploadForm(GovukForm):
    kind = forms.ChoiceField(label="What are you importing?", choices=KINDS, widget=forms.RadioSelect,
                             error_messages={"required": "Select what you are importing"})
    file = forms.FileField(label="File", help_text="Nothing is changed until you have checked what the import "
                           "would do and chosen Apply", error_messages={"required": "Select a file to import"})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(f"The file must be smaller than {MAX_UPLOAD // (1024 * 1024)} MB")
        return upload


def _run(kind: str, raw: bytes, identity, *, dry_run: bool) -> ImportReport:
    actor = f"{identity.label} (import page)"
    try:
        if kind == "csv":
            return csv_import.csv_import(raw, service=identity.service, actor=actor, dry_run=dry_run)
        data = exchange_import.decode(raw)
        return exchange_import.exchange_import(data, service=identity.service, actor=actor, dry_run=dry_run)
    except ImportRefused as refused:
        refused.report.service = identity.service.ref
        return refused.report


def _changed(report: ImportReport) -> list[tuple[str, dict]]:
    return [(name.replace("_", " ").capitalize(), counts) for name, counts in report.tables.items()
            if any(counts.values())]


@require_http_methods(["GET", "POST"])
@page_policy("administrator")
def imports(request):
    identity = require_identity(request)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    context = {"form": form, "service": identity.service}
    if request.method == "POST" and form.is_valid():
        kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
        raw = upload.read()
        report = _run(kind, raw, identity, dry_run=True)
        stored = uploads.store(raw, kind=kind, service=identity.service.ref, username=identity.username,
                               filename=upload.name) if report.valid and not report.unchanged else None
        audit.record(
            service=identity.service, actor=identity.label, action="admin", object_type="import",
            object_ref=stored.sha256[:16] if stored else "", summary=f"Checked a {kind} import (dry run)",
            details={"valid": report.valid, "problems": len(report.problems), **report.totals()},
        )
        context.update(report=report, stored=stored, filename=upload.name,
                       changed_tables=_changed(report))
        return render(request, "web/imports/preview.html", context)
    return render(request, "web/imports/upload.html", context, status=400 if form.errors else 200)


@require_POST
@page_policy("administrator")
def imports_apply(request):
    identity = require_identity(request)
    token, sha256 = request.POST.get("token", ""), request.POST.get("sha256", "")
    try:
        stored, raw = uploads.take(token, sha256, service=identity.service.ref, username=identity.username)
    except uploads.UploadGone:
        flash.error(request, "That upload has expired or was already applied: upload the file again.")
        return redirect("web:imports")
    report = _run(stored.kind, raw, identity, dry_run=False)
    uploads.discard(token)
    if not report.valid:
        # The service changed since the dry run and the file no longer fits: show why, write nothing.
        context = {"form": UploadForm(), "service": identity.service, "report": report, "stored": None,
                   "filename": stored.filename, "changed_tables": [], "apply_failed": True}
        return render(request, "web/imports/preview.html", context, status=409)
    totals = report.totals()
    flash.success(request, f"Imported {stored.filename}: {totals['added']} added, {totals['changed']} changed, "
                           f"{totals['removed']} removed.")
    return redirect("web:imports")
