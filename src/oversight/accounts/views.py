"""Sign-in pages: sign in, the second factor (verify and set up), backup codes, sign out (here or
everywhere), and the lock-out page. Rules: docs/security.md."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from oversight.accounts import audit_trail, sessions, two_factor
from oversight.accounts.forms import CodeForm, SetUpCodeForm, SignInForm
from oversight.accounts.permissions import page_policy

SETUP_SESSION_KEY = "oversight_new_backup_codes"


def _next_url(request, default: str | None = None) -> str:
    """The page to go to after signing in: the `next` parameter if it is on this site."""
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return _home() if default is None else default


def _home() -> str:
    """LOGIN_REDIRECT_URL ("/"), or the style guide while the site has no home page yet."""
    home = resolve_url(settings.LOGIN_REDIRECT_URL)
    try:
        resolve(home)
    except Resolver404:
        return reverse("web:design")
    return home


def _with_next(url_name: str, next_url: str) -> str:
    from urllib.parse import urlencode

    url = reverse(url_name)
    return f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}" if next_url else url


def _fully_signed_in(request) -> None:
    """Both factors given (or only one needed): failed attempts before this no longer count."""
    from axes.utils import reset

    reset(username=request.user.get_username())


def after_first_factor(request, next_url: str = "") -> HttpResponseRedirect:
    """Where a user goes once their password (or single sign-on) is accepted."""
    next_url = next_url or _next_url(request)
    user = request.user
    if two_factor.required(user) and not two_factor.verified(request):
        return redirect(_with_next("accounts:two-factor" if two_factor.has_app(user) else "accounts:two-factor-set-up",
                                   next_url))
    _fully_signed_in(request)
    return redirect(next_url)


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = False  # get() sends a signed-in user on, through the second factor

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            sso_enabled=settings.OVERSIGHT_OIDC_ENABLED,
            sso_provider=settings.OVERSIGHT_OIDC_PROVIDER_NAME,
            sso_refused=self.request.GET.get("sso") == "refused",
            next_url=_next_url(self.request, default=""),
            failure_limit=settings.AXES_FAILURE_LIMIT,
        )
        if settings.OVERSIGHT_OIDC_ENABLED:
            context["sso_url"] = _with_next("accounts:sso", context["next_url"])
        return context

    def form_valid(self, form):
        super().form_valid(form)  # signs in (auth.login); the response is decided here
        return after_first_factor(self.request)

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return after_first_factor(request)
        return super().get(request, *args, **kwargs)


sign_in = page_policy("public")(SignInView.as_view())


def admin_sign_in(request):
    """/admin/login/ → the sign-in page, keeping where the admin site wanted to go."""
    return redirect(_with_next("accounts:sign-in", _next_url(request, default="/admin/")))


@page_policy("public")
@sensitive_post_parameters("code")
@never_cache
@csrf_protect
@login_required
def two_factor_verify(request):
    user = request.user
    next_url = _next_url(request)
    if two_factor.verified(request):
        return redirect(next_url)
    if not two_factor.has_app(user):
        return redirect(_with_next("accounts:two-factor-set-up", next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.match_code(user, form.cleaned_data["code"])
        if device is not None:
            request.session.cycle_key()  # a new session id for the more trusted session
            otp_login(request, device)
            used_backup = device.name == two_factor.BACKUP_DEVICE_NAME
            audit_trail.record(username=user.get_username(), action="sign_in", event="second_factor",
                               summary="Two-factor code accepted" + (" (a backup code)" if used_backup else ""))
            _fully_signed_in(request)
            if used_backup:
                left = two_factor.backup_codes_left(user)
                messages.warning(request, f"You used a backup code. You have {left} left: make new ones if you "
                                          "are running out.")
            return redirect(next_url)
        # A wrong code counts towards the lock-out, as a wrong password does.
        user_login_failed.send(sender=__name__, request=request,
                               credentials={"username": user.get_username(), "stage": "second factor"})
        if getattr(request, "axes_locked_out", False):
            logout(request)
            return locked_out(request)
        if two_factor.throttled(user):
            form.add_error("code", "Too many wrong codes. Wait a minute, then enter a new code")
        else:
            form.add_error("code", "Enter the code shown in your authenticator app now, or a backup code")
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next_url": next_url})


@page_policy("public")
@sensitive_post_parameters("code")
@never_cache
@csrf_protect
@login_required
def two_factor_set_up(request):
    """Set up an authenticator app. Someone who already has one must give a code from it first, so that
    a password alone never lets anyone add their own app."""
    user = request.user
    next_url = _next_url(request)
    if two_factor.has_app(user) and not two_factor.verified(request):
        return redirect(_with_next("accounts:two-factor", next_url))
    device = two_factor.pending_app(user)
    form = SetUpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.check_pending_code(device, form.cleaned_data["code"]):
            codes = two_factor.confirm_app(user, device)
            request.session.cycle_key()
            otp_login(request, device)
            audit_trail.record(username=user.get_username(), action="sign_in", event="second_factor_set_up",
                               summary="Authenticator app set up; new backup codes made")
            _fully_signed_in(request)
            request.session[SETUP_SESSION_KEY] = codes
            return redirect(_with_next("accounts:backup-codes", next_url))
        form.add_error("code", "Enter the 6-digit code your authenticator app shows now")
    uri = device.config_url
    context = {
        "form": form,
        "next_url": next_url,
        "otpauth_uri": uri,
        "qr_code": two_factor.qr_data_uri(uri),
        "secret": two_factor.secret_text(device),
        "required": two_factor.required_by_role(user),
        "replacing": two_factor.has_app(user),
    }
    return render(request, "accounts/two_factor_set_up.html", context)


@page_policy("public")
@never_cache
@csrf_protect
@login_required
def backup_codes(request):
    """New backup codes: shown once, just after they are made (after setting up, or on request)."""
    user = request.user
    if request.method == "POST":
        if not two_factor.has_app(user):
            return redirect("accounts:two-factor-set-up")
        request.session[SETUP_SESSION_KEY] = two_factor.new_backup_codes(user)
        audit_trail.record(username=user.get_username(), action="sign_in", event="backup_codes",
                           summary="New backup codes made")
        return redirect("accounts:backup-codes")
    codes = request.session.pop(SETUP_SESSION_KEY, None)
    return render(request, "accounts/backup_codes.html", {
        "codes": codes, "left": two_factor.backup_codes_left(user), "has_app": two_factor.has_app(user),
        "next_url": _next_url(request),
    })


@page_policy("public")
@require_POST
@csrf_protect
def sign_out(request):
    logout(request)  # audited by the user_logged_out receiver
    return _cleared(redirect(settings.LOGOUT_REDIRECT_URL))


def _cleared(response):
    """Ask the browser to drop what it cached or stored from Oversight (a shared computer)."""
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


@page_policy("public")
@never_cache
@csrf_protect
@login_required
def sign_out_everywhere(request):
    """GET: what it does, and a button. POST: end every session of this user, this one included."""
    if request.method == "POST":
        user = request.user
        sessions.end_all_sessions(user)
        audit_trail.record(username=user.get_username(), action="sign_in", event="signed_out_everywhere",
                           summary="Signed out everywhere: every session ended")
        logout(request)
        return _cleared(redirect(reverse("accounts:signed-out") + "?everywhere=1"))
    return render(request, "accounts/sign_out_everywhere.html", {
        "has_app": two_factor.has_app(request.user), "backup_codes_left": two_factor.backup_codes_left(request.user),
    })


@page_policy("public")
def signed_out(request):
    return render(request, "accounts/signed_out.html", {"everywhere": request.GET.get("everywhere") == "1"})


@page_policy("public")
def locked_out(request, response=None, credentials=None):
    """django-axes' lock-out response (AXES_LOCKOUT_CALLABLE), and the page after too many wrong codes."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else None
    return render(request, "accounts/locked_out.html",
                  {"minutes": minutes, "failures": settings.AXES_FAILURE_LIMIT}, status=429)
