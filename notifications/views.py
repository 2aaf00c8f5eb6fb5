"""The in-app inbox pages: the list, and marking messages read (POST only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from .conf import notifications_settings
from .selectors import inbox_get, inbox_list
from .services import inbox_mark_all_read, inbox_mark_read


@require_GET
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("filtro") == "no-leidas"
    paginator = Paginator(
        inbox_list(user=request.user, unread_only=unread_only),
        notifications_settings.INBOX_PAGE_SIZE,
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread_only": unread_only},
    )


@require_POST
@login_required
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    message = inbox_get(user=request.user, message_id=pk)
    inbox_mark_read(user=request.user, message=message)
    return redirect("notifications:inbox")


@require_POST
@login_required
def open_message(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read and follow the message's link (a path inside SIGES, checked again here)."""
    message = inbox_get(user=request.user, message_id=pk)
    inbox_mark_read(user=request.user, message=message)
    target = message.link
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("notifications:inbox")
    return HttpResponseRedirect(target)


@require_POST
@login_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = inbox_mark_all_read(user=request.user)
    if count:
        text = ngettext(
            "Se marcó %(count)d mensaje como leído.",
            "Se marcaron %(count)d mensajes como leídos.",
            count,
        )
        messages.success(request, text % {"count": count})
    return redirect("notifications:inbox")
