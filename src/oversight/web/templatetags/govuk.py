"""GOV.UK Design System and MOJ Pattern Library helpers for templates: {% load govuk %}.

Forms
    {% govuk_field form.name %}                       one field, GOV.UK markup (any widget)
    {% govuk_field form.name label_classes="govuk-label--l" is_page_heading=True %}
    {% govuk_field form.hours classes="govuk-input--width-3" suffix="hours" %}
    {% govuk_field form.kind inline=True legend_classes="govuk-fieldset__legend--m" %}
    {% govuk_error_summary form %}                    at the top of <main>, when the form has errors
Components
    {{ status|govuk_tag_class }}  {{ status|govuk_status_label }}  {{ colour|govuk_badge_class }}
    {% govuk_pagination page_obj %}                  GOV.UK pagination for a Django Page
    {% signed_in_person as person %}                 {name, role} of request.user, or None
Other components are includes in web/components/ (see the style guide at /design/).
"""

from __future__ import annotations

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe

from oversight.web import govuk

register = template.Library()

FIELD_TEMPLATES = {
    "input": "web/components/fields/input.html",
    "textarea": "web/components/fields/input.html",
    "select": "web/components/fields/input.html",
    "file": "web/components/fields/input.html",
    "checkbox": "web/components/fields/checkbox.html",
    "radios": "web/components/fields/choices.html",
    "checkboxes": "web/components/fields/choices.html",
    "date": "web/components/fields/date.html",
    "hidden": "web/components/fields/hidden.html",
}

FIELD_OPTIONS = {
    "label",
    "label_classes",
    "legend_classes",
    "hint",
    "classes",
    "is_page_heading",
    "inline",
    "small",
    "prefix",
    "suffix",
    "item_hints",
}


def _options(options: dict) -> dict:
    unknown = set(options) - FIELD_OPTIONS
    if unknown:
        raise template.TemplateSyntaxError(f"govuk_field: unknown option(s) {', '.join(sorted(unknown))}")
    # An option an include passes on without being given one resolves to "": drop those.
    return {k: v for k, v in options.items() if v is not None and v != ""}


@register.simple_tag
def govuk_field(bound_field, **options):
    """Render a BoundField as the GOV.UK component for its widget."""
    if bound_field in (None, ""):
        raise template.TemplateSyntaxError("govuk_field needs a form field (is the field name right?)")
    context = govuk.field_context(bound_field, **_options(options))
    # A renderer returns a plain (stripped) str of template output: safe, as Django's forms treat it.
    return mark_safe(bound_field.form.renderer.render(FIELD_TEMPLATES[context["kind"]], {"f": context}))


@register.simple_tag
def govuk_error_summary(form, disable_auto_focus=False, title="There is a problem"):
    """The error summary for a form with errors (nothing for a valid or unbound form)."""
    if not form or not form.errors:
        return ""
    if hasattr(form, "error_summary"):
        errors = form.error_summary()
    else:  # a plain Django form
        from oversight.web.forms import GovukFormMixin

        errors = GovukFormMixin.error_summary(form)
    return render_to_string(
        "web/components/error_summary.html",
        {"errors": errors, "disable_auto_focus": disable_auto_focus, "title": title},
    )


@register.filter
def govuk_tag_class(status, colour=""):
    """'breach' -> 'govuk-tag govuk-tag--red'. An explicit colour wins: {{ x|govuk_tag_class:"green" }}."""
    return govuk.tag_class(str(status or ""), colour or "")


@register.simple_tag
def govuk_tag_classes(status="", colour=""):
    """As the filter, for includes where colour may not be given: {% govuk_tag_classes status colour %}."""
    return govuk.tag_class(str(status or ""), colour or "")


@register.filter
def govuk_status_label(status):
    return govuk.status_label(status or "")


@register.filter
def govuk_badge_class(colour):
    return govuk.badge_class(colour or "")


@register.filter
def govuk_date(value):
    """GOV.UK style: '14 June 2026' for a date, '14 June 2026 at 2:01pm' (or 'midday') for a datetime."""
    return govuk.format_date(value)


@register.filter
def govuk_iso(value):
    """The machine-readable form for <time datetime="">."""
    return govuk.iso(value)


@register.filter
def govuk_cell(value):
    return govuk.table_cell(value)


@register.simple_tag(takes_context=True)
def govuk_pagination(context, page, param="page", label="Pagination"):
    """GOV.UK pagination for a Django Page, keeping the request's other query parameters."""
    request = context.get("request")

    def url_for(number: int) -> str:
        query = request.GET.copy() if request is not None else {}
        if request is None:
            return f"?{param}={number}"
        query[param] = str(number)
        return f"?{query.urlencode()}"

    items = govuk.pagination_items(page, url_for)
    return render_to_string("web/components/pagination.html", {**items, "label": label})


SIGN_OUT_URL_NAMES = (
    "accounts:sign-out",
    "accounts:sign_out",
    "accounts:logout",
    "sign-out",
    "sign_out",
    "logout",
)


@register.simple_tag
def sign_out_url():
    """The sign-out URL (POST), from whichever of the usual URL names the project defines; "" if none."""
    for name in SIGN_OUT_URL_NAMES:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


@register.simple_tag(takes_context=True)
def signed_in_person(context):
    """{name, role} for the header, or None when nobody is signed in (or there is no request, as on
    the 500 page). The name is the staff member's when the user has an account linked to staff."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    roles = []
    try:
        account = user.account
    except (ObjectDoesNotExist, AttributeError):  # no account, or no accounts app
        account = None
    if account is not None:
        staff = getattr(account, "staff", None)
        if staff is not None:
            name = getattr(staff, "name", "") or name
            display = getattr(staff, "get_role_display", None)
            if display:
                roles.append(str(display()))
        if getattr(account, "performance", False):
            roles.append("Performance")
        if getattr(account, "administrator", False):
            roles.append("Administrator")
    return {"name": name or user.get_username(), "role": ", ".join(roles)}
