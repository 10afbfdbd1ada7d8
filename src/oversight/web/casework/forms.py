"""Forms of the casework pages. They collect; the services in oversight.cover.services validate the
rules and write, and their errors are shown on the field they are about."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from oversight.exchange.values import FIRST_YEAR, LAST_YEAR
from oversight.web.forms import GovukDateField, GovukForm

KIND_CHOICES = [("annual_leave", "Annual leave"), ("training", "Training"), ("other", "Other planned absence")]
YES_NO = [("yes", "Yes"), ("no", "No")]
# A stored answer as the radio buttons show it: None (not answered yet) selects neither.
YES_NO_INITIAL = {True: "yes", False: "no", None: ""}
YES_NO_SHOWN = {True: "Yes", False: "No", None: "Not answered"}


def show_service_errors(form: forms.Form, invalid: ValidationError, fields: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form: its keys are field names (or mapped by `fields`);
    anything else is an error about the whole form."""
    fields = fields or {}
    for key, messages in getattr(invalid, "message_dict", {"__all__": invalid.messages}).items():
        name = fields.get(key, key)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


class ColleagueField(forms.ChoiceField):
    """A colleague chosen from the list offered. A colleague not on the list (the page was open while
    it changed, or the request was made by hand) is passed to the service, which refuses it saying
    why (the policy's reason: "You cannot be your own buddy"), rather than "Select a valid choice"."""

    def valid_value(self, value) -> bool:
        return True


class NominateForm(GovukForm):
    buddy = ColleagueField(
        label="Colleague to nominate",
        help_text="An employed youth justice officer, support officer or specialist. They are asked after your "
        "other buddies. A colleague of another grade acts once a manager approves the pairing.",
        error_messages={"required": "Select the colleague you want as your buddy"},
    )

    def __init__(self, *args, colleagues: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buddy"].choices = [("", "Choose a colleague"), *colleagues]


class AbsenceRequestForm(GovukForm):
    kind = forms.ChoiceField(
        label="What kind of leave is it?", choices=KIND_CHOICES, widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of leave"},
    )
    first_day = GovukDateField(
        label="First day of leave", help_text="The first day you will be away",
        error_messages={"required": "Enter the first day of your leave",
                        "incomplete": "The first day of your leave must include a {missing}",
                        "invalid": "The first day of your leave must be a real date",
                        "year": "The year of the first day must include 4 numbers",
                        "range": f"The year of the first day must be between {FIRST_YEAR} and {LAST_YEAR}"},
    )
    last_day = GovukDateField(
        label="Last day of leave", help_text="The last day you will be away, not the day you come back",
        error_messages={"required": "Enter the last day of your leave",
                        "incomplete": "The last day of your leave must include a {missing}",
                        "invalid": "The last day of your leave must be a real date",
                        "year": "The year of the last day must include 4 numbers",
                        "range": f"The year of the last day must be between {FIRST_YEAR} and {LAST_YEAR}"},
    )


    def __init__(self, *args, example=None, **kwargs):
        super().__init__(*args, **kwargs)
        if example is not None:
            self.fields["first_day"].help_text += f". For example, {example.day} {example.month} {example.year}"


class LeaveSheetLineForm(GovukForm):
    """One case on the leave sheet (prefix: the case's ref)."""

    cover = ColleagueField(label="Who will cover this case?", required=False)
    young_person_informed = forms.ChoiceField(
        label="Has the young person been told who to contact while you are away?",
        choices=YES_NO, widget=forms.RadioSelect, required=False,
    )
    notes = forms.CharField(
        label="Notes and planned appointments", required=False, max_length=2000,
        help_text="For example, appointments during your leave and anything the cover needs to know",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, candidates: list[tuple[str, str]], case_ref: str, **kwargs):
        super().__init__(*args, prefix=f"case-{case_ref}", **kwargs)
        self.case_ref = case_ref
        self.fields["cover"].choices = [("", "Choose who covers"), *candidates]
        self.fields["cover"].label = f"Who will cover case {case_ref}?"

    @property
    def informed(self) -> bool | None:
        value = self.cleaned_data.get("young_person_informed")
        return None if not value else value == "yes"
