from django.urls import path

from oversight.accounts import oidc, views
from oversight.accounts.permissions import page_policy

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/two-factor/", views.two_factor_verify, name="two-factor"),
    path("sign-in/two-factor/set-up/", views.two_factor_set_up, name="two-factor-set-up"),
    path("sign-in/two-factor/backup-codes/", views.backup_codes, name="backup-codes"),
    path("sign-in/locked/", views.locked_out, name="locked-out"),
    path("sign-in/sso/", oidc.start, name="sso"),
    path("sign-in/sso/callback/", oidc.callback, name="sso-callback"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("sign-out/everywhere/", views.sign_out_everywhere, name="sign-out-everywhere"),
    path("signed-out/", views.signed_out, name="signed-out"),
    # The Django admin signs in here too, so that lock-out and two-factor sign-in apply to it.
    path("admin/login/", page_policy("public")(views.admin_sign_in), name="admin-sign-in"),
]
