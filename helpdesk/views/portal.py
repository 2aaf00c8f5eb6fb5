"""The citizen portal: the public catalogue of trámites, the request form, "Mis trámites" and the
requester's ticket page (conversation, reply, cancel, rating).

Views are thin: they parse input, call ``helpdesk.services`` / the selectors, and render. A ticket
of somebody else answers 404 (staff who serve its queue are sent to the staff page); services
decide everything else (403 for a service the person may not request, 409 with the reason for
an action the ticket's state does not allow).
"""

from dataclasses import dataclass
from typing import Any

from django.apps import apps as django_apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.diagrams import can_view_diagrams, diagram_for_app
from core.exceptions import Conflict
from core.throttling import page_throttle_wait, throttled_response
from helpdesk import attachments
from helpdesk.choices import ACTIVE_STATUSES, Channel, TicketStatus
from helpdesk.conf import TICKET_CREATE, helpdesk_settings
from helpdesk.display import (
    ServiceExpectations,
    form_answers,
    next_deadline,
    process_open_steps,
    process_status_label,
    process_title,
    service_expectations,
)
from helpdesk.forms import build_service_form
from helpdesk.models import SatisfactionRating, Service, Ticket
from helpdesk.permissions import can_request_service, is_requester
from helpdesk.portal_forms import (
    CancelForm,
    RatingForm,
    ReplyForm,
    RequestDetailsForm,
    add_service_errors,
)
from helpdesk.portal_selectors import catalogue_get, catalogue_groups, catalogue_list
from helpdesk.selectors import ticket_entries_for, ticket_get_for, ticket_list_for_requester
from helpdesk.service_pages import service_page_url
from helpdesk.services import ticket_cancel, ticket_create, ticket_rate, ticket_reply
from helpdesk.timeline import mark_resolutions

MY_TICKETS_PAGE_SIZE = 20

# "Mis trámites" filters: the URL value → the statuses it shows (``None``: all).
STATUS_FILTERS: dict[str, tuple[Any, tuple[str, ...] | None]] = {
    "": (gettext_lazy("Todos"), None),
    "en-curso": (gettext_lazy("En curso"), ACTIVE_STATUSES),
    "resueltos": (gettext_lazy("Resueltos"), (TicketStatus.RESOLVED,)),
    "cerrados": (
        gettext_lazy("Cerrados o cancelados"),
        (TicketStatus.CLOSED, TicketStatus.CANCELLED, TicketStatus.MERGED),
    ),
}


# --- Catalogue ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueItem:
    service: Service
    expectations: ServiceExpectations
    # ``None`` for anonymous visitors (they are asked to log in first).
    can_request: bool | None


def _item(request: HttpRequest, service: Service) -> CatalogueItem:
    user = request.user
    allowed = can_request_service(user, service) if user.is_authenticated else None
    return CatalogueItem(service, service_expectations(service), allowed)


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """Every trámite on offer, by the area that handles it; anyone may browse and search."""
    search = request.GET.get("q", "").strip()[:100]
    services = catalogue_list(search=search)
    groups = [
        {"queue": group.queue, "items": [_item(request, s) for s in group.services]}
        for group in catalogue_groups(services)
    ]
    return render(
        request,
        "helpdesk/portal/catalogue.html",
        {"groups": groups, "search": search, "count": len(services)},
    )


def _workflow(service: Service, user: Any) -> dict[str, Any] | None:
    """The workflow the service starts: its drawable definition (registered by the workflow's
    app, whose label is the service's ``workflow_key``) and, for staff, the diagram's URL."""
    if not service.workflow_key:
        return None
    definition = diagram_for_app(service.workflow_key)
    if definition is None:
        # A viewflow process (drawn on its process pages) is named by its app.
        config = next(
            (c for c in django_apps.get_app_configs() if c.label == service.workflow_key), None
        )
        title = config.verbose_name if config is not None else service.workflow_key
        return {"title": title, "url": None}
    url = None
    if can_view_diagrams(user):
        try:
            url = reverse("diagrams:detail", kwargs={"slug": definition.slug})
        except NoReverseMatch:
            url = None
    return {"title": definition.title, "url": url}


