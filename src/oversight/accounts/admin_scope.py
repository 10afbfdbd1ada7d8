"""The Django admin, limited to the administrator's own service.

A service's administrator (an `Account` with `administrator`, whose user is staff but not superuser)
manages the settings and accounts of their own service in the admin. Every ModelAdmin is built on
`ServiceScopedAdmin`: its rows, the choices of its foreign keys and the service of what it saves are
those of the administrator's service, so that another service's row answers as if it did not exist.
The operator's superusers (`oversight createsuperuser`, no service) see every service, as before.
Case narrative (record notes, discussions) is never registered here (docs/security.md).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models

from oversight.accounts.models import Account
from oversight.people.models import Service


def administrator_service(request) -> Service | None:
    """The service whose administrator is signed in (None: not a service administrator)."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return None
    if not hasattr(request, "_administrator_service"):
        account = Account.objects.filter(user=user, administrator=True).select_related("service").first()
        request._administrator_service = account.service if account else None
    return request._administrator_service


def service_lookup(model: type[models.Model]) -> str | None:
    """The lookup from a model to the service its rows belong to (None: rows of no one service)."""
    if model is Service:
        return "pk"
    if model is get_user_model():
        return "account__service"
    names = {f.name for f in model._meta.get_fields()}
    if "service" in names:
        return "service"
    return "user__account__service" if "user" in names else None  # a sign-in's things (its devices)


class ServiceScopedAdmin(admin.ModelAdmin):
    """A ModelAdmin that shows, offers and saves only the administrator's own service.

    Superusers are the operator: unchanged. A service administrator may use it (their permissions are
    their `Account.administrator`, not Django's per-model permission rows), unless the admin class
    itself refuses an action (read-only admins override `has_*_permission` to return False)."""

    def _operator(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def _allowed(self, request, obj=None) -> bool:
        if self._operator(request):
            return True
        service, lookup = administrator_service(request), service_lookup(self.model)
        if service is None or lookup is None:
            return False
        # An object is asked about by views that do not go through get_queryset (such as a device's
        # set-up code): it must be of the administrator's own service too.
        return obj is None or type(obj)._default_manager.filter(pk=obj.pk, **{lookup: service.pk}).exists()

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if self._operator(request):
            return rows
        service, lookup = administrator_service(request), service_lookup(self.model)
        if service is None or lookup is None:
            return rows.none()
        # Another service's row is then missing: its change page sends the administrator back to
        # the list ("does not exist"), exactly as for a row that does not exist at all.
        return rows.filter(**{lookup: service.pk})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not self._operator(request):
            lookup = service_lookup(db_field.related_model)
            service = administrator_service(request)
            choices = db_field.related_model._default_manager.all()
            # A raw-id field takes any number typed in: the limited queryset refuses another service's.
            choices = choices.filter(**{lookup: service.pk}) if lookup and service else choices.none()
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        service = administrator_service(request)
        if not self._operator(request) and service is not None and service_lookup(type(obj)) == "service":
            obj.service = service
        super().save_model(request, obj, form, change)
