from django.contrib import admin

from oversight.accounts.admin_scope import ServiceScopedAdmin
from oversight.reports.models import CalendarFeed, StatWednesdayReport


class ReadOnly(ServiceScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatWednesdayReport)
class StatWednesdayReportAdmin(ReadOnly):
    list_display = ("day", "service", "scheduled", "produced_at", "produced_by")


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnly):
    list_display = ("user", "created_at", "revoked_at", "last_used_at")
    exclude = ("token_hash",)
