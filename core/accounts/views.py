"""Login, logout and profile pages, and the answer django-axes gives a locked-out client."""

from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from .forms import LoginForm, PasswordChangeForm, StepUpForm
from .middleware import session_mark_login
from .selectors import role_grant_list_active, user_profile_get
from .services import user_password_change
from .stepup import mark_reauthenticated, requires_second_factor, safe_next
from .twofactor import has_second_factor


def _safe_next(request: HttpRequest) -> str:
    """The ``next`` target if it stays on this site, else the default landing page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return HttpResponseRedirect(_safe_next(request))
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if form.is_valid():
        user = form.get_user()
        login(request, user)  # rotates the session key (no fixation)
        session_mark_login(request)
        return HttpResponseRedirect(_safe_next(request))
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@require_POST
@csrf_protect
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)  # flushes the session: the old key is deleted from the store
    messages.info(request, _("Cerró su sesión."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@sensitive_post_parameters("current_password", "new_password", "new_password_confirm")
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    account = user_profile_get(actor=request.user)
    form = PasswordChangeForm(account, data=request.POST if request.method == "POST" else None)
    if form.is_valid():
        user_password_change(
            user=account, new_password=form.cleaned_data["new_password"], request=request
        )
        # Keep this session; sessions signed with the old password hash stop validating.
        update_session_auth_hash(request, account)
        messages.success(request, _("Su contraseña se cambió. Las demás sesiones se cerraron."))
        return redirect("accounts:profile")
    context = {
        "account": account,
        "person": account.person,
        "grants": list(role_grant_list_active(actor=account)),
        "form": form,
    }
    return render(request, "accounts/profile.html", context)


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
    *args: Any,
    **kwargs: Any,
) -> HttpResponse:
    """What django-axes answers a locked-out client: 429, JSON for the API, a page otherwise.

    The text is the same whatever the DUI (it does not confirm that an account exists).
    """
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    headers = {"Retry-After": str(int(cool_off.total_seconds()))} if cool_off else {}
    if minutes:
        message = ngettext(
            "Demasiados intentos fallidos de ingreso. Por seguridad, espere %(minutes)d minuto "
            "e intente de nuevo.",
            "Demasiados intentos fallidos de ingreso. Por seguridad, espere %(minutes)d minutos "
            "e intente de nuevo.",
            minutes,
        ) % {"minutes": minutes}
    else:
        message = _("Demasiados intentos fallidos de ingreso. Intente de nuevo más tarde.")
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "locked_out"}, status=429, headers=headers)
    response = render(
        request, "accounts/locked_out.html", {"message": message, "minutes": minutes}, status=429
    )
    for name, value in headers.items():
        response[name] = value
    return response


@sensitive_post_parameters("password", "code")
@login_required
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def step_up(request: HttpRequest) -> HttpResponse:
    """Confirm one's identity again before a sensitive action (docs/security.md §1.8)."""
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next") or "")
    user = request.user
    needs_code = has_second_factor(user)
    context: dict[str, Any] = {"next": next_url, "needs_code": needs_code}
    if not needs_code and requires_second_factor(user):
        # Signing roles pass only with an authenticator app: enrol first.
        return render(request, "accounts/step_up.html", {**context, "must_enrol": True})
    form = StepUpForm(
        request, data=request.POST if request.method == "POST" else None, needs_code=needs_code
    )
    if form.is_valid():
        mark_reauthenticated(request, method=form.method)
        return HttpResponseRedirect(next_url)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/step_up.html", {**context, "form": form}, status=status)
