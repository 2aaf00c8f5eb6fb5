"""Password-reset pages: ask for a link, "check your email", set the new password."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from core.links import VERIFICATION, LinkError
from core.throttling import throttle_page

from .conf import PASSWORD_RESET
from .forms import NewPasswordForm, ResetRequestForm
from .services import (
    password_reset_complete,
    password_reset_request_accept,
    reset_from_link,
    reset_link_state,
)


@require_http_methods(["GET", "POST"])
@throttle_page(PASSWORD_RESET)
def request_view(request: HttpRequest) -> HttpResponse:
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_reset_request_accept(identifier=form.cleaned_data["identifier"], request=request)
        # The same page whatever the identifier matched (no enumeration).
        return redirect("password_reset:requested")
    status = 400 if request.method == "POST" else 200
    return render(request, "password_reset/request.html", {"form": form}, status=status)


def requested_view(request: HttpRequest) -> HttpResponse:
    return render(request, "password_reset/requested.html")


def _link_error(request: HttpRequest, error: LinkError) -> HttpResponse:
    return render(
        request,
        "registration/link_error.html",
        {
            "message": error.message,
            "code": error.code,
            "retry_url": reverse("password_reset:request"),
        },
        status=400,
    )


@sensitive_post_parameters("password", "password_confirmation")
@never_cache
@require_http_methods(["GET", "POST"])
@throttle_page(VERIFICATION)
def complete_view(request: HttpRequest, public_id: UUID, token: str) -> HttpResponse:
    try:
        reset = reset_from_link(public_id, token)
    except LinkError as error:
        return _link_error(request, error)
    state = reset_link_state(reset)
    if request.method == "GET" and state != "ok":
        return _link_error(request, LinkError(state))
    form = NewPasswordForm(request.POST or None, user=reset.user)
    if request.method == "POST" and form.is_valid():
        try:
            password_reset_complete(
                public_id=public_id,
                token=token,
                new_password=form.cleaned_data["password"],
                request=request,
            )
        except LinkError as error:
            return _link_error(request, error)
        return redirect("password_reset:done")
    status = 400 if request.method == "POST" else 200
    return render(request, "password_reset/complete.html", {"form": form}, status=status)


def done_view(request: HttpRequest) -> HttpResponse:
    return render(request, "password_reset/done.html")
