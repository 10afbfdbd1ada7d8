"""The web foundation: base template, components, form rendering, style guide and error pages."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory

from oversight.web import govuk
from oversight.web.forms import GovukDateField, GovukForm

DESIGN = "/design/"


class PageParser(HTMLParser):
    """Collects what the CSP and static-file checks need from a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict] = []  # {"attrs": {...}, "body": "..."}
        self.style_elements = 0
        self.style_attributes: list[str] = []
        self.event_handlers: list[str] = []
        self.static_urls: list[str] = []
        self.ids: list[str] = []
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.style_attributes.append(tag)
        self.event_handlers += [name for name in attrs if name.startswith("on")]
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "script":
            self._in_script = {"attrs": attrs, "body": ""}
            self.scripts.append(self._in_script)
        if tag == "style":
            self.style_elements += 1
        for name in ("src", "href"):
            if attrs.get(name, "").startswith(
                settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
            ):
                self.static_urls.append(attrs[name])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script is not None:
            self._in_script["body"] += data


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


def static_path(url: str) -> str:
    prefix = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    return url.removeprefix(prefix).split("?")[0]


@pytest.fixture
def user(django_user_model):
    from oversight.accounts.models import Account
    from oversight.people.models import Service

    user = django_user_model.objects.create_user(
        username="casey", password="a-long-test-password-1", first_name="Casey", last_name="Jones"
    )
    # The style guide is for people with an account in a service (page policy "signed_in").
    Account.objects.create(user=user, service=Service.objects.create(ref="EX", name="Example service"))
    return user


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


# --- the style guide and the base template --------------------------------------------------------


@pytest.mark.django_db
def test_style_guide_needs_sign_in(client):
    response = client.get(DESIGN)
    assert response.status_code == 302
    assert "next=/design/" in response["Location"]


@pytest.mark.django_db
def test_style_guide_renders_every_component_for_a_signed_in_user(signed_in):
    response = signed_in.get(DESIGN)
    assert response.status_code == 200
    html = response.content.decode()
    for marker in (
        '<html lang="en-GB" class="govuk-template">',
        'class="govuk-template__body',
        'class="govuk-skip-link"',
        'id="main-content"',
        "govuk-main-wrapper",
        "govuk-footer",
        "govuk-service-navigation",
        "govuk-phase-banner",
        "govuk-back-link",
        "govuk-tag govuk-tag--red",  # breach
        "govuk-tag govuk-tag--yellow",  # due
        "govuk-tag govuk-tag--orange",  # warning
        "moj-badge",
        "govuk-button--secondary",
        "govuk-notification-banner--success",
        "govuk-error-summary",
        "govuk-error-message",
        "govuk-form-group--error",
        "govuk-input--error",
        "govuk-date-input",
        "govuk-radios",
        "govuk-checkboxes",
        "govuk-select",
        "govuk-textarea",
        "govuk-summary-list",
        "govuk-summary-card",
        'data-module="moj-sortable-table"',
        'aria-sort="ascending"',
        "govuk-pagination",
        "moj-sub-navigation",
        "moj-timeline",
        "govuk-details",
        "govuk-inset-text",
        "govuk-warning-text",
        "govuk-panel",
    ):
        assert marker in html, marker
    assert "<title>Design – Oversight</title>" in html
    # The signed-in person, and no GOV.UK branding.
    assert "Casey Jones" in html
    assert "govuk-header__logo" not in html and "govuk-footer__crown" not in html
    assert "GDS Transport" not in html


@pytest.mark.django_db
def test_pages_have_no_inline_script_or_style(signed_in, client):
    pages = [signed_in.get(DESIGN).content.decode(), client.get("/no-such-page/").content.decode()]
    for html in pages:
        page = parse(html)
        assert page.scripts, "the base template loads its scripts"
        for script in page.scripts:
            assert script["attrs"].get("src"), f"inline <script>: {script}"
            assert not script["body"].strip()
        assert page.style_elements == 0, "a <style> element"
        assert page.style_attributes == [], f"style= attributes on {page.style_attributes}"
        assert page.event_handlers == [], f"inline event handlers {page.event_handlers}"
        assert "style=" not in html


@pytest.mark.django_db
def test_ids_on_the_style_guide_are_unique(signed_in):
    ids = parse(signed_in.get(DESIGN).content.decode()).ids
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates


