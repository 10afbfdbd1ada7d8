"""Forms of the supervision pages. They collect; oversight.supervision.services validates the rules
and writes, and its errors are shown on the field (or the part of the page) they are about.

Recording a session is one page of Django formsets: a form for the session and its agenda, a form
per case (the record, significant or urgent) with a formset of new actions, and a formset of the
previous actions still open.
"""

from __future__ import annotations

import re
from datetime import time

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory

from oversight.web.forms import GovukDateField, GovukForm

TIME = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*$", re.IGNORECASE)


def parse_time(text: str) -> time:
    """'10:00', '10.30', '14:30', '2pm', '2:30pm', 'midday' -> a time."""
    text = (text or "").strip().lower()
    if text in ("midday", "noon", "12 noon"):
        return time(12, 0)
    match = TIME.match(text)
    if not match:
        raise ValidationError("Enter the time like 10:00 or 2:30pm", code="invalid")
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            raise ValidationError("Enter a real time, like 10:00 or 2:30pm", code="invalid")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ValidationError("Enter a real time, like 10:00 or 2:30pm", code="invalid")
    return time(hour, minute)


class TimeField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return parse_time(value) if value else None


def show_service_errors(form: forms.Form, invalid: ValidationError, fields: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form: keys are field names (or mapped by `fields`);
    anything else is about the whole form."""
    fields = fields or {}
    for key, messages in getattr(invalid, "message_dict", {"__all__": invalid.messages}).items():
        name = fields.get(key, key)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


def minutes_field() -> forms.IntegerField:
    return forms.IntegerField(
        label="How long it took", required=False, min_value=1, max_value=600,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false", "class": "govuk-input--width-3"}),
        error_messages={"invalid": "Enter how long the session took as a number of minutes, like 90",
                        "min_value": "Enter how long the session took, from 1 to 600 minutes",
                        "max_value": "Enter how long the session took, from 1 to 600 minutes"},
    )


class SessionForm(GovukForm):
    held_date = GovukDateField(
        label="Date of the session", help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the session",
                        "incomplete": "The date of the session must include a {missing}",
                        "invalid": "The date of the session must be a real date",
                        "year": "The year of the session must include 4 numbers"},
    )
    held_time = TimeField(
        label="Time it started", help_text="For example, 10:00 or 2:30pm",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "spellcheck": "false", "autocomplete": "off"}),
        error_messages={"required": "Enter the time the session started"},
    )
    minutes = minutes_field()
    agenda = forms.MultipleChoiceField(
        label="Agenda: the cases discussed in depth", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Agreed at the start of the session. Every other open case still gets a check-in: it must be "
        "screened, however briefly. Oversight's suggestions are ticked.",
    )

    def __init__(self, *args, cases: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda"].choices = list(cases)


class _NeverEmpty:
    """Every form of the formset is validated, also one a tampered management form added."""

    def __init__(self, *args, **kwargs):
        kwargs["empty_permitted"] = False
        super().__init__(*args, **kwargs)


class CaseForm(_NeverEmpty, GovukForm):
    case = forms.CharField(widget=forms.HiddenInput)
    notes = forms.CharField(
        label="Record for the child's file", required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What was discussed and decided, even if brief. Leave it blank to write it later.",
    )
    significant = forms.BooleanField(
        label="Significant case decision or urgent matter", required=False,
        help_text="The record is then due within 24 hours of the session",
    )

    def label_for(self, case_ref: str) -> None:
        self.fields["notes"].label = f"Record for {case_ref}'s file"
        self.fields["significant"].label = f"Significant case decision or urgent matter on {case_ref}"


class ActionForm(GovukForm):
    text = forms.CharField(
        label="What is to be done", required=False, max_length=2000,
        widget=forms.TextInput(attrs={"spellcheck": "true"}),
    )
    owner = forms.ChoiceField(label="Who does it", required=False)
    due = GovukDateField(
        label="Due by", required=False, help_text="Optional. For example, 27 3 2026",
        error_messages={"incomplete": "The due date must include a {missing}",
                        "invalid": "The due date must be a real date",
                        "year": "The year of the due date must include 4 numbers"},
    )

    def __init__(self, *args, owners: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = list(owners)

    def label_for(self, case_ref: str, number: int) -> None:
        self.fields["text"].label = "What is to be done"

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and data.get("due"):
            self.add_error("text", "Enter the action, or clear its due date")
        return data

    @property
    def is_blank(self) -> bool:
        return not (self.cleaned_data.get("text") or "").strip()


class PreviousActionForm(_NeverEmpty, GovukForm):
    action = forms.CharField(widget=forms.HiddenInput)
    seen = forms.CharField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label="Outcome", widget=forms.RadioSelect,
        choices=[("done", "Done"), ("not_done", "Not done: note why"), ("open", "Still open: carry it forward")],
        error_messages={"required": "Say whether the action was done, not done or is still open"},
    )
    reason = forms.CharField(
        label="Why it was not done", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only when it was not done",
    )

    def label_for(self, legend: str) -> None:
        self.fields["outcome"].label = legend
        self.fields["reason"].label = "Why it was not done"

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "not_done" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why the action was not done")
        return data


CaseFormSet = formset_factory(CaseForm, extra=0)
PreviousFormSet = formset_factory(PreviousActionForm, extra=0)


def action_formset(extra: int = 1):
    return formset_factory(ActionForm, extra=extra)


class OversightEventForm(GovukForm):
    kind = forms.ChoiceField(
        label="What are you recording?", widget=forms.RadioSelect,
        choices=[("management_decision", "A management decision (Management Supervision of Case)"),
                 ("marp", "A MARP (Multi-Agency Risk Panel) discussion outcome"),
                 ("audit", "A case audit outcome")],
        error_messages={"required": "Select what you are recording"},
    )
    held_date = GovukDateField(
        label="Date", help_text="When the decision was made, the panel met or the audit was done. For example, 27 3 2026",
        error_messages={"required": "Enter the date",
                        "incomplete": "The date must include a {missing}",
                        "invalid": "The date must be a real date",
                        "year": "The year must include 4 numbers"},
    )
    held_time = TimeField(
        label="Time", help_text="For example, 10:00 or 2:30pm",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "spellcheck": "false", "autocomplete": "off"}),
        error_messages={"required": "Enter the time"},
    )
    significant = forms.BooleanField(
        label="Significant case decision or urgent matter", required=False,
        help_text="The record is then due within 24 hours",
    )
    notes = forms.CharField(
        label="Record for the child's file", required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What was decided and why. Leave it blank to write the record later: it is due within 5 "
        "working days, or 24 hours when significant or urgent.",
    )


class RecordWriteForm(GovukForm):
    seen = forms.CharField(widget=forms.HiddenInput)
    text = forms.CharField(
        label="Record for the child's file", widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter the record"},
    )


class RecordAmendForm(GovukForm):
    text = forms.CharField(
        label="What the record should now say", widget=forms.Textarea(attrs={"rows": 8}),
        help_text="The original stays on the file as it was written; this amendment is shown with it.",
        error_messages={"required": "Enter what the record should now say"},
    )
    reason = forms.CharField(
        label="Why are you amending it?", widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the record is amended"},
    )


class GapRecordForm(GovukForm):
    confirm = forms.BooleanField(
        label="I confirm this gap in supervision", required=True,
        error_messages={"required": "Confirm the gap in supervision to record it"},
    )
