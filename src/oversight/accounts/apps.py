from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "oversight.accounts"
    label = "accounts"

    def ready(self):
        from oversight.accounts import audit_trail  # noqa: F401 (connects the sign-in receivers)
