"""Login, logout and profile pages, and the answer django-axes gives a locked-out client."""

from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import Conflict

from .choices import STAFF_ROLES
from .forms import CodeForm, LoginForm, PasswordChangeForm, StepUpForm, code_error_message
from .middleware import session_mark_login
from .selectors import role_grant_list_active, user_profile_get
from .services import user_password_change
from .stepup import (
    clear_reauthentication,
    is_recently_reauthenticated,
    mark_reauthenticated,
    requires_second_factor,
    safe_next,
    step_up_url,
)
from .twofactor import (
    can_enrol,
    confirmed_totp_device,
    has_second_factor,
    pending_totp_device,
    recovery_code_display,
    recovery_codes_left,
    recovery_codes_regenerate,
    second_factor_remove,
    totp_enrol_confirm,
    totp_enrol_start,
    totp_qr_data_uri,
    totp_secret_base32,
    verify_second_factor,
)
from .twostep import (
    pending_login_clear,
    pending_login_count_failure,
    pending_login_get,
    pending_login_start,
    second_factor_failed,
    second_factor_passed,
)


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
    next_url = ""
    if form.is_valid():
        user = form.get_user()
        if has_second_factor(user):
            # Step two: the session is not signed in until the app's code passes (§1.7).
            pending_login_start(request, user, next_url=_safe_next(request))
            return redirect("accounts:login_code")
        login(request, user)  # rotates the session key (no fixation)
        session_mark_login(request)
        return HttpResponseRedirect(_safe_next(request))
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The login's second step for accounts with an authenticator app: its code, or one of
    the recovery codes (docs/security.md §1.7)."""
    pending = pending_login_get(request)
    if pending is None:
        messages.info(request, _("Ingrese de nuevo con su DUI y su contraseña."))
        return redirect("accounts:login")
    user, backend, next_url = pending
    form = CodeForm(
        request.POST if request.method == "POST" else None,
        help_text=_(
            "Los 6 dígitos que muestra ahora su aplicación de autenticación, o uno de sus "
            "códigos de recuperación si no tiene el teléfono."
        ),
    )
    if form.is_valid():
        check = verify_second_factor(user, form.cleaned_data["code"])
        if check.ok:
            pending_login_clear(request)
            second_factor_passed(request, user, method=check.method, channel="web")
            login(request, user, backend=backend)  # rotates the session key
            session_mark_login(request)
            if check.method == "recovery":
                messages.warning(
                    request,
                    ngettext(
                        "Ingresó con un código de recuperación. Le queda %(count)d: revise "
                        "la seguridad de su cuenta.",
                        "Ingresó con un código de recuperación. Le quedan %(count)d: revise "
                        "la seguridad de su cuenta.",
                        recovery_codes_left(user),
                    )
                    % {"count": recovery_codes_left(user)},
                )
            return HttpResponseRedirect(next_url)
        second_factor_failed(request, user, check=check, channel="web")
        if pending_login_count_failure(request):
            messages.error(
                request, _("Demasiados códigos incorrectos. Ingrese de nuevo con su contraseña.")
            )
            return redirect("accounts:login")
        form.add_error("code", code_error_message(check))
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/login_code.html", {"form": form}, status=status)


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
    grants = list(role_grant_list_active(actor=account))
    # Staff may enrol a second factor; read from the grants already loaded (no extra query).
    staff = any(grant.role in STAFF_ROLES for grant in grants)
    context = {
        "account": account,
        "person": account.person,
        "grants": grants,
        "form": form,
        "can_enrol": staff,
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


def _security_context(request: HttpRequest, form: CodeForm | None = None) -> dict[str, Any]:
    user = request.user
    device = confirmed_totp_device(user)
    pending = None if device is not None else pending_totp_device(user)
    context: dict[str, Any] = {
        "device": device,
        "pending": pending,
        "codes_left": recovery_codes_left(user) if device is not None else 0,
        "signing_role": requires_second_factor(user),
    }
    if pending is not None:
        context.update(
            qr_uri=totp_qr_data_uri(pending),
            secret=totp_secret_base32(pending),
            form=form or CodeForm(),
        )
    return context


def _show_codes(request: HttpRequest, codes: list[str], *, first: bool) -> HttpResponse:
    shown = [recovery_code_display(code) for code in codes]
    return render(request, "accounts/recovery_codes.html", {"codes": shown, "first": first})


@sensitive_post_parameters("code")
@login_required
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def security(request: HttpRequest) -> HttpResponse:
    """ "Seguridad de la cuenta": enrol an authenticator app, recovery codes, removal
    (docs/security.md §1.7). Staff only; removing and new codes need a fresh step-up."""
    user = request.user
    if not can_enrol(user):
        raise PermissionDenied(
            _("La verificación en dos pasos es para el personal del ministerio.")
        )
    here = reverse("accounts:security")
    if request.method == "GET":
        return render(request, "accounts/security.html", _security_context(request))
    action = request.POST.get("accion", "")
    if action in ("regenerate", "remove") and not is_recently_reauthenticated(request):
        messages.info(request, _("Confirme su identidad y vuelva a elegir la acción."))
        return redirect(step_up_url(here))
    try:
        if action == "enrol":
            totp_enrol_start(user=user, request=request)
            return redirect(here)
        if action == "confirm":
            form = CodeForm(request.POST)
            codes = None
            if form.is_valid():
                codes = totp_enrol_confirm(
                    user=user, raw_code=form.cleaned_data["code"], request=request
                )
                if codes is None:
                    form.add_error(
                        "code",
                        _(
                            "El código no es correcto. Revise que la hora del teléfono esté "
                            "al día e intente con el código siguiente."
                        ),
                    )
            if codes is None:
                context = _security_context(request, form=form)
                return render(request, "accounts/security.html", context, status=400)
            return _show_codes(request, codes, first=True)
        if action == "regenerate":
            return _show_codes(
                request, recovery_codes_regenerate(user=user, request=request), first=False
            )
        if action == "remove":
            second_factor_remove(user=user, actor=user, request=request)
            clear_reauthentication(request)
            messages.success(request, _("Se desactivó la verificación en dos pasos de su cuenta."))
            return redirect(here)
    except Conflict as exc:
        messages.error(request, exc.reason)
        return redirect(here)
    messages.error(request, _("Acción no válida."))
    return redirect(here)
