"""Forms of the team pages. They collect; oversight.cover.services_team validates the rules and
writes, and its errors are shown on the field they are about (casework.forms.show_service_errors)."""

from __future__ import annotations

from django import forms

from oversight.exchange.values import FIRST_YEAR, LAST_YEAR
from oversight.web.forms import GovukDateField, GovukForm

UNPLANNED_KINDS = [("sickness", "Sickness"), ("annual_leave", "Annual leave"), ("training", "Training"),
                   ("other", "Other")]


def _date_messages(what: str) -> dict[str, str]:
    return {
        "required": f"Enter the {what}",
        "incomplete": f"The {what} must include a {{missing}}",
        "invalid": f"The {what} must be a real date",
        "year": f"The year of the {what} must include 4 numbers",
        "range": f"The year of the {what} must be between {FIRST_YEAR} and {LAST_YEAR}",
    }


class UnplannedAbsenceForm(GovukForm):
    staff = forms.ChoiceField(
        label="Who is absent?",
        error_messages={"required": "Select the person who is absent",
                        "invalid_choice": "Select the person who is absent"},
    )
    kind = forms.ChoiceField(
        label="What kind of absence is it?", choices=UNPLANNED_KINDS, widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of absence"},
    )
    first_day = GovukDateField(
        label="First day of absence", help_text="For example, 23 11 2026",
        error_messages=_date_messages("first day of the absence"),
    )
    expected_last_day = GovukDateField(
        label="Expected last day of absence",
        help_text="The last day they are expected to be away, not the day they come back. Until you record "
        "their return they count as absent, also after this day.",
        error_messages=_date_messages("expected last day of the absence"),
    )

    def __init__(self, *args, people: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = [("", "Choose a person"), *people]


class ReturnForm(GovukForm):
    actual_last_day = GovukDateField(
        label="Last day absent",
        help_text="The last day they were away, not the day they came back. For example, 23 11 2026",
        error_messages=_date_messages("last day absent"),
    )
    seen = forms.CharField(widget=forms.HiddenInput)


class ApproveForm(GovukForm):
    nomination = forms.IntegerField(widget=forms.HiddenInput)
    seen = forms.CharField(widget=forms.HiddenInput)


class ReallocationForm(GovukForm):
    cases = forms.MultipleChoiceField(
        label="Cases to reallocate", widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. The case manager stays the case manager.",
        error_messages={"required": "Select at least one case to reallocate",
                        "invalid_choice": "Select cases held by people in your line of management"},
    )
    staff = forms.ChoiceField(
        label="Who will hold the cases?",
        help_text="They are each case’s named contact on these days while they are at work",
        error_messages={"required": "Select who will hold the cases",
                        "invalid_choice": "Select who will hold the cases"},
    )
    start = GovukDateField(
        label="First day", help_text="For example, 23 11 2026", error_messages=_date_messages("first day"),
    )
    end = GovukDateField(
        label="Last day", help_text="The reallocation ends at the end of this day",
        error_messages=_date_messages("last day"),
    )

    def __init__(self, *args, cases: list[tuple[str, str]], workers: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = cases
        self.fields["staff"].choices = [("", "Choose a colleague"), *workers]
