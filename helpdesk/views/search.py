"""The ticket search page for staff (``mesa/buscar/``): the tickets of the queues one serves that
match a case number or words, best first (``helpdesk.search.ticket_search``).

Thin: parse the GET form, call the search, page the results. Plain GET parameters in Spanish
(people share these URLs); no JavaScript needed.
"""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from helpdesk.choices import ACTIVE_STATUSES, TicketStatus
from helpdesk.conf import helpdesk_settings
from helpdesk.models import Queue
from helpdesk.permissions import is_helpdesk_staff
from helpdesk.search import (
    MAX_QUERY_CHARS,
    SearchTooBroadError,
    normalize_query,
    search_time_limit,
    ticket_search_results,
)
from helpdesk.selectors import queue_list_for_staff

PAGE_SIZE = 25
PAGE_PARAM = "page"
STATUS_ALL = "todos"
STATUS_ACTIVE = "activos"


def _require_staff(request: HttpRequest) -> None:
    # The search serves the help desk's staff (technicians, supervisors).
    if not is_helpdesk_staff(request.user):
        raise PermissionDenied


def _example_number() -> str:
    digits = helpdesk_settings.TICKET_NUMBER_DIGITS
    year = timezone.localdate().year
    return f"{helpdesk_settings.TICKET_PREFIX}-{year}-{123:0{digits}d}"


class TicketSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Buscar casos"),
        required=False,
        max_length=MAX_QUERY_CHARS,
        widget=forms.SearchInput,
    )
    estado = forms.ChoiceField(
        label=gettext_lazy("Estado"),
        required=False,
        choices=[
            (STATUS_ALL, gettext_lazy("Todos")),
            (STATUS_ACTIVE, gettext_lazy("En curso")),
            *TicketStatus.choices,
        ],
    )
    cola = forms.ChoiceField(label=gettext_lazy("Cola"), required=False)

    def __init__(self, *args: Any, queues: list[Queue], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queues = {queue.code: queue for queue in queues}
        self.fields["cola"].choices = [
            ("", _("Todas mis colas")),
            *((queue.code, queue.name) for queue in queues),
        ]
        self.fields["q"].help_text = _(
            'Escriba un número de caso (como %(number)s), palabras, "una frase entre comillas" '
            "o -palabra para excluir los casos que la tengan."
        ) % {"number": _example_number()}

    def statuses(self) -> tuple[str, ...] | None:
        chosen = self.cleaned_data.get("estado") or STATUS_ALL
        if chosen == STATUS_ALL:
            return None
        if chosen == STATUS_ACTIVE:
            return ACTIVE_STATUSES
        return (chosen,)

    def queue(self) -> Queue | None:
        return self.queues.get(self.cleaned_data.get("cola") or "")


@require_GET
@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    queues = list(queue_list_for_staff(actor=request.user).order_by("name", "pk"))
    form = TicketSearchForm(request.GET, queues=queues)
    query = ""
    page = None
    # An invalid status or queue (a tampered URL) shows the form's error and searches nothing.
    if form.is_valid():
        query = normalize_query(form.cleaned_data["q"])
    too_broad = ""
    results = None
    if query:
        try:
            with search_time_limit():  # the plan, the count and the page run inside the limit
                results = ticket_search_results(
                    actor=request.user, q=query, queue=form.queue(), statuses=form.statuses()
                )
                page = Paginator(results.tickets, PAGE_SIZE).get_page(request.GET.get(PAGE_PARAM))
                page.object_list = list(page.object_list)
        except SearchTooBroadError as exc:
            page, too_broad = None, str(exc)
    # Frequent words: only the newest matches are ranked, and a full window means "more".
    window = results.recent_window if results is not None and page is not None else None
    context = {
        "form": form,
        "query": query,
        "page": page,
        "too_broad": too_broad,
        "recent_window": window,
        "recent_scan": results.recent_scan if window else None,
        "more_than_shown": bool(window) and page.paginator.count >= window,
    }
    return render(request, "helpdesk/search/results.html", context)


urlpatterns = [
    path("mesa/buscar/", search_page, name="search"),
]
