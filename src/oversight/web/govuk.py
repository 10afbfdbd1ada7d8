"""What the component templates need, worked out in Python: a BoundField's GOV.UK context, tag
colours, table cells and pagination items. The templates stay simple; the template tags
(templatetags/govuk.py) are thin wrappers over these functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django import forms

# Status (policy.findings.Status and the other states pages show) -> GOV.UK tag colour modifier.
# "" is the default tag (dark blue text on light blue). Colour is never the only signal: the tag's
# text says the status.
TAG_COLOURS = {
    "breach": "red",
    "overdue": "red",
    "error": "red",
    "due": "yellow",
    "due soon": "yellow",
    "warning": "orange",
    "at risk": "orange",
    "ok": "green",
    "met": "green",
    "done": "green",
    "complete": "green",
    "completed": "green",
    "confirmed": "green",
    "active": "turquoise",
    "cover": "purple",
    "on leave": "purple",
    "absent": "purple",
    "inactive": "grey",
    "closed": "grey",
    "ended": "grey",
    "not started": "grey",
    "new": "",
    "in progress": "",
    "information": "",
}

TAG_COLOUR_NAMES = {
    "green",
    "grey",
    "magenta",
    "orange",
    "pink",
    "purple",
    "red",
    "teal",
    "turquoise",
    "yellow",
}
BADGE_COLOUR_NAMES = {"black", "blue", "bright-purple", "green", "grey", "purple", "red"}


def tag_class(status: str = "", colour: str = "") -> str:
    """The tag's classes for a status (or an explicit colour): 'govuk-tag govuk-tag--red'."""
    colour = colour or TAG_COLOURS.get(str(status).strip().lower().replace("_", " "), "")
    if colour and colour not in TAG_COLOUR_NAMES:
        raise ValueError(f"unknown GOV.UK tag colour {colour!r}")
    return f"govuk-tag govuk-tag--{colour}" if colour else "govuk-tag"


def badge_class(colour: str = "") -> str:
    if colour and colour not in BADGE_COLOUR_NAMES:
        raise ValueError(f"unknown MOJ badge colour {colour!r}")
    return f"moj-badge moj-badge--{colour}" if colour else "moj-badge"


def status_label(status: str) -> str:
    return str(status).replace("_", " ").capitalize()


# --- form fields --------------------------------------------------------------------------------


def field_kind(widget) -> str:
    """Which GOV.UK component renders a widget."""
    from oversight.web.forms import GovukDateInput

    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, GovukDateInput):
        return "date"
    # CheckboxSelectMultiple is a subclass of RadioSelect: test it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):  # also SelectMultiple, NullBooleanSelect
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


WIDGET_CLASSES = {
    "input": "govuk-input",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "file": "govuk-file-upload",
    "checkbox": "govuk-checkboxes__input",
    "date": "",
}


def _join(*parts) -> str:
    return " ".join(str(p) for p in parts if p)


