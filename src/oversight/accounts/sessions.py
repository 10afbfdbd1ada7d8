"""Ending sessions: "sign out everywhere" by a per-user session generation (works with any session store)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from oversight.accounts.models import SignInState

GENERATION_KEY = "oversight_session_generation"


def current_generation(user) -> int:
    return SignInState.objects.filter(user=user).values_list("session_generation", flat=True).first() or 0


def stamp(session, user) -> None:
    """Mark a new session with the user's current generation (called when someone signs in)."""
    session[GENERATION_KEY] = current_generation(user)


def is_current(session, user) -> bool:
    return session.get(GENERATION_KEY, 0) == current_generation(user)


@transaction.atomic
def end_all_sessions(user) -> None:
    """Every session the user has, in any browser, ends at its next request."""
    state, _ = SignInState.objects.select_for_update().get_or_create(user=user)
    SignInState.objects.filter(pk=state.pk).update(
        session_generation=F("session_generation") + 1, signed_out_everywhere_at=timezone.now()
    )
