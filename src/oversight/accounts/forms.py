"""Sign-in forms, in GOV.UK style (oversight.web.forms)."""

from __future__ import annotations

from typing import ClassVar

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from oversight.web.forms import GovukForm, GovukFormMixin


class SignInForm(GovukFormMixin, AuthenticationForm):
    error_messages: ClassVar[dict[str, str]] = {
        "invalid_login": "Enter a correct user name and password",
        "inactive": "This account cannot sign in. Ask your service's Oversight administrator",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username, password = self.fields["username"], self.fields["password"]
        username.label = "User name"
        username.error_messages["required"] = "Enter your user name"
        username.widget.attrs.update({"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"})
        username.widget.attrs.pop("autofocus", None)  # GOV.UK: no autofocus
        password.error_messages["required"] = "Enter your password"
        password.widget.attrs.update({"autocomplete": "current-password"})


class CodeForm(GovukForm):
    code = forms.CharField(
        label="Code",
        max_length=24,
        help_text="The 6-digit code from your authenticator app, or one of your backup codes",
        error_messages={"required": "Enter the code"},
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none",
            "class": "govuk-input--width-10",
        }),
    )


class SetUpCodeForm(CodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        code.help_text = "The 6-digit code your authenticator app shows for Oversight"
        code.widget.attrs.update({"inputmode": "numeric"})