@require_GET
def service_detail(request: HttpRequest, code: str) -> HttpResponse:
    service = catalogue_get(code=code)
    own_page = service_page_url(service.code)
    if own_page is not None:  # asked for on its own page (helpdesk/service_pages.py)
        return redirect(own_page)
    return render(
        request,
        "helpdesk/portal/service_detail.html",
        {
            "item": _item(request, service),
            "service": service,
            "fields": list(service.fields.all()),
            "workflow": _workflow(service, request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def request_create(request: HttpRequest, code: str) -> HttpResponse:
    """The service's own form plus a description and files → ``ticket_create``."""
    service = catalogue_get(code=code)
    own_page = service_page_url(service.code)
    if own_page is not None:  # asked for on its own page (helpdesk/service_pages.py)
        return redirect(own_page)
    if not can_request_service(request.user, service):
        raise PermissionDenied
    fields = list(service.fields.all())
    service_form_class = build_service_form(service, fields)
    if request.method == "POST":
        wait = page_throttle_wait(request, TICKET_CREATE)
        if wait is not None:
            return throttled_response(request, wait)
        service_form = service_form_class(data=request.POST, files=request.FILES)
        details_form = RequestDetailsForm(data=request.POST, files=request.FILES)
        # Both run so that every problem shows at once.
        service_ok = service_form.is_valid()
        if details_form.is_valid() and service_ok:
            try:
                ticket = ticket_create(
                    requester=request.user,
                    service=service,
                    data=request.POST,
                    files=request.FILES,
                    subject=details_form.cleaned_data["subject"],
                    description=details_form.cleaned_data["description"],
                    attachments=details_form.cleaned_data["attachments"],
                    channel=Channel.WEB,
                    request=request,
                )
            except ValidationError as exc:
                add_service_errors(exc, [service_form, details_form])
            else:
                messages.success(
                    request,
                    _(
                        "Recibimos su solicitud. Su número de caso es %(number)s: úselo para "
                        "consultar su trámite."
                    )
                    % {"number": ticket.number},
                )
                return redirect("helpdesk:ticket_detail", number=ticket.number)
        status = 400
    else:
        service_form = service_form_class()
        details_form = RequestDetailsForm()
        status = 200
    return render(
        request,
        "helpdesk/portal/request_form.html",
        {
            "service": service,
            "expectations": service_expectations(service),
            "service_form": service_form,
            "details_form": details_form,
        },
        status=status,
    )


# --- My tickets --------------------------------------------------------------------------------


@require_GET
@login_required
def my_tickets(request: HttpRequest) -> HttpResponse:
    selected = request.GET.get("estado", "")
    if selected not in STATUS_FILTERS:
        selected = ""
    statuses = STATUS_FILTERS[selected][1]
    paginator = Paginator(
        ticket_list_for_requester(actor=request.user, statuses=statuses), MY_TICKETS_PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    rows = [{"ticket": ticket, "deadline": next_deadline(ticket)} for ticket in page]
    return render(
        request,
        "helpdesk/portal/my_tickets.html",
        {
            "page": page,
            "rows": rows,
            "filters": [(value, label) for value, (label, _s) in STATUS_FILTERS.items()],
            "selected": selected,
        },
    )


# --- One ticket ---------------------------------------------------------------------------------


def _own_ticket(request: HttpRequest, number: str) -> Ticket:
    """The signed-in person's own ticket; anyone else's answers 404 (like a wrong number)."""
    ticket = ticket_get_for(actor=request.user, number=number)
    if not is_requester(request.user, ticket):
        raise Http404
    return ticket


def _staff_page(ticket: Ticket) -> str | None:
    try:
        return reverse("helpdesk:staff_ticket", kwargs={"number": ticket.number})
    except NoReverseMatch:
        return None


def _within_reopen_window(ticket: Ticket) -> bool:
    """Whether a reply would still reopen the resolved ``ticket`` (``services.ticket_reply``
    decides again; this only hides a form that would be refused)."""
    if ticket.resolved_at is None:
        return False
    return timezone.now() <= ticket.resolved_at + helpdesk_settings.REOPEN_WINDOW


def _detail_context(
    request: HttpRequest,
    ticket: Ticket,
    *,
    reply_form: ReplyForm | None = None,
    rating_form: RatingForm | None = None,
    error: str = "",
) -> dict[str, Any]:
    try:
        rating = ticket.rating
    except SatisfactionRating.DoesNotExist:
        rating = None
    can_reply = ticket.status in ACTIVE_STATUSES or (
        ticket.status == TicketStatus.RESOLVED and _within_reopen_window(ticket)
    )
    can_rate = rating is None and ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
    process = ticket.process if ticket.process_id else None
    return {
        "ticket": ticket,
        "deadline": next_deadline(ticket),
        "answers": form_answers(list(ticket.service.fields.all()), ticket.form_data or {}),
        # The staff reply sent with the resolution reads "Resolución" (helpdesk/timeline.py).
        "entries": mark_resolutions(
            ticket=ticket, entries=ticket_entries_for(actor=request.user, ticket=ticket)
        ),
        "rating": rating,
        "process": process,
        "process_status": process_status_label(process.status) if process else "",
        "process_title": process_title(process) if process else "",
        "process_steps": process_open_steps(process) if process else [],
        "can_reply": can_reply,
        "can_cancel": ticket.status in ACTIVE_STATUSES,
        "can_rate": can_rate,
        "reply_form": reply_form or (ReplyForm() if can_reply else None),
        "rating_form": rating_form or (RatingForm() if can_rate else None),
        "error": error,
    }


@require_GET
@login_required
def ticket_detail(request: HttpRequest, number: str) -> HttpResponse:
    ticket = ticket_get_for(actor=request.user, number=number)
    if not is_requester(request.user, ticket):
        # Links in staff emails point here too: staff go to their own page of the ticket.
        staff_url = _staff_page(ticket)
        if staff_url is None:
            raise Http404
        return redirect(staff_url)
    return render(request, "helpdesk/portal/ticket_detail.html", _detail_context(request, ticket))


@require_POST
@login_required
def ticket_reply_view(request: HttpRequest, number: str) -> HttpResponse:
    ticket = _own_ticket(request, number)
    form = ReplyForm(data=request.POST, files=request.FILES)
    status = 400
    error = ""
    if form.is_valid():
        was_resolved = ticket.status == TicketStatus.RESOLVED
        try:
            entry = ticket_reply(
                actor=request.user,
                ticket=ticket,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["attachments"],
                channel=Channel.WEB,
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(exc, [form])
        except Conflict as exc:
            # The reason (e.g. the reopen window has passed) shows above the kept message.
            error, status = exc.reason, 409
        else:
            if was_resolved:
                messages.success(request, _("Su mensaje se agregó y el caso se reabrió."))
            else:
                messages.success(request, _("Su mensaje se agregó al caso."))
            url = reverse("helpdesk:ticket_detail", kwargs={"number": ticket.number})
            return redirect(f"{url}#mensaje-{entry.pk}")
    context = _detail_context(request, ticket, reply_form=form, error=error)
    return render(request, "helpdesk/portal/ticket_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def ticket_cancel_view(request: HttpRequest, number: str) -> HttpResponse:
    """A confirmation page (GET) and the cancellation itself (POST)."""
    ticket = _own_ticket(request, number)
    form = CancelForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket_cancel(
                actor=request.user,
                ticket=ticket,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(exc, [form])
        except Conflict as exc:
            messages.error(request, exc.reason)
            return redirect("helpdesk:ticket_detail", number=ticket.number)
        else:
            messages.success(
                request, _("Cancelamos su solicitud %(number)s.") % {"number": ticket.number}
            )
            return redirect("helpdesk:ticket_detail", number=ticket.number)
    return render(
        request,
        "helpdesk/portal/ticket_cancel.html",
        {"ticket": ticket, "form": form, "can_cancel": ticket.status in ACTIVE_STATUSES},
        status=400 if form.is_bound else 200,
    )


@require_POST
@login_required
def ticket_rate_view(request: HttpRequest, number: str) -> HttpResponse:
    ticket = _own_ticket(request, number)
    form = RatingForm(data=request.POST)
    if form.is_valid():
        try:
            ticket_rate(
                actor=request.user,
                ticket=ticket,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(exc, [form])
        except Conflict as exc:
            messages.error(request, exc.reason)
            return redirect("helpdesk:ticket_detail", number=ticket.number)
        else:
            messages.success(request, _("Gracias por calificar la atención recibida."))
            return redirect("helpdesk:ticket_detail", number=ticket.number)
    context = _detail_context(request, ticket, rating_form=form)
    return render(request, "helpdesk/portal/ticket_detail.html", context, status=400)


urlpatterns = [
    path("tramites/", catalogue, name="catalogue"),
    # Before "tramites/<code>/", so this path never reads as a service code.
    path("tramites/mis-tramites/", my_tickets, name="my_tickets"),
    path("tramites/caso/<str:number>/", ticket_detail, name="ticket_detail"),
    path("tramites/caso/<str:number>/responder/", ticket_reply_view, name="ticket_reply"),
    path("tramites/caso/<str:number>/cancelar/", ticket_cancel_view, name="ticket_cancel"),
    path("tramites/caso/<str:number>/calificar/", ticket_rate_view, name="ticket_rate"),
    path("tramites/<slug:code>/", service_detail, name="service_detail"),
    path("tramites/<slug:code>/solicitar/", request_create, name="request_create"),
    *attachments.urlpatterns,
]
