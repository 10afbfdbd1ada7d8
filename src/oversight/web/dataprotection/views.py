"""The subject access export of one child's record, for senior managers (page policy "reports", and
the case itself through case_for: the performance team and administrators never see a child's
record). Producing it is audited as a disclosure to the recipient."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from oversight.accounts.permissions import case_for, page_policy, require_identity
from oversight.dataprotection.subject_access import subject_access_export
from oversight.web.forms import GovukForm


class SubjectAccessForm(GovukForm):
    recipient = forms.CharField(
        label="Who is the export for?", max_length=200,
        help_text="The person who asked, or who acts for them: for example the young person, a parent or "
                  "their solicitor. This is recorded in the audit trail as a disclosure.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    fmt = forms.ChoiceField(
        label="Format", choices=[("pdf", "PDF, to print or send"), ("json", "JSON, for another system")],
        widget=forms.RadioSelect, initial="pdf",
    )


SubjectAccessForm.base_fields["recipient"].error_messages["required"] = (
    "Enter who the export is for, for example the young person's name or their solicitor"
)
SubjectAccessForm.base_fields["fmt"].error_messages["required"] = "Choose PDF or JSON"


@require_http_methods(["GET", "POST"])
@page_policy("reports")
def subject_access(request, ref: str):
    identity = require_identity(request)
    case, _ = case_for(request, ref, purpose="opened the subject access export")
    form = SubjectAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            export = subject_access_export(case=case, recipient=form.cleaned_data["recipient"],
                                           fmt=form.cleaned_data["fmt"], actor=identity.label)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            response = HttpResponse(export.content, content_type=export.content_type)
            response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
            return response
    return render(request, "web/dataprotection/subject_access.html", {"case": case, "form": form})
