"""The Bandeja page: the work waiting for the signed-in person, with bulk claim and assign.

Everyone whose roles can have work has one (``core.accounts.choices.WORK_ROLES``); others get
403 and no link.

Thin: parse the request, call ``core.work``, render. Filters are plain GET parameters (the page
works without JavaScript); htmx swaps only the results when they change.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from core.parsers import plain_int

from .access import can_use_workqueue, is_supervisor
from .bandeja import work_queue
from .bulk import work_queue_assign, work_queue_claim
from .items import MAX_LIMIT, ActionResult, ItemRef, WorkFilters
from .registry import (
    assignable_people,
    get_source,
    wider_searches,
    work_kinds,
    work_priorities,
)

# GET parameters of the page (Spanish: people read and share these URLs).
FILTER_PARAMS = ("q", "cola", "tipo", "prioridad", "vencidos", "ver")
SECTION_ASSIGNED = "asignados"
SECTION_AVAILABLE = "disponibles"


def _require_work_role(request: HttpRequest) -> None:
    if not can_use_workqueue(request.user):
        raise PermissionDenied


class WorkQueueFilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Buscar"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Número, asunto, nombre del trámite o del proceso."),
    )
    cola = forms.CharField(
        label=gettext_lazy("Cola"), required=False, max_length=120, widget=forms.Select
    )
    tipo = forms.ChoiceField(label=gettext_lazy("Tipo"), required=False)
    prioridad = forms.ChoiceField(
        label=gettext_lazy("Prioridad"),
        required=False,
    )
    vencidos = forms.BooleanField(label=gettext_lazy("Solo vencidos"), required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tipo"].choices = [("", _("Todos")), *work_kinds(actor=actor)]
        priorities = work_priorities(actor=actor)
        if priorities:
            self.fields["prioridad"].choices = [("", _("Todas")), *priorities]
        else:  # none of the actor's work carries a priority
            del self.fields["prioridad"]

    def filters(self) -> WorkFilters:
        """The valid filters; an invalid value (a tampered URL) filters nothing."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return WorkFilters(
            queue=data.get("cola") or "",
            kind=data.get("tipo") or "",
            priority=data.get("prioridad") or "",
            overdue_only=bool(data.get("vencidos")),
            text=data.get("q") or "",
        )


def _kept_filters(data: QueryDict) -> str:
    """The filter parameters of ``data`` (and nothing else), URL-encoded."""
    kept = QueryDict(mutable=True)
    for name in FILTER_PARAMS:
        value = data.get(name)
        if value:
            kept[name] = value[:120]
    return kept.urlencode()


def _workqueue_url(query: str = "") -> str:
    url = reverse("work:bandeja")
    return f"{url}?{query}" if query else url


@require_GET
@login_required
def workqueue_page(request: HttpRequest) -> HttpResponse:
    _require_work_role(request)
    form = WorkQueueFilterForm(request.GET, actor=request.user)
    filters = form.filters()
    expanded = request.GET.get("ver")
    bandeja = work_queue(
        actor=request.user,
        filters=filters,
        assigned_limit=MAX_LIMIT if expanded == SECTION_ASSIGNED else None,
        available_limit=MAX_LIMIT if expanded == SECTION_AVAILABLE else None,
    )
    queue_choices = [("", _("Todas"))]
    queue_choices += [(chip.key, f"{chip.label} ({chip.total})") for chip in bandeja.queues]
    if filters.queue and filters.queue not in {chip.key for chip in bandeja.queues}:
        queue_choices.append((filters.queue, filters.queue))
    form.fields["cola"].widget.choices = queue_choices
    supervisor = is_supervisor(request.user)
    context = {
        "form": form,
        "filters": filters,
        "bandeja": bandeja,
        "supervisor": supervisor,
        "technicians": list(assignable_people(actor=request.user)) if supervisor else [],
        "kept_filters": _kept_filters(request.GET),
        "max_limit": MAX_LIMIT,
        "section_assigned": SECTION_ASSIGNED,
        "section_available": SECTION_AVAILABLE,
        "wider_searches": _wider_searches(request, filters.text),
    }
    # htmx swaps the filters and results (not the whole page) when the filters change.
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        return render(request, "work/_bandeja.html", context)
    return render(request, "work/bandeja.html", context)


def _wider_searches(request: HttpRequest, text: str) -> list[dict[str, str]]:
    """Links that run the Bandeja's search text on wider pages (closed tickets too)."""
    if not text:
        return []
    links = []
    for url_name, label in wider_searches(actor=request.user):
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        links.append({"url": f"{url}?{urlencode({'q': text})}", "label": str(label) % {"q": text}})
    return links


def _item_label(result: ActionResult) -> str:
    source = get_source(result.kind)
    kind = str(source.label) if source is not None else result.kind
    return _("%(kind)s %(id)s") % {"kind": kind, "id": result.id}


def _report(
    request: HttpRequest, results: list[ActionResult], done: Callable[[int], str], **extra: str
) -> None:
    """One success line naming what worked, one warning line per item that did not."""
    worked = [_item_label(result) for result in results if result.ok]
    if worked:
        text = done(len(worked)) % {"count": len(worked), "items": ", ".join(worked), **extra}
        messages.success(request, text)
    for result in results:
        if not result.ok:
            messages.warning(
                request,
                _("%(item)s: %(reason)s") % {"item": _item_label(result), "reason": result.message},
            )


def _claimed_text(count: int) -> str:
    return ngettext(
        "Tomó %(count)d elemento: %(items)s.", "Tomó %(count)d elementos: %(items)s.", count
    )


def _assigned_text(count: int) -> str:
    return ngettext(
        "Asignó %(count)d elemento a %(name)s: %(items)s.",
        "Asignó %(count)d elementos a %(name)s: %(items)s.",
        count,
    )


def _chosen_technician(request: HttpRequest) -> Any:
    chosen = plain_int(request.POST.get("tecnico") or "")
    if chosen is None:
        return None
    return assignable_people(actor=request.user).filter(pk=chosen).first()


@require_POST
@login_required
def workqueue_action(request: HttpRequest) -> HttpResponse:
    """Bulk actions on the selected items: claim them, or (supervisors) assign them. Each item
    is handled on its own; the messages say which worked and why the others did not."""
    _require_work_role(request)
    back = _workqueue_url(_kept_filters(QueryDict(request.POST.get("filtros", ""))))
    refs = [ref for ref in map(ItemRef.parse, request.POST.getlist("item")) if ref is not None]
    action = request.POST.get("accion")
    if action not in ("tomar", "asignar"):
        messages.error(request, _("Acción no válida."))
        return HttpResponseRedirect(back)
    if action == "asignar" and not is_supervisor(request.user):
        raise PermissionDenied
    if not refs:
        messages.error(request, _("Seleccione al menos un elemento."))
        return HttpResponseRedirect(back)
    if action == "tomar":
        results = work_queue_claim(actor=request.user, items=refs, request=request)
        _report(request, results, _claimed_text)
        return HttpResponseRedirect(back)
    assignee = _chosen_technician(request)
    if assignee is None:
        messages.error(request, _("Elija a qué técnico asignar los elementos."))
        return HttpResponseRedirect(back)
    results = work_queue_assign(actor=request.user, items=refs, assignee=assignee, request=request)
    _report(request, results, _assigned_text, name=assignee.get_full_name())
    return HttpResponseRedirect(back)