def field_context(
    bound_field,
    *,
    label=None,
    label_classes="",
    legend_classes="",
    hint=None,
    classes="",
    is_page_heading=False,
    inline=False,
    small=False,
    prefix="",
    suffix="",
    item_hints=None,
) -> dict:
    """Everything a field template needs, from a Django BoundField.

    - label / hint: override the field's label / help_text ("" hides the hint).
    - label_classes: e.g. "govuk-label--l"; legend_classes: e.g. "govuk-fieldset__legend--m".
    - is_page_heading: the label (or legend) is the page's <h1> (one-question pages).
    - classes: extra classes on the input, e.g. "govuk-input--width-10", "govuk-!-width-one-half".
    - inline / small: radios and checkboxes variants; prefix / suffix: text input affixes ("hours").
    - item_hints: {value: hint} for radio and checkbox items.
    """
    widget = bound_field.field.widget
    kind = field_kind(widget)
    auto_id = bound_field.auto_id or bound_field.html_name
    hint_text = bound_field.help_text if hint is None else hint
    hint_id = f"{auto_id}-hint" if hint_text else ""
    error_message = str(bound_field.errors[0]) if bound_field.errors else ""
    error_id = f"{auto_id}-error" if error_message else ""
    describedby = _join(widget.attrs.get("aria-describedby", ""), hint_id, error_id)

    context = {
        "kind": kind,
        "field": bound_field,
        "id": auto_id,
        "id_for_label": bound_field.id_for_label or auto_id,
        "name": bound_field.html_name,
        "label": bound_field.label if label in (None, "") else label,
        "label_classes": label_classes or "",
        "legend_classes": legend_classes or "",
        "hint": hint_text,
        "hint_id": hint_id,
        "error_message": error_message,
        "error_id": error_id,
        "describedby": describedby,
        "is_page_heading": bool(is_page_heading),
        "inline": bool(inline),
        "small": bool(small),
        "prefix": prefix or "",
        "suffix": suffix or "",
        "disabled": bound_field.field.disabled,
    }

    if kind == "hidden":
        context["widget_html"] = bound_field.as_widget()
    elif kind in ("radios", "checkboxes"):
        hints = item_hints if isinstance(item_hints, Mapping) else {}
        items = []
        for subwidget in bound_field.subwidgets:
            data = subwidget.data
            item_id = data["attrs"].get("id") or f"{auto_id}_{data['index']}"
            value = "" if data["value"] is None else str(data["value"])
            item_hint = hints.get(value) or hints.get(data["value"]) or ""
            items.append(
                {
                    "id": item_id,
                    "value": value,
                    "label": subwidget.choice_label,
                    "checked": bool(data["selected"]),
                    "hint": item_hint,
                    "hint_id": f"{item_id}-item-hint" if item_hint else "",
                }
            )
        context["items"] = items
        context["base"] = "govuk-radios" if kind == "radios" else "govuk-checkboxes"
        context["input_type"] = "radio" if kind == "radios" else "checkbox"
    else:
        css = WIDGET_CLASSES[kind]
        if error_message and kind in ("input", "textarea", "select", "file"):
            css = _join(css, f"{css}--error")
        attrs = {}
        widget_class = _join(css, widget.attrs.get("class", ""), classes if kind != "date" else "")
        if widget_class:
            attrs["class"] = widget_class
        # A date input's hint and error describe its fieldset, not its three inputs.
        if kind != "date" and describedby:
            attrs["aria-describedby"] = describedby
        context["widget_html"] = bound_field.as_widget(attrs=attrs)
    return context


# --- dates --------------------------------------------------------------------------------------


def format_date(value) -> str:
    """GOV.UK date style in the current time zone: '14 June 2026', '14 June 2026 at 2:01pm',
    '14 June 2026 at midday'."""
    from django.utils import timezone

    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        day = f"{value.day} {value:%B %Y}"
        if (value.hour, value.minute) == (12, 0):
            time = "midday"
        elif (value.hour, value.minute) == (0, 0):
            time = "midnight"
        else:
            time = f"{value.hour % 12 or 12}:{value.minute:02d}{'am' if value.hour < 12 else 'pm'}"
        return f"{day} at {time}"
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def iso(value) -> str:
    from django.utils import timezone

    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value or "")


# --- tables -------------------------------------------------------------------------------------


def table_cell(value) -> dict:
    """A table cell as a dict: a plain value becomes {"text": value}.

    Keys: text (escaped unless a SafeString), href (makes a link), numeric (right-aligned),
    sort_value (for MOJ sortable tables: data-sort-value), status (a tag), header (row header)."""
    if isinstance(value, Mapping):
        cell = dict(value)
        cell.setdefault("text", "")
        return cell
    return {"text": "" if value is None else value}


# --- pagination ---------------------------------------------------------------------------------


def pagination_items(page, url_for) -> dict:
    """GOV.UK pagination for a Django Page: previous/next links and numbered items with ellipses.

    url_for(number) gives a page's URL. Shows the first, last, current and its neighbours."""
    paginator = page.paginator
    current = page.number
    last = paginator.num_pages
    wanted = sorted({1, last, current - 1, current, current + 1} & set(range(1, last + 1)))
    items, previous_number = [], 0
    for number in wanted:
        if number - previous_number > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": url_for(number), "current": number == current})
        previous_number = number
    return {
        "previous": url_for(current - 1) if page.has_previous() else "",
        "next": url_for(current + 1) if page.has_next() else "",
        "items": items if last > 1 else [],
    }
