"""The generic page of a workflow task whose flow has no pages of its own (the Bandeja itself
lives in ``core.work``; ``/mesa/bandeja/`` redirects there)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import RedirectView

from core.exceptions import Conflict
from core.work import (
    can_use_workqueue,
    task_acting_role,
    task_flow_label,
    task_get_for,
    task_node_label,
    task_process_title,
    task_url,
)
from core.workflow import TASK_STATUS_LABELS, available_task_actions, task_action

# The actions a task's generic page offers (others belong to flow managers).
TASK_PAGE_ACTIONS = ("assign", "unassign", "execute")


def _require_staff(request: HttpRequest) -> None:
    if not can_use_workqueue(request.user):
        raise PermissionDenied


# --- The generic page of a workflow task -------------------------------------------------------


@require_GET
@login_required
def task_page(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    task = task_get_for(actor=request.user, pk=pk)
    actions = [
        action
        for action in available_task_actions(actor=request.user, task=task)
        if action.name in TASK_PAGE_ACTIONS
    ]
    own_page = task_url(task)
    context = {
        "task": task,
        "flow_label": task_flow_label(task),
        "node_label": task_node_label(task),
        "process_title": task_process_title(task),
        "status_label": TASK_STATUS_LABELS.get(task.status, task.status),
        "owner_name": task.owner.get_full_name() if task.owner_id else "",
        "mine": task.owner_id == request.user.pk,
        "actions": actions,
        "flow_page": own_page if own_page != request.path else "",
    }
    return render(request, "helpdesk/workqueue/task.html", context)


_TASK_DONE = {
    "assign": gettext_lazy("Tomó la tarea."),
    "unassign": gettext_lazy("Liberó la tarea: vuelve a estar disponible."),
    "execute": gettext_lazy("Tarea realizada."),
}


@require_POST
@login_required
def task_action_page(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    task = task_get_for(actor=request.user, pk=pk)
    action = request.POST.get("accion", "")
    if action not in TASK_PAGE_ACTIONS:
        messages.error(request, _("Acción no válida."))
        return redirect("helpdesk:workqueue_task", pk=pk)
    try:
        task_action(
            actor=request.user,
            task=task,
            action=action,
            request=request,
            role=task_acting_role(actor=request.user, task=task),
        )
    except Conflict as exc:
        messages.error(request, exc.reason)
        return redirect("helpdesk:workqueue_task", pk=pk)
    messages.success(request, str(_TASK_DONE[action]))
    if action == "assign":
        return redirect("helpdesk:workqueue_task", pk=pk)
    return redirect("helpdesk:workqueue")


urlpatterns = [
    # The Bandeja moved to core.work (``work:bandeja``); old links keep working.
    path(
        "mesa/bandeja/",
        RedirectView.as_view(pattern_name="work:bandeja", query_string=True),
        name="workqueue",
    ),
    path("mesa/tareas/<int:pk>/", task_page, name="workqueue_task"),
    path("mesa/tareas/<int:pk>/accion/", task_action_page, name="workqueue_task_action"),
]
