"""The style guide (/design/): every component with sample data, for the engineers building pages."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html

from oversight.accounts.permissions import page_policy
from oversight.web.forms import GovukDateField, GovukForm

SAMPLE_CHOICES = [
    ("formal", "Formal supervision"),
    ("group", "Group supervision"),
    ("informal", "Informal check-in"),
]


class StyleGuideForm(GovukForm):
    """Every kind of field, to show the markup (the form does nothing)."""

    full_name = forms.CharField(
        label="Full name",
        max_length=100,
        help_text="As it appears on the rota",
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    # GOV.UK: numbers in a text input with inputmode, not type="number".
    hours = forms.DecimalField(
        label="Hours this week",
        max_digits=4,
        decimal_places=1,
        min_value=0,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "class": "govuk-input--width-4", "spellcheck": "false"}
        ),
    )
    session_date = GovukDateField(label="When was the session?", help_text="For example, 27 3 2026")
    team = forms.ChoiceField(
        label="Team", choices=[("", "Choose a team"), ("north", "North"), ("south", "South")]
    )
    kind = forms.ChoiceField(label="Kind of session", choices=SAMPLE_CHOICES, widget=forms.RadioSelect)
    topics = forms.MultipleChoiceField(
        label="Topics discussed",
        help_text="Select all that apply",
        choices=[("risk", "Risk"), ("wellbeing", "Wellbeing"), ("workload", "Workload")],
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label="Notes",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Do not include the child’s full name",
    )
    confirm = forms.BooleanField(
        label="I have told the case manager", help_text="They must know before the session ends"
    )

    def clean_full_name(self):
        name = self.cleaned_data["full_name"]
        if len(name) < 2:
            raise forms.ValidationError("Full name must be 2 characters or more")
        return name


StyleGuideForm.base_fields["full_name"].error_messages["required"] = "Enter your full name"
StyleGuideForm.base_fields["hours"].error_messages["required"] = "Enter the hours this week"
StyleGuideForm.base_fields["hours"].error_messages["invalid"] = "Hours this week must be a number, like 7.5"
StyleGuideForm.base_fields["session_date"].error_messages.update(
    required="Enter the date of the session", incomplete="The date of the session must include a {missing}"
)
StyleGuideForm.base_fields["team"].error_messages["required"] = "Select a team"
StyleGuideForm.base_fields["kind"].error_messages["required"] = "Select the kind of session"
StyleGuideForm.base_fields["topics"].error_messages["required"] = "Select at least one topic"
StyleGuideForm.base_fields["notes"].error_messages["required"] = "Enter notes"
StyleGuideForm.base_fields["confirm"].error_messages["required"] = (
    "Confirm that you have told the case manager"
)

INVALID_SAMPLE = {
    "err-full_name": "",
    "err-hours": "seven",
    "err-session_date-day": "31",
    "err-session_date-month": "",
    "err-session_date-year": "2026",
    "err-team": "",
    "err-notes": "",
}


@page_policy("signed_in")
def style_guide(request):
    if request.method == "POST":
        form = StyleGuideForm(request.POST)
        if form.is_valid():
            messages.success(request, "The example form was valid (nothing was saved).")
            return redirect("web:design")
    else:
        form = StyleGuideForm(initial={"session_date": dt.date(2026, 3, 27), "kind": "formal"})
    invalid = StyleGuideForm(INVALID_SAMPLE, prefix="err")
    invalid.is_valid()

    now = timezone.now()
    page = Paginator(range(1, 201), 20).get_page(request.GET.get("page", 4))
    context = {
        "form": form,
        "invalid": invalid,
        "page_obj": page,
        "primary_navigation": [
            {"text": "My cases", "href": "#"},
            {"text": "Team", "href": "#"},
            {"text": "Findings", "href": "#"},
            {"text": "Design", "href": request.path, "current": True},
        ],
        "sub_navigation": [
            {"text": "Overview", "href": "#components", "current": True},
            {"text": "Supervision", "href": "#forms"},
            {"text": "Cover", "href": "#tables"},
        ],
        "kind_hints": {"formal": "One to one, with notes", "group": "With the whole team"},
        "statuses": ["breach", "due", "warning", "met", "closed", "in progress"],
        "summary_rows": [
            {"key": "Case manager", "value": "Sam Taylor", "href": "#", "visually_hidden": "case manager"},
            {"key": "Supervisor", "value": "Alex Morgan"},
            {
                "key": "Last supervision",
                "value": format_html("{}<br>{}", "3 March 2026", "Formal, 1 hour"),
                "href": "#",
            },
            {"key": "Cover", "value": "None needed"},
        ],
        "table_head": [
            {"text": "Case", "sort": "ascending"},
            {"text": "Case manager", "sort": "none"},
            {"text": "Next session", "sort": "none"},
            {"text": "Days overdue", "numeric": True, "sort": "none"},
            {"text": "Status"},
        ],
        "table_rows": [
            [
                {"text": "C-1042", "href": "#"},
                "Sam Taylor",
                {"text": "2 April 2026", "sort_value": "2026-04-02"},
                {"text": "0", "numeric": True},
                {"status": "due"},
            ],
            [
                {"text": "C-1043", "href": "#"},
                "Priya Shah",
                {"text": "14 March 2026", "sort_value": "2026-03-14"},
                {"text": "12", "numeric": True},
                {"status": "breach"},
            ],
            [
                {"text": "C-1044", "href": "#"},
                "Jo Evans",
                {"text": "20 March 2026", "sort_value": "2026-03-20"},
                {"text": "3", "numeric": True},
                {"status": "warning"},
            ],
        ],
        "timeline": [
            {
                "title": "Supervision recorded",
                "byline": "Alex Morgan",
                "datetime": now - dt.timedelta(hours=3),
                "text": "Formal supervision with Sam Taylor. Two cases discussed.",
            },
            {
                "title": "Cover arranged",
                "byline": "Priya Shah",
                "datetime": now - dt.timedelta(days=2),
                "text": format_html("Jo Evans covers <strong>C-1043</strong> until {}.", "10 April 2026"),
            },
            {"title": "Leave sheet received", "datetime": dt.date(2026, 3, 1)},
        ],
    }
    return render(request, "web/design.html", context)
