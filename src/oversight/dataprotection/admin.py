"""Administration of retention periods and legal holds (every change audited)."""

from django.contrib import admin

from oversight.accounts.admin_scope import ServiceScopedAdmin
from oversight.dataprotection.models import Anonymisation, LegalHold, RetentionRule
from oversight.messages.admin import AuditedAdmin


@admin.register(RetentionRule)
class RetentionRuleAdmin(AuditedAdmin):
    list_display = ("service", "order_type", "years")
    audit_fields = ("order_type", "years")


@admin.register(LegalHold)
class LegalHoldAdmin(AuditedAdmin):
    list_display = ("case", "start", "until", "by")
    raw_id_fields = ("case",)
    search_fields = ("case__ref",)
    audit_fields = ("start", "until")
    case_field = "case"
    exclude = ("service",)

    def save_model(self, request, obj, form, change):
        obj.service = obj.case.service
        if not obj.by:
            obj.by = request.user.get_username()
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False  # a hold ends by its last day, never by deletion


@admin.register(Anonymisation)
class AnonymisationAdmin(ServiceScopedAdmin):
    list_display = ("case", "at", "by", "years", "closed")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