@pytest.mark.django_db
def test_every_static_file_the_base_template_refers_to_exists(signed_in):
    page = parse(signed_in.get(DESIGN).content.decode())
    paths = {static_path(url) for url in page.static_urls}
    assert {
        "vendor/css/oversight-frontend.min.css",
        "web/oversight.css",
        "web/init.js",
        "vendor/js/htmx.min.js",
        "web/favicon.svg",
    } <= paths
    for path in paths:
        assert finders.find(path), f"missing static file {path}"


def test_the_files_that_static_files_refer_to_exist():
    """The stylesheet's images and init.js's imports (relative URLs) resolve to vendored files."""
    css_path = Path(finders.find("vendor/css/oversight-frontend.min.css"))
    images = set(re.findall(r'url\("?([^")]+)', css_path.read_text()))
    assert images
    for image in images:
        assert not image.startswith("/"), f"{image}: asset URLs must be relative to the stylesheet"
        assert (css_path.parent / image).resolve().is_file(), image
    init = Path(finders.find("web/init.js"))
    for target in re.findall(r'from "([^"]+)"', init.read_text()):
        assert (init.parent / target).resolve().is_file(), target
    assert finders.find("vendor/js/axe.min.js")


def test_collectstatic_with_hashed_names_finds_every_referenced_file(tmp_path, settings):
    """Hashed static storage (as WhiteNoise or ManifestStaticFilesStorage use) rewrites url() and
    sourceMappingURL references and fails on a missing file."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert list(tmp_path.glob("vendor/css/oversight-frontend.min.*.css"))


def test_vendored_stylesheet_uses_arial_not_gds_transport():
    css = Path(finders.find("vendor/css/oversight-frontend.min.css")).read_text()
    assert "GDS Transport" not in css
    assert "@font-face" not in css
    assert "font-family:arial,sans-serif" in css
    assert "sourceMappingURL" not in css
    for name in ("govuk-frontend.min.js", "moj-frontend.min.js", "htmx.min.js"):
        assert "sourceMappingURL" not in Path(finders.find(f"vendor/js/{name}")).read_text()


# --- error pages -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_404_page_is_plain_and_has_no_traceback(client):
    response = client.get("/no-such-page/C-1042-secret/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "<title>Page not found – Oversight</title>" in html
    assert "Traceback" not in html and "URLconf" not in html
    assert "C-1042-secret" not in html  # the path (which can carry identifiers) is not echoed
    assert "govuk-template__body" in html


def test_500_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "Sorry, there is a problem with the service" in html
    assert "Traceback" not in html
    assert "Sign out" not in html


# --- form fields -------------------------------------------------------------------------------------


class SampleForm(GovukForm):
    name = forms.CharField(label="Full name", help_text="As on the rota")
    when = GovukDateField(label="Date of the session")
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    team = forms.ChoiceField(label="Team", choices=[("", "Choose"), ("n", "North")])
    ok = forms.BooleanField(label="Confirmed")


def test_text_input_has_label_hint_error_and_aria_describedby():
    form = SampleForm(data={})
    html = Template("{% load govuk %}{% govuk_field form.name %}").render(Context({"form": form}))
    assert '<label class="govuk-label" for="id_name">Full name</label>' in html
    assert '<div id="id_name-hint" class="govuk-hint">As on the rota</div>' in html
    assert 'id="id_name-error" class="govuk-error-message"' in html
    assert 'aria-describedby="id_name-hint id_name-error"' in html
    assert "govuk-input govuk-input--error" in html
    assert not re.search(r"<input[^>]* required", html)  # GOV.UK forms rely on the service's messages


def test_radios_and_date_describe_their_fieldset():
    form = SampleForm(data={"when-day": "3", "when-year": "2026"})
    html = str(form)
    assert re.search(r'<fieldset class="govuk-fieldset" aria-describedby="id_kind-error">', html)
    assert 'id="id_kind_0"' in html and 'type="radio"' in html
    assert re.search(r'<fieldset class="govuk-fieldset" role="group" aria-describedby="id_when-error">', html)
    assert "Date must include a month" in html
    assert 'name="when-day"' in html and 'value="3"' in html
    summary = form.error_summary()
    assert {"field_id": "id_when-day", "message": "Date must include a month"} in summary
    assert {"field_id": "id_kind_0", "message": "This field is required."} in summary
    assert summary[0]["field_id"] == "id_name"


def test_date_field_parses_and_explains():
    field = GovukDateField()
    assert field.clean(("27", "3", "2026")) == dt.date(2026, 3, 27)
    for value, message in [
        (("", "", ""), "Enter a date"),
        (("27", "", ""), "Date must include a month and year"),
        (("31", "2", "2026"), "Date must be a real date"),
        (("1", "2", "26"), "Year must include 4 numbers"),
        (("x", "2", "2026"), "Date must be a real date"),
    ]:
        with pytest.raises(forms.ValidationError) as raised:
            field.clean(value)
        assert raised.value.messages == [message]


@pytest.mark.django_db
def test_posting_the_style_guide_form_with_errors_shows_the_summary_and_error_title(signed_in):
    response = signed_in.post(DESIGN, {"full_name": "A"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Design – Oversight</title>" in html
    assert "Full name must be 2 characters or more" in html
    assert '<a href="#id_full_name">' in html


# --- helpers ----------------------------------------------------------------------------------------


def test_tag_colours_follow_finding_status():
    assert govuk.tag_class("breach") == "govuk-tag govuk-tag--red"
    assert govuk.tag_class("due") == "govuk-tag govuk-tag--yellow"
    assert govuk.tag_class("warning") == "govuk-tag govuk-tag--orange"
    assert govuk.tag_class("something new") == "govuk-tag"
    assert govuk.tag_class("breach", colour="green") == "govuk-tag govuk-tag--green"
    with pytest.raises(ValueError):
        govuk.tag_class("x", colour="blue")  # not a GOV.UK Frontend 6 tag colour


def test_pagination_keeps_other_query_parameters():
    request = RequestFactory().get("/cases/", {"team": "north", "page": "5"})
    page = Paginator(range(100), 10).get_page(5)
    html = Template("{% load govuk %}{% govuk_pagination page %}").render(
        Context({"request": request, "page": page})
    )
    assert 'href="?team=north&amp;page=4" rel="prev"' in html
    assert 'aria-current="page">5</a>' in html
    assert "govuk-pagination__item--ellipses" in html


def test_dates_in_gov_uk_style():
    assert govuk.format_date(dt.date(2026, 3, 7)) == "7 March 2026"
    assert govuk.format_date(dt.datetime(2026, 3, 7, 14, 5)) == "7 March 2026 at 2:05pm"
    assert govuk.format_date(dt.datetime(2026, 3, 7, 12, 0)) == "7 March 2026 at midday"


def test_checkboxes_are_checkboxes_not_radios():
    class Form(GovukForm):
        topics = forms.MultipleChoiceField(
            choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
        )

    html = str(Form(data={"topics": ["b"]}))
    assert 'class="govuk-checkboxes" data-module="govuk-checkboxes"' in html
    assert 'type="checkbox" value="b" checked' in html
    assert "govuk-radios" not in html


def test_component_includes_take_a_bound_field_and_options():
    form = SampleForm()
    html = Template(
        '{% include "web/components/text_input.html" with field=form.name classes="govuk-input--width-20" label_classes="govuk-label--m" %}'
        '{% include "web/components/radios.html" with field=form.kind inline=True %}'
        '{% include "web/components/date_input.html" with field=form.when %}'
        '{% include "web/components/tag.html" with status="breach" %}'
    ).render(Context({"form": form}))
    assert 'class="govuk-input govuk-input--width-20"' in html
    assert 'class="govuk-label govuk-label--m" for="id_name"' in html
    assert "govuk-radios govuk-radios--inline" in html
    assert 'name="when-month"' in html and "govuk-input--width-4" in html
    assert '<strong class="govuk-tag govuk-tag--red">Breach</strong>' in html


@pytest.mark.django_db
def test_scripts_carry_the_csp_nonce_under_a_strict_policy(client, user, settings):
    """Under a nonce-based policy with no 'unsafe-inline', every script has the header's nonce."""
    from django.utils.csp import CSP

    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.middleware.csp.ContentSecurityPolicyMiddleware"]
    settings.SECURE_CSP = {
        "default-src": [CSP.SELF],
        "script-src": [CSP.SELF, CSP.NONCE, CSP.STRICT_DYNAMIC],
        "style-src": [CSP.SELF],
        "img-src": [CSP.SELF],
    }
    templates = [dict(t) for t in settings.TEMPLATES]
    templates[0]["OPTIONS"] = {
        **templates[0]["OPTIONS"],
        "context_processors": [
            *templates[0]["OPTIONS"]["context_processors"],
            "django.template.context_processors.csp",
        ],
    }
    settings.TEMPLATES = templates
    client.force_login(user)
    response = client.get(DESIGN)
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    page = parse(response.content.decode())
    assert page.scripts
    assert all(script["attrs"].get("nonce") == nonce for script in page.scripts)
