"""GOV.UK-style forms.

Forms that inherit `GovukForm` / `GovukModelForm` (or mix `GovukFormMixin` into their own base) render
GOV.UK Design System markup by default: `{{ form }}` gives every field with its label, hint, error
message and aria-describedby, and `{{ form.field.as_field_group }}` gives one field. The same markup
comes from `{% govuk_field form.field %}` (oversight.web.templatetags.govuk), which takes options
(label_classes, classes, is_page_heading, inline, ...).

GOV.UK forms turn off the browser's own validation (`novalidate` on the <form>, no `required`
attributes) and show the service's messages instead, so the mixin sets use_required_attribute=False.

Dates are three text inputs (day, month, year): use `GovukDateField`.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates

from oversight.exchange.values import FIRST_YEAR, LAST_YEAR

DATE_PARTS = ("day", "month", "year")


class GovukFormRenderer(DjangoTemplates):
    """Django's template renderer with GOV.UK form and field templates."""

    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"


# One instance: a renderer holds its template engine (and the engine its template cache).
RENDERER = GovukFormRenderer()


def error_target_id(bound_field) -> str:
    """The id an error summary link should move focus to: the field's first input."""
    from oversight.web.govuk import field_kind

    auto_id = bound_field.auto_id or bound_field.html_name
    kind = field_kind(bound_field.field.widget)
    if kind in ("radios", "checkboxes"):
        return f"{auto_id}_0"
    if kind == "date":
        return f"{auto_id}-day"
    return auto_id


class GovukFormMixin:
    default_renderer = RENDERER
    use_required_attribute = False

    def error_summary(self) -> list[dict]:
        """The form's errors as the error summary wants them: [{"field_id", "message"}], in field order.

        Errors not tied to a field come first and link nowhere (field_id "")."""
        items = [{"field_id": "", "message": str(message)} for message in self.non_field_errors()]
        for bound_field in self:
            if bound_field.errors and not bound_field.is_hidden:
                items.append(
                    {"field_id": error_target_id(bound_field), "message": str(bound_field.errors[0])}
                )
        for name, errors in self.errors.items():
            if name != forms.forms.NON_FIELD_ERRORS and name in self.fields and self[name].is_hidden:
                items.extend({"field_id": "", "message": str(m)} for m in errors)
        return items


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass


class GovukDateInput(forms.Widget):
    """GOV.UK date input: day, month and year text inputs named NAME-day, NAME-month, NAME-year."""

    template_name = "web/widgets/date_input.html"
    use_fieldset = True

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        id_ = widget_attrs.get("id") or name
        error = widget_attrs.get("aria-invalid") == "true"
        values = dict(zip(DATE_PARTS, split_date(value)))
        context["widget"]["parts"] = [
            {
                "name": f"{name}-{part}",
                "id": f"{id_}-{part}",
                "label": part.capitalize(),
                "value": values[part],
                "width": 4 if part == "year" else 2,
                "error": error,
                "disabled": bool(widget_attrs.get("disabled")),
            }
            for part in DATE_PARTS
        ]
        return context

    def value_from_datadict(self, data, files, name):
        return tuple(str(data.get(f"{name}-{part}", "")).strip() for part in DATE_PARTS)

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}-{part}" in data for part in DATE_PARTS)

    def id_for_label(self, id_):
        return f"{id_}-day" if id_ else ""


def split_date(value) -> tuple[str, str, str]:
    """(day, month, year) strings from a date, a (day, month, year) sequence, 'YYYY-MM-DD' or nothing."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return str(value.day), str(value.month), str(value.year)
    if isinstance(value, (tuple, list)) and len(value) == 3:
        return tuple("" if v is None else str(v) for v in value)  # type: ignore[return-value]
    if isinstance(value, str) and value:
        try:
            return split_date(dt.date.fromisoformat(value))
        except ValueError:
            return "", "", ""
    return "", "", ""


class GovukDateField(forms.Field):
    """A date entered as day, month and year, with GOV.UK's error messages.

    error_messages may override "required", "incomplete" (with {missing}, e.g. "month" or
    "day and month"), "invalid", "year" and "range" (a year outside FIRST_YEAR..LAST_YEAR)."""

    widget = GovukDateInput
    default_error_messages: ClassVar[dict[str, str]] = {
        "required": "Enter a date",
        "incomplete": "Date must include a {missing}",
        "invalid": "Date must be a real date",
        "year": "Year must include 4 numbers",
        "range": f"Year must be between {FIRST_YEAR} and {LAST_YEAR}",
    }

    def to_python(self, value):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            value = split_date(value) if value else ("", "", "")
        if not value or not any(value):
            return None
        day, month, year = (str(v).strip() for v in value)
        missing = [part for part, v in zip(DATE_PARTS, (day, month, year)) if not v]
        if missing:
            raise ValidationError(
                self.error_messages["incomplete"].format(missing=" and ".join(missing)), code="incomplete"
            )
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if len(year) != 4:
            raise ValidationError(self.error_messages["year"], code="year")
        try:
            value = dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        # The years the exchange accepts: beyond them, a typing mistake, and the rules' date
        # arithmetic would overflow near the end of the calendar (leave to 31 12 9999).
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValidationError(self.error_messages["range"], code="range")
        return value

    def prepare_value(self, value):
        return value
