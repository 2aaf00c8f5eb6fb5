"""Registration pages: sign up, "check your email", the verification link, the first-login
notice. Thin: forms validate, services act."""

from uuid import UUID

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from core.links import VERIFICATION
from core.throttling import throttle_page

from .choices import RegistrationStatus
from .conf import REGISTRATION
from .forms import ConfirmLinkForm, RegistrationForm, TermsNoticeForm
from .services import (
    LinkError,
    registration_from_link,
    registration_link_state,
    registration_submit,
    registration_verify,
    terms_accept,
)


@sensitive_post_parameters("password", "password_confirmation")
@require_http_methods(["GET", "POST"])
@throttle_page(REGISTRATION)
def register_view(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        registration_submit(
            dui=data["dui"],
            first_names=data["first_names"],
            last_names=data["last_names"],
            birth_date=data["birth_date"],
            email=data["email"],
            phone=data["phone"] or "",
            time_zone=data["time_zone"],
            password=data["password"],
            request=request,
        )
        # The same page whether the DUI was new or already had an account (no enumeration).
        return redirect("registration:submitted")
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/register.html", {"form": form}, status=status)


def submitted_view(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/submitted.html")


def _link_error(request: HttpRequest, error: LinkError) -> HttpResponse:
    return render(
        request,
        "registration/link_error.html",
        {
            "message": error.message,
            "code": error.code,
            "retry_url": reverse("registration:register"),
        },
        status=400,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@throttle_page(VERIFICATION)
def verify_view(request: HttpRequest, public_id: UUID, token: str) -> HttpResponse:
    """GET shows a button; POST uses the link (mail scanners that open links do not use it up)."""
    if request.method == "GET":
        try:
            registration = registration_from_link(public_id, token)
        except LinkError as error:
            return _link_error(request, error)
        state = registration_link_state(registration)
        if state != "ok":
            return _link_error(request, LinkError(state))
        return render(request, "registration/verify.html", {"form": ConfirmLinkForm()})
    try:
        registration = registration_verify(public_id=public_id, token=token, request=request)
    except LinkError as error:
        return _link_error(request, error)
    return render(
        request,
        "registration/verify_result.html",
        {
            "active": registration.status == RegistrationStatus.ACTIVE,
            "in_review": registration.status == RegistrationStatus.IDENTITY_REVIEW,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def terms_notice_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    destination = next_url or reverse(settings.LOGIN_REDIRECT_URL)
    if request.user.terms_accepted_at is not None and request.method == "GET":
        return redirect(destination)
    form = TermsNoticeForm(request.POST or None, initial={"next": next_url})
    if request.method == "POST" and form.is_valid():
        terms_accept(user=request.user, request=request)
        return redirect(destination)
    return render(request, "registration/terms_notice.html", {"form": form})
