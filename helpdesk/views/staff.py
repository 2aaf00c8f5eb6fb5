"""The staff ticket page (``mesa/casos/<number>/``): everything a technician or supervisor needs
to work one ticket, and one POST endpoint per action.

Views are thin: the page reads through ``helpdesk.staff_selectors``; each action parses its form
(``helpdesk.staff_forms``) and calls one service. Tickets outside the actor's queues answer 404;
a service's ``PermissionDenied`` answers 403 and its ``Conflict`` the 409 page with the reason
(``core.middleware.DomainErrorMiddleware``); a ``ValidationError`` shows the page again with the
form's errors (400). Only the actions available now are rendered as buttons.

The page builds only the reply form; every other action with input is a collapsed section whose
form a GET on the action's URL answers when it is opened (htmx), or on a page of its own
(without JavaScript). A form that failed is rendered open on the page with its errors.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.parsers import plain_int
from helpdesk import services
from helpdesk.display import form_answers, process_status_label
from helpdesk.models import Ticket, TicketEntry
from helpdesk.selectors import (
    canned_response_list_for,
    service_form_fields,
    ticket_entries_for,
)
from helpdesk.staff_forms import (
    AssignForm,
    EmptyForm,
    LinkForm,
    MergeForm,
    NoteForm,
    PriorityForm,
    ReopenForm,
    ReplyForm,
    ResolveForm,
    RouteForm,
    StaffForm,
    WaitingForm,
)
from helpdesk.staff_selectors import (
    canned_response_get_for,
    staff_ticket_actions,
    ticket_find_for_staff,
    ticket_get_for_staff,
    ticket_sla_clocks,
)
from helpdesk.timeline import mark_resolutions, ticket_timeline

# --- The actions ---------------------------------------------------------------------------------

Perform = Callable[[HttpRequest, Ticket, dict[str, Any]], Any]


@dataclass(frozen=True)
class StaffAction:
    """One POST endpoint: its form and the single service call it makes.

    An action with a ``title`` is a section of the page whose form is fetched on demand: a GET
    on the same URL answers the form (an htmx fragment, or a page of its own without htmx).
    """

    name: str
    slug: str  # the last part of the URL, in Spanish; also the section's id on the page
    form_class: type[StaffForm]
    perform: Perform
    done: Any  # the success message
    title: Any = ""  # the section's heading
    button: Any = ""  # the submit button's text
    danger: bool = False  # a red button
    multipart: bool = False  # the form carries files

    @property
    def on_demand(self) -> bool:
        return bool(self.title)


def _claim(request: HttpRequest, ticket: Ticket, data: dict[str, Any]) -> Any:
    return services.ticket_claim(actor=request.user, ticket=ticket, request=request)


def _release(request: HttpRequest, ticket: Ticket, data: dict[str, Any]) -> Any:
    return services.ticket_release(actor=request.user, ticket=ticket, request=request)


def _assign(request: HttpRequest, ticket: Ticket, data: dict[str, Any]) -> Any:
    return services.ticket_assign(
        actor=request.user, ticket=ticket, assignee=data["assignee"], request=request
    )


def _route(request: HttpRequest, ticket: Ticket, data: dict[str, Any]) -> Any:
    return services.ticket_route(
        actor=request.user, ticket=ticket, queue=data["queue"], note=data["note"], request=request
    )


def _priority(request: HttpRequest, ticket: Ticket, data: dict[str, Any]) -> Any:
    return services.ticket_set_priority(
        actor=request.user, ticket=ticket, priority=data["priority"], request=request
    )


def _reply(request: HttpRequest, ticket: Ticket, data: dict[str, Any]) -> Any:
    return services.ticket_reply(
        actor=request.user, ticket=ticket, body=data["body"], files=data["files"], request=request
    )


def _note(request: HttpRequest, ticket: Ticket, data: dict[str, Any]) -> Any:
    return services.ticket_add_note(
        actor=request.user, ticket=ticket, body=data["body"], files=data["files"], request=request
    )


def _waiting(request: HttpRequest, ticket: Ticket, data: dict[str, Any]) -> Any:
    return services.ticket_set_waiting(
        actor=request.user, ticket=ticket, message=data["message"], request=request
    )


def _resolve(request: HttpRequest, ticket: Ticket, data: dict[str, Any]) -> Any:
    return services.ticket_resolve(
        actor=request.user, ticket=ticket, message=data["message"], request=request
    )


def _close(request: HttpRequest, ticket: Ticket, data: dict[str, Any]) -> Any:
    return services.ticket_close(actor=request.user, ticket=ticket, request=request)


def _reopen(request: HttpRequest, ticket: Ticket, data: dict[str, Any]) -> Any:
    return services.ticket_reopen(
        actor=request.user, ticket=ticket, message=data["message"], request=request
    )


def _merge(request: HttpRequest, ticket: Ticket, data: dict[str, Any]) -> Any:
    return services.ticket_merge(
        actor=request.user, ticket=ticket, into=data["into"], request=request
    )


def _link(request: HttpRequest, ticket: Ticket, data: dict[str, Any]) -> Any:
    return services.ticket_link(
        actor=request.user, ticket=ticket, other=data["other"], kind=data["kind"], request=request
    )


ACTIONS: dict[str, StaffAction] = {
    action.name: action
    for action in (
        StaffAction("claim", "tomar", EmptyForm, _claim, gettext_lazy("Ahora el caso es suyo.")),
        StaffAction(
            "release",
            "liberar",
            EmptyForm,
            _release,
            gettext_lazy("El caso volvió a la cola sin asignar."),
        ),
        StaffAction(
            "assign",
            "asignar",
            AssignForm,
            _assign,
            gettext_lazy("Caso asignado."),
            title=gettext_lazy("Asignar"),
            button=gettext_lazy("Asignar"),
        ),
        StaffAction(
            "route",
            "derivar",
            RouteForm,
            _route,
            gettext_lazy("Caso derivado."),
            title=gettext_lazy("Derivar a otra cola"),
            button=gettext_lazy("Derivar"),
        ),
        StaffAction(
            "priority",
            "prioridad",
            PriorityForm,
            _priority,
            gettext_lazy("Prioridad actualizada."),
            title=gettext_lazy("Prioridad"),
            button=gettext_lazy("Cambiar prioridad"),
        ),
        StaffAction("reply", "responder", ReplyForm, _reply, gettext_lazy("Respuesta enviada.")),
        StaffAction(
            "note",
            "nota",
            NoteForm,
            _note,
            gettext_lazy("Nota interna agregada."),
            title=gettext_lazy("Nota interna"),
            button=gettext_lazy("Guardar nota"),
            multipart=True,
        ),
        StaffAction(
            "waiting",
            "esperar",
            WaitingForm,
            _waiting,
            gettext_lazy("El caso queda en espera del solicitante."),
            title=gettext_lazy("Esperar al solicitante"),
            button=gettext_lazy("Poner en espera"),
        ),
        StaffAction(
            "resolve",
            "resolver",
            ResolveForm,
            _resolve,
            gettext_lazy("Caso resuelto."),
            title=gettext_lazy("Resolver"),
            button=gettext_lazy("Resolver el caso"),
        ),
        StaffAction("close", "cerrar", EmptyForm, _close, gettext_lazy("Caso cerrado.")),
        StaffAction(
            "reopen",
            "reabrir",
            ReopenForm,
            _reopen,
            gettext_lazy("Caso reabierto."),
            title=gettext_lazy("Reabrir"),
            button=gettext_lazy("Reabrir el caso"),
        ),
        StaffAction(
            "merge",
            "fusionar",
            MergeForm,
            _merge,
            gettext_lazy("Caso fusionado."),
            title=gettext_lazy("Fusionar con un duplicado"),
            button=gettext_lazy("Fusionar"),
            danger=True,
        ),
        StaffAction(
            "link",
            "vincular",
            LinkForm,
            _link,
            gettext_lazy("Casos vinculados."),
            title=gettext_lazy("Vincular con otro caso"),
            button=gettext_lazy("Vincular"),
        ),
    )
}

# The "Otras acciones" sections, in the page's order (the internal note has its own place).
OTHER_ACTIONS = ("assign", "route", "priority", "waiting", "resolve", "reopen", "merge", "link")


@dataclass(frozen=True)
class ActionSection:
    """One on-demand action as the page renders it: collapsed (``form`` None: the form is
    fetched when it is opened) or open with the form that just failed, errors and all."""

    action: StaffAction
    url: str
    form: StaffForm | None = None


def _section(ticket: Ticket, name: str, form: StaffForm | None = None) -> ActionSection:
    url = reverse(f"helpdesk:staff_ticket_{name}", kwargs={"number": ticket.number})
    return ActionSection(ACTIONS[name], url, form)


# --- The page ------------------------------------------------------------------------------------


def _canned_body(request: HttpRequest, ticket: Ticket) -> str:
    """The body of the canned response chosen without JavaScript (``?plantilla=<id>``)."""
    chosen = request.GET.get("plantilla")
    if not chosen:
        return ""
    try:
        return canned_response_get_for(actor=request.user, ticket=ticket, pk=chosen).body
    except Http404:
        return ""


# The conversation shows this many messages a page, the newest page first.
CONVERSATION_PAGE_SIZE = 30


def _conversation_page(request: HttpRequest) -> int:
    """``?conversacion=<n>``: page ``n`` of the conversation counting from the newest (1)."""
    page = plain_int(request.GET.get("conversacion", ""), max_digits=5)
    return page if page else 1


def _history_cursor(request: HttpRequest) -> int | None:
    """``?historial=<seq>``: the timeline page of events older than that one."""
    return plain_int(request.GET.get("historial", ""))


def _render_page(
    request: HttpRequest,
    ticket: Ticket,
    *,
    failed: StaffForm | None = None,
    failed_action: str = "",
    status: int = 200,
) -> HttpResponse:
    actions = staff_ticket_actions(actor=request.user, ticket=ticket)
    # Only the reply form is built here; the other actions' forms are fetched when their
    # section is opened (``staff_ticket_action`` answers a GET), unless one has just failed.
    reply_form: StaffForm | None = None
    if "reply" in actions:
        if failed_action == "reply" and failed is not None:
            reply_form = failed
        else:
            initial = {"body": _canned_body(request, ticket)}
            reply_form = ReplyForm(ticket=ticket, actor=request.user, initial=initial)

    def section(name: str) -> ActionSection:
        return _section(ticket, name, failed if name == failed_action else None)

    sections = [section(name) for name in OTHER_ACTIONS if name in actions]
    note = section("note") if "note" in actions else None
    canned = (
        # The choice shows titles; the body comes when one is picked.
        list(canned_response_list_for(actor=request.user, queue=ticket.queue).only("title"))
        if "reply" in actions
        else []
    )
    # One page of the conversation, oldest first on the page: the newest messages on page 1,
    # one more read to know whether older ones exist (no COUNT).
    page = _conversation_page(request)
    start = (page - 1) * CONVERSATION_PAGE_SIZE
    # Without the ticket joined (it doubles PostgreSQL's planning of this read): the entries'
    # tickets are this one and those merged into it, all already read.
    tickets = {ticket.pk: ticket, **{other.pk: other for other in ticket.merged_from}}
    newest_first = list(
        ticket_entries_for(actor=request.user, ticket=ticket, with_ticket=False).order_by(
            "-created_at", "-id"
        )[start : start + CONVERSATION_PAGE_SIZE + 1]
    )
    for entry in newest_first:
        if entry.ticket_id in tickets:
            TicketEntry.ticket.field.set_cached_value(entry, tickets[entry.ticket_id])
    entries = mark_resolutions(
        ticket=ticket, entries=reversed(newest_first[:CONVERSATION_PAGE_SIZE])
    )
    # The latest resolution message, linked from the summary.
    resolution_entry_id = max((e.pk for e in entries if e.is_resolution), default=None)
    context = {
        "ticket": ticket,
        "actions": actions,
        "reply_form": reply_form,
        "note_section": note,
        "sections": sections,
        "clocks": ticket_sla_clocks(ticket),
        "answers": form_answers(service_form_fields(ticket.service_id), ticket.form_data or {}),
        "entries": entries,
        "conversation_page": page,
        "conversation_older": page + 1 if len(newest_first) > CONVERSATION_PAGE_SIZE else None,
        "conversation_newer": page - 1 if page > 1 else None,
        "resolution_entry_id": resolution_entry_id,
        "timeline": ticket_timeline(ticket=ticket, before=_history_cursor(request)),
        "canned_responses": canned,
        "process_status": process_status_label(ticket.process.status) if ticket.process else "",
    }
    return render(request, "helpdesk/staff/ticket_detail.html", context, status=status)


@require_GET
@login_required
def staff_ticket(request: HttpRequest, number: str) -> HttpResponse:
    ticket = ticket_get_for_staff(actor=request.user, number=number, detail=True)
    return _render_page(request, ticket)


@require_GET
@login_required
def staff_ticket_canned(request: HttpRequest, number: str) -> HttpResponse:
    """The reply box filled with a canned response: an htmx fragment (``?plantilla=<id>``);
    without htmx, back to the page with the same choice (the page fills the box itself)."""
    ticket = ticket_get_for_staff(actor=request.user, number=number)
    chosen = request.GET.get("plantilla", "")
    if not getattr(request, "htmx", False):
        target = reverse("helpdesk:staff_ticket", kwargs={"number": ticket.number})
        return redirect(f"{target}?plantilla={chosen}#responder" if chosen else target)
    if not staff_ticket_actions(actor=request.user, ticket=ticket).reply:
        raise Http404
    body = canned_response_get_for(actor=request.user, ticket=ticket, pk=chosen).body
    form = ReplyForm(ticket=ticket, actor=request.user, initial={"body": body})
    return render(request, "helpdesk/staff/_reply_body.html", {"field": form["body"]})


def _add_errors(form: StaffForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _after(request: HttpRequest, action: str, ticket: Ticket, data: dict[str, Any]) -> str:
    """Where to go after a successful action: the ticket page, the merge target's page, or —
    when the ticket left the actor's queues (routed elsewhere) — the work queue."""
    if action == "merge":
        ticket = data["into"]
    if ticket_find_for_staff(actor=request.user, number=ticket.number) is not None:
        return reverse("helpdesk:staff_ticket", kwargs={"number": ticket.number})
    try:
        return reverse("work:bandeja")
    except NoReverseMatch:
        return reverse("home")


