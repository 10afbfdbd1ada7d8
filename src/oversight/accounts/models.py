"""Who a signed-in user is to Oversight: a member of a service's staff, and any extra roles."""

from django.conf import settings
from django.db import models

from oversight.people.models import Service, Staff


class Account(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="accounts")
    staff = models.OneToOneField(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="account",
        help_text="The member of staff who signs in with this account (none for a performance or admin-only account)",
    )
    performance = models.BooleanField(default=False, help_text="Reads reports and exports, never case narrative")
    administrator = models.BooleanField(default=False, help_text="Manages settings and accounts, never case narrative")

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.service.ref})"


class SignInState(models.Model):
    """Per-user sign-in state that outlives a session.

    `session_generation` is copied into each session at sign-in; "sign out everywhere" increases it,
    and a session holding an older number is ended at its next request, whatever the session store."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_state")
    session_generation = models.PositiveIntegerField(default=0)
    signed_out_everywhere_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user.get_username()}: generation {self.session_generation}"
