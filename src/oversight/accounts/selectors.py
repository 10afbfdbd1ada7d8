"""The signed-in user as the access policy sees them."""

from __future__ import annotations

from dataclasses import dataclass

from oversight.people.models import Service
from oversight.policy.access import Viewer


@dataclass(frozen=True)
class Identity:
    service: Service
    viewer: Viewer
    username: str

    @property
    def label(self) -> str:
        """How the audit trail names the person: user name and staff id."""
        return f"{self.username} ({self.viewer.staff})" if self.viewer.staff else self.username


def identity_for(user) -> Identity | None:
    """None for anonymous users and users with no account in any service."""
    if not getattr(user, "is_authenticated", False):
        return None
    account = getattr(user, "account", None)
    if account is None:
        return None
    staff_ref = account.staff.ref if account.staff_id else None
    return Identity(
        service=account.service,
        viewer=Viewer(staff=staff_ref, performance=account.performance, administrator=account.administrator),
        username=user.get_username(),
    )