def _action_form(request: HttpRequest, number: str, spec: StaffAction) -> HttpResponse:
    """GET on an action's URL: its empty form, for the page's section (an htmx fragment) or as
    a page of its own (without JavaScript). 404 where the POST is: a ticket outside the actor's
    queues, and an action not available now."""
    if not spec.on_demand:
        return HttpResponseNotAllowed(["POST"])
    ticket = ticket_get_for_staff(actor=request.user, number=number)
    if spec.name not in staff_ticket_actions(actor=request.user, ticket=ticket):
        raise Http404
    section = _section(ticket, spec.name, spec.form_class(ticket=ticket, actor=request.user))
    context = {"ticket": ticket, "section": section}
    if getattr(request, "htmx", False):
        response = render(request, "helpdesk/staff/_action_body.html", context)
    else:
        response = render(request, "helpdesk/staff/ticket_action.html", context)
    # The same URL answers a fragment or a page: caches must tell them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_http_methods(["GET", "POST"])
@login_required
def staff_ticket_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    spec = ACTIONS[action]
    if request.method == "GET":
        return _action_form(request, number, spec)
    ticket = ticket_get_for_staff(actor=request.user, number=number)
    form = spec.form_class(request.POST, request.FILES, ticket=ticket, actor=request.user)
    if form.is_valid():
        try:
            spec.perform(request, ticket, form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, str(spec.done))
            return redirect(_after(request, action, ticket, form.cleaned_data))
    messages.error(request, _("Revise los datos del formulario."))
    ticket = ticket_get_for_staff(actor=request.user, number=number, detail=True)
    return _render_page(request, ticket, failed=form, failed_action=action, status=400)


urlpatterns = [
    path("mesa/casos/<str:number>/", staff_ticket, name="staff_ticket"),
    path(
        "mesa/casos/<str:number>/respuesta-predefinida/",
        staff_ticket_canned,
        name="staff_ticket_canned",
    ),
    *(
        path(
            f"mesa/casos/<str:number>/{action.slug}/",
            staff_ticket_action,
            {"action": action.name},
            name=f"staff_ticket_{action.name}",
        )
        for action in ACTIONS.values()
    ),
]
