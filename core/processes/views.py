"""Pages of processes: the generic task page (``process:task``), the process page
(``process:detail``) and the auditors' list (``process:list``).

Thin: read through ``core.work.tasks_page`` / ``core.processes.selectors``, write only through
``core.workflow.task_action``. A step's form is the node's own (``RoleTask(form_class, ...)``);
an invalid form re-renders the page with its errors and nothing changes. viewflow's own views
are never mounted.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from viewflow.workflow.status import PROCESS

from core.accounts.stepup import is_recently_reauthenticated, step_up_url
from core.diagrams import diagram_csp, flow_diagram
from core.exceptions import Conflict
from core.widgets import SalvadoranDateInput
from core.work import (
    task_acting_role,
    task_flow_label,
    task_get_for,
    task_node_label,
    task_process_title,
)
from core.work.tasks_page import task_due_at
from core.workflow import TASK_STATUS_LABELS, available_task_actions, task_action

from .selectors import (
    PROCESS_STATUS_LABELS,
    ProcessFilters,
    is_process_auditor,
    process_flow_choices,
    process_list_for,
    process_page_get_for,
    process_row_label,
)

# The actions the task page offers (others belong to flow managers).
TASK_PAGE_ACTIONS = ("assign", "unassign", "execute")
PAGE_SIZE = 50

_TASK_DONE = {
    "assign": gettext_lazy("Tomó la tarea."),
    "unassign": gettext_lazy("Liberó la tarea: vuelve a estar disponible."),
    "execute": gettext_lazy("Tarea realizada."),
}


def _step_form(task: Any, data: Any = None) -> forms.BaseForm | None:
    get_form = getattr(task.flow_task, "get_form", None)
    return get_form(data) if get_form is not None else None


def process_details(process: Any, viewer: Any) -> list[dict[str, Any]]:
    """What the process is about, for the people who work or audit it: the flow's
    ``process_details(process, viewer)`` hook (rows of ``label``, ``value`` and an optional
    ``url``, e.g. the evidence to check), or nothing."""
    hook = getattr(process.flow_class.instance, "process_details", None) if process else None
    return list(hook(process, viewer)) if hook is not None else []


def _task_context(request: HttpRequest, task: Any, form: Any = None) -> dict[str, Any]:
    actions = [
        action
        for action in available_task_actions(actor=request.user, task=task)
        if action.name in TASK_PAGE_ACTIONS
    ]
    mine = task.owner_id == request.user.pk
    refusal = getattr(task.flow_task, "refusal_reason", None)
    reason = refusal(request.user, task) if refusal is not None and not mine else ""
    execute = next((a for a in actions if a.name == "execute"), None)
    if execute is not None and form is None:
        form = _step_form(task)
    return {
        "task": task,
        "flow_label": task_flow_label(task),
        "node_label": task_node_label(task),
        "process_title": task_process_title(task),
        "status_label": TASK_STATUS_LABELS.get(task.status, task.status),
        "owner_name": task.owner.get_full_name() if task.owner_id else "",
        "due_at": task_due_at(task),
        "mine": mine,
        "actions": [a for a in actions if a.name != "execute"],
        "execute": execute,
        "form": form if execute is not None else None,
        "refusal": reason,
        "details": process_details(task.process, request.user),
    }


def _needs_step_up(request: HttpRequest, task: Any) -> bool:
    """Whether the task's node asks for a fresh re-authentication this session lacks."""
    return bool(getattr(task.flow_task, "step_up", False)) and not (
        is_recently_reauthenticated(request)
    )


@require_GET
@login_required
def task_page(request: HttpRequest, pk: int) -> HttpResponse:
    task = task_get_for(actor=request.user, pk=pk)
    context = _task_context(request, task)
    if context["execute"] is not None and _needs_step_up(request, task):
        # The step's form is shown only after a fresh re-authentication (docs/security.md §1.8).
        return redirect(step_up_url(reverse("process:task", kwargs={"pk": task.pk})))
    return render(request, "processes/task.html", context)


