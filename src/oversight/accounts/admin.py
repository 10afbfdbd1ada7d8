"""Sign-ins in the Django admin, limited to the administrator's own service (admin_scope.py).

A service administrator sees and changes the sign-ins of their own service (names, e-mail, active, a
new password) and removes a lost phone's two-factor device; they cannot make anyone a superuser,
give Django permissions, or read a device's secret. Creating sign-ins and admin rights stays with
the operator (`account_set`, superusers): docs/security.md.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied

# Imported first so that their own registrations are made, and replaced here.
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.accounts.admin_scope import ServiceScopedAdmin

User = get_user_model()
ADMINISTRATOR_FIELDSETS = (
    (None, {"fields": ("username", "password")}),
    ("Person", {"fields": ("first_name", "last_name", "email")}),
    ("Sign-in", {"fields": ("is_active", "last_login", "date_joined")}),
)


class OperatorOnlyWrites:
    """Adding (and, where set, changing) is the operator's: a service administrator views and deletes."""

    def has_add_permission(self, request):
        return self._operator(request)


admin.site.unregister(User)


@admin.register(User)
class ServiceUserAdmin(OperatorOnlyWrites, ServiceScopedAdmin, UserAdmin):
    def get_fieldsets(self, request, obj=None):
        if self._operator(request):
            return super().get_fieldsets(request, obj)
        return ADMINISTRATOR_FIELDSETS  # never is_staff, is_superuser, groups or permissions

    def get_readonly_fields(self, request, obj=None):
        return () if self._operator(request) else ("last_login", "date_joined")

    def has_delete_permission(self, request, obj=None):
        return self._operator(request)  # a sign-in is ended by making it inactive: its audit stays linked


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class ServiceTOTPDeviceAdmin(OperatorOnlyWrites, ServiceScopedAdmin, TOTPDeviceAdmin):
    def has_change_permission(self, request, obj=None):
        return self._operator(request)

    def config_view(self, request, pk):
        if not self._operator(request):
            raise PermissionDenied  # the secret of someone else's second factor is nobody's to read
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        if not self._operator(request):
            raise PermissionDenied
        return super().qrcode_view(request, pk)


admin.site.unregister(StaticDevice)


@admin.register(StaticDevice)
class ServiceStaticDeviceAdmin(OperatorOnlyWrites, ServiceScopedAdmin, StaticDeviceAdmin):
    def has_change_permission(self, request, obj=None):
        return self._operator(request)

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if self._operator(request) else []  # backup codes
