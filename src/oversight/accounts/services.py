"""Services that write accounts."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from oversight.accounts.models import Account
from oversight.audit import services as audit
from oversight.people.models import Service, Staff


@transaction.atomic
def account_set(
    *, service: Service, username: str, password: str, staff: Staff | None = None, performance: bool = False,
    administrator: bool = False, actor: str, django_admin: bool = False,
) -> Account:
    """Create or update a sign-in for a member of staff (or a performance/administrator account).

    `django_admin` lets an administrator into the Django admin, for their own service only: staff,
    never superuser (accounts/admin_scope.py; superusers are the operator's, `oversight createsuperuser`).

    Raises django.core.exceptions.ValidationError (with the policy's messages) for a weak password."""
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username)
    user.is_staff, user.is_superuser = django_admin, False
    if staff is not None:
        user.first_name, _, user.last_name = staff.name.partition(" ")
        user.email = staff.email or ""
    # The password policy (AUTH_PASSWORD_VALIDATORS: 12 characters or more, not a common password, not
    # like the user's names, not all digits): a ValidationError undoes the whole call.
    validate_password(password, user)
    user.set_password(password)
    user.save()
    Account.objects.filter(staff=staff).exclude(user=user).update(staff=None) if staff else None
    account, _ = Account.objects.update_or_create(
        user=user,
        defaults={"service": service, "staff": staff, "performance": performance, "administrator": administrator},
    )
    audit.record(
        service=service, actor=actor, action="admin", object_type="account", object_ref=username,
        summary=f"Sign-in {username} set up" + (f" for {staff.ref}" if staff else ""),
        details={"performance": performance, "administrator": administrator},
    )
    return account