@require_POST
@login_required
def task_action_page(request: HttpRequest, pk: int) -> HttpResponse:
    task = task_get_for(actor=request.user, pk=pk)
    action = request.POST.get("accion", "")
    if action not in TASK_PAGE_ACTIONS:
        messages.error(request, _("Acción no válida."))
        return redirect("process:task", pk=pk)
    fn = None
    if action == "execute" and _needs_step_up(request, task):
        # Refused before anything is read or written; the page sends them to re-authenticate.
        messages.warning(
            request, _("Confirme su identidad de nuevo para realizar este paso: no se guardó nada.")
        )
        return redirect(step_up_url(reverse("process:task", kwargs={"pk": task.pk})))
    if action == "execute":
        form = _step_form(task, request.POST)
        if form is not None:
            if not form.is_valid():
                context = _task_context(request, task, form=form)
                return render(request, "processes/task.html", context, status=400)

            def fn(activation: Any, form: Any = form) -> None:
                task.flow_task.save_form(form, activation)

    try:
        task_action(
            actor=request.user,
            task=task,
            action=action,
            request=request,
            role=task_acting_role(actor=request.user, task=task),
            fn=fn,
        )
    except Conflict as exc:
        messages.error(request, exc.reason)
        return redirect("process:task", pk=pk)
    except PermissionDenied as exc:
        if not str(exc):
            raise
        # A refusal with a reason (separation of duties): say it on the page, change nothing.
        context = _task_context(request, task)
        context["refusal"] = str(exc)
        return render(request, "processes/task.html", context, status=403)
    messages.success(request, str(_TASK_DONE[action]))
    if action == "assign":
        return redirect("process:task", pk=pk)
    return redirect("work:bandeja")


@require_GET
@login_required
@diagram_csp
def process_page(request: HttpRequest, pk: int) -> HttpResponse:
    page = process_page_get_for(actor=request.user, pk=pk)
    # The path comes from the tasks the page already read (no query of its own).
    diagram = flow_diagram(
        page.process.flow_class, taken=page.taken, current=page.current, title=page.title
    )
    context = {
        "page": page,
        "diagram": diagram,
        "auditor": is_process_auditor(request.user),
        "details": process_details(page.process, request.user),
    }
    return render(request, "processes/detail.html", context)


class ProcessFilterForm(forms.Form):
    flujo = forms.ChoiceField(label=gettext_lazy("Trámite"), required=False)
    estado = forms.ChoiceField(
        label=gettext_lazy("Estado"),
        required=False,
        choices=[
            ("", gettext_lazy("Todos")),
            *[(value, PROCESS_STATUS_LABELS[value]) for value in PROCESS.values],
        ],
    )
    # Typed dd/mm/aaaa like every date in SIGES (a native picker follows the browser's language).
    desde = forms.DateField(
        label=gettext_lazy("Desde"), required=False, widget=SalvadoranDateInput()
    )
    hasta = forms.DateField(
        label=gettext_lazy("Hasta"), required=False, widget=SalvadoranDateInput()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["flujo"].choices = [("", _("Todos")), *process_flow_choices()]

    def filters(self) -> ProcessFilters:
        """The valid filters; an invalid value (a tampered URL) filters nothing."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return ProcessFilters(
            flow=data.get("flujo") or "",
            status=data.get("estado") or "",
            since=data.get("desde"),
            until=data.get("hasta"),
        )


@require_GET
@login_required
def process_list(request: HttpRequest) -> HttpResponse:
    if not is_process_auditor(request.user):
        raise PermissionDenied
    form = ProcessFilterForm(request.GET)
    rows = process_list_for(actor=request.user, filters=form.filters())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = [
        {
            "process": process,
            "url": reverse("process:detail", kwargs={"pk": process.pk}),
            **process_row_label(process),
        }
        for process in page
    ]
    return render(request, "processes/list.html", {"form": form, "page": page, "items": items})
