"""Administration of messaging: the service's settings, young people's contact preferences, and the
message log (read-only). Every change is written to the audit trail."""

from django import forms
from django.contrib import admin
from django.forms.models import model_to_dict
from django.utils import timezone

from oversight.accounts.admin_scope import ServiceScopedAdmin
from oversight.audit import services as audit
from oversight.messages.models import ContactPreference, Message, MessagingSettings


class AuditedAdmin(ServiceScopedAdmin):
    """Writes each save and deletion made in the admin to the audit trail (identifiers, no narrative)."""

    audit_fields: tuple[str, ...] = ()
    case_field: str | None = None

    def _entry(self, request, obj, action: str, before=None):
        after = {f: model_to_dict(obj).get(f) for f in self.audit_fields}
        case = getattr(obj, self.case_field) if self.case_field else None
        audit.record(
            service=getattr(obj, "service", None), actor=f"{request.user.get_username()} (admin)", action=action,
            object_type=obj._meta.model_name, object_ref=str(obj.pk), case_ref=case.ref if case else "",
            summary=f"{obj._meta.verbose_name.capitalize()} {'changed' if action == 'change' else action} in the admin",
            before=before, after=after,
        )

    def save_model(self, request, obj, form, change):
        before = None
        if change:
            old = type(obj).objects.filter(pk=obj.pk).first()
            before = {f: model_to_dict(old).get(f) for f in self.audit_fields} if old else None
        super().save_model(request, obj, form, change)
        self._entry(request, obj, "change" if change else "create", before)


class MessagingSettingsForm(forms.ModelForm):
    notify_api_key = forms.CharField(
        required=False, widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the key already set. To remove it, tick 'Remove the key'.",
    )
    remove_key = forms.BooleanField(required=False, label="Remove the key (send by e-mail instead)")

    class Meta:
        model = MessagingSettings
        fields = "__all__"

    def clean(self):
        data = super().clean()
        if data.get("remove_key"):
            data["notify_api_key"] = ""
        elif not data.get("notify_api_key") and self.instance.pk:
            data["notify_api_key"] = self.instance.notify_api_key
        return data


@admin.register(MessagingSettings)
class MessagingSettingsAdmin(AuditedAdmin):
    form = MessagingSettingsForm
    list_display = ("service", "uses_notify", "digests", "cover_messages", "leave_sheet_notice_working_days")
    audit_fields = ("notify_email_template", "notify_sms_template", "digests", "cover_messages",
                    "leave_sheet_notice_working_days")

    @admin.display(boolean=True, description="GOV.UK Notify")
    def uses_notify(self, obj):
        return obj.uses_notify


@admin.register(ContactPreference)
class ContactPreferenceAdmin(AuditedAdmin):
    list_display = ("case", "who", "channel", "consent", "active")
    list_filter = ("channel", "consent", "active")
    search_fields = ("case__ref",)
    raw_id_fields = ("case",)
    readonly_fields = ("consent_recorded", "consent_recorded_by")
    audit_fields = ("who", "channel", "consent", "active")  # never the address
    case_field = "case"

    def save_model(self, request, obj, form, change):
        if obj.consent and obj.consent_recorded is None:
            obj.consent_recorded, obj.consent_recorded_by = timezone.now(), request.user.get_username()
        if not obj.consent:
            obj.consent_recorded, obj.consent_recorded_by = None, ""
        obj.service = obj.case.service
        super().save_model(request, obj, form, change)

    def get_exclude(self, request, obj=None):
        return ("service",)


@admin.register(Message)
class MessageAdmin(ServiceScopedAdmin):
    list_display = ("created_at", "kind", "recipient_label", "case_ref", "status", "attempts", "sent_at")
    list_filter = ("status", "kind", "provider")
    search_fields = ("case_ref", "recipient_staff", "dedupe_key")
    exclude = ("body",)  # the words may name a worker and a child's case: read them on the child's file

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
