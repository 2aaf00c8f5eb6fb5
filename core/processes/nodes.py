"""Flow nodes that say who may start a process and who may work a task, by role and scope.

A flow names the people of each step in one line, with the grants of ``core.accounts.scopes``::

    from datetime import timedelta

    from viewflow import this
    from viewflow.workflow import flow, lock

    from core.accounts.choices import Role
    from core.accounts.scopes import ScopePaths
    from core.processes.forms import DecisionForm
    from core.processes.nodes import RoleStart, RoleTask


    class CorrectionFlow(flow.Flow):
        \"\"\"Corrección de datos personales\"\"\"

        process_class = CorrectionProcess  # a viewflow Process subclass with ``department``
        lock_impl = lock.select_for_update_lock  # required by core.workflow

        start = RoleStart(this.start_process, roles=[Role.CITIZEN]).Next(this.check)
        # Any technician (a national grant or one covering the process's department).
        check = RoleTask(
            DecisionForm,
            roles=[Role.TECHNICIAN],
            scope=ScopePaths(department="department_id"),
            due=timedelta(hours=8),
        ).Next(this.approve)
        # Officers of this department; never the person who checked the evidence.
        approve = RoleTask(
            DecisionForm,
            roles=[Role.DEPARTMENTAL_OFFICER],
            scope=ScopePaths(department="department_id"),
            exclude_actors_of=("check",),
            due=timedelta(hours=16),
        ).Next(this.end)
        end = flow.End()

        def start_process(self, activation, person, department):
            activation.process.person = person
            activation.process.department = department
            return activation.process

    # Started from code (a service), never by a viewflow view:
    process = core.workflow.process_start(
        actor=citizen, flow_class=CorrectionFlow, seed=ticket, person=person, department=dep
    )

``scope`` paths are ORM lookups from the flow's process model (``process_class``) to the id of
each scope target (``"school_id"``, ``"school__municipality__department_id"``, or
``"data__school_id"`` for a key of viewflow's ``Process.data``); ``scope=None`` means every
holder of one of ``roles``, whatever their grant covers. The same rule gives the Bandeja one
query for the tasks an actor may take (``work_queue_q``) and answers for a single task
(``can_assign`` / ``can_execute``), so a list and a page never disagree.

A task worked through ``core.workflow.task_action(action="execute", fn=...)`` saves its form
with ``RoleTask.save_form``: the form's ``apply(activation)`` if it has one, else its cleaned
data into ``task.data`` and ``process.data[<node name>]``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields as dataclass_fields
from typing import Any

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from viewflow.workflow import flow
from viewflow.workflow.nodes.view import ViewActivation

from core.accounts.choices import Role
from core.accounts.scopes import ScopePaths, active_grants, covers, has_role, scope_q
from core.work.flow_nodes import _flow_label as flow_label
from core.work.flow_nodes import _node_label as node_label
from core.work.flow_nodes import _subclass_path as subclass_path

# The roles whose holders are told when a task of theirs is overdue (same scope as the task).
DEFAULT_ESCALATE_TO: tuple[str, ...] = (Role.SUPERVISOR,)


def process_prefix(flow_class: Any) -> str:
    """The lookup prefix from viewflow's ``Task`` to the fields of ``flow_class``'s process."""
    from viewflow.workflow.models import Process

    below = subclass_path(flow_class.process_class, Process)
    return f"process__{below}__" if below else "process__"


def _prefixed(paths: ScopePaths, prefix: str) -> ScopePaths:
    values = {
        f.name: (None if getattr(paths, f.name) is None else prefix + getattr(paths, f.name))
        for f in dataclass_fields(paths)
    }
    return ScopePaths(**values)


def _json_safe(value: Any) -> Any:
    import json

    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


class RoleStart(flow.StartHandle):
    """A start from code that says who may start: holders of ``roles`` (``None``: anyone,
    including the system), within ``scope(data)`` — the ids of the targets the new process
    is about (``covers`` keywords, e.g. ``{"school_id": 3}``) computed from ``process_start``'s
    data.

    ::

        start = RoleStart(this.start_process, roles=[Role.DIRECTOR],
                          scope=lambda data: {"school_id": data["school"].pk})
    """

    def __init__(
        self,
        func: Any = None,
        undo_func: Any = None,
        *,
        roles: Iterable[str] | None = None,
        scope: Callable[[dict[str, Any]], dict[str, int | None]] | None = None,
    ) -> None:
        super().__init__(func, undo_func)
        self.roles = None if roles is None else frozenset(roles)
        self.scope = scope

    def can_start(self, user: Any, data: dict[str, Any]) -> bool:
        if self.roles is None:
            return True
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        grants = [grant for grant in active_grants(user) if grant.role in self.roles]
        if self.scope is None:
            return bool(grants)
        targets = self.scope(data)
        return any(covers(grant, **targets) for grant in grants)

    def start_role(self, user: Any) -> str:
        """The role under which ``user`` starts (for the audit event); ``""`` if none applies."""
        if self.roles is None or user is None:
            return ""
        return next((g.role for g in active_grants(user) if g.role in self.roles), "")


class RoleTaskActivation(ViewActivation):
    """viewflow's activation of a human task, plus its due time when the node declares one."""

    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        activation = super().create(flow_task, prev_activation, token, data=data, seed=seed)
        flow_task.record_due(activation.task)
        return activation


class RoleTask(flow.View):
    """A human task offered to holders of ``roles`` whose grant covers the process's ``scope``.

    - ``form_class``: the Django form the task page shows; a valid POST executes the task.
    - ``roles`` / ``scope``: who may take and do it (``ScopePaths`` from the process model).
    - ``exclude_actors_of``: names of earlier nodes of the same flow; whoever did (owned) one
      of them in this process may not take or do this one (separation of duties).
    - ``due``: business time from the task's creation until it is due (``core/calendar.py``);
      ``remind_before`` (default: a quarter of ``due``) sets when the assignee is reminded.
      Once overdue it is escalated to holders of ``escalate_to`` (default: supervisors) whose
      grant covers the same scope.
    - ``label``: the Spanish name of the step (else viewflow's ``task_title``).
    - ``step_up``: the task page asks for a fresh re-authentication
      (``core.accounts.stepup``) before it shows the step's form or accepts it: a GET is sent
      to the step-up page and back, a POST without one is refused and changes nothing. A
      service that executes such a task from another pathway checks
      ``core.accounts.stepup.is_recently_reauthenticated`` itself.
    """

    activation_class = RoleTaskActivation

    def __init__(
        self,
        form_class: type[forms.BaseForm],
        *,
        roles: Sequence[str],
        scope: ScopePaths | None = None,
        exclude_actors_of: Sequence[str] = (),
        due: dt.timedelta | None = None,
        remind_before: dt.timedelta | None = None,
        escalate_to: Sequence[str] = DEFAULT_ESCALATE_TO,
        label: Any = "",
        step_up: bool = False,
    ) -> None:
        if not roles:
            raise ValueError("RoleTask needs at least one role")
        super().__init__(view=None)
        self.form_class = form_class
        self.roles = frozenset(roles)
        self.scope = scope
        self.exclude_actors_of = tuple(exclude_actors_of)
        self.due = due
        self.remind_before = (
            remind_before if remind_before is not None else (due or dt.timedelta()) / 4
        )
        self.escalate_to = tuple(escalate_to)
        self.step_up = step_up
        if label:
            self.task_title = label

    # --- who --------------------------------------------------------------------------------

    def _excluded_nodes(self) -> list[Any]:
        nodes = []
        for name in self.exclude_actors_of:
            node = getattr(self.flow_class.instance, name, None)
            if node is None:
                raise ImproperlyConfigured(
                    f"{self.flow_class.__name__}.{self.name}: exclude_actors_of names "
                    f"{name!r}, which is not a node of the flow"
                )
            nodes.append(node)
        return nodes

    def task_scope_paths(self) -> ScopePaths | None:
        """``scope`` as lookups from viewflow's ``Task``."""
        if self.scope is None:
            return None
        return _prefixed(self.scope, process_prefix(self.flow_class))

    def _role_q(self, user: Any) -> Q | None:
        if self.scope is None:
            return Q() if has_role(user, self.roles) else None
        return scope_q(user, self.roles, self.task_scope_paths())

    def _separation_q(self, user: Any) -> Q:
        excluded = self._excluded_nodes()
        if not excluded:
            return Q()
        from viewflow.workflow.models import Task

        did = Task.objects.filter(flow_task__in=excluded, owner=user).values("process_id")
        return ~Q(process_id__in=did)

    def work_queue_q(self, user: Any) -> Q | None:
        """The tasks of this node ``user`` may take, as a condition on viewflow's ``Task``;
        ``None`` when there are none (the Bandeja asks this once per node)."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return None
        condition = self._role_q(user)
        if condition is None:
            return None
        return Q(flow_task=self) & condition & self._separation_q(user)

    def in_scope(self, user: Any, task: Any) -> bool:
        """Whether ``task`` is within ``user``'s roles and scope (separation of duties aside)."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        condition = self._role_q(user)
        if condition is None:
            return False
        if not condition:
            return True
        return type(task)._default_manager.filter(condition, pk=task.pk).exists()

    def separation_reason(self, user: Any, task: Any) -> str:
        """Why ``user`` may not work ``task`` because of an earlier step they did; ``""`` if
        nothing stands in the way."""
        excluded = self._excluded_nodes()
        if not excluded or user is None or task.process_id is None:
            return ""
        from viewflow.workflow.models import Task

        done = (
            Task.objects.filter(process_id=task.process_id, flow_task__in=excluded, owner=user)
            .values_list("flow_task", flat=True)
            .first()
        )
        if done is None:
            return ""
        return gettext(
            "Usted realizó el paso «%(step)s» de este trámite: "
            "otra persona debe realizar «%(this)s»."
        ) % {"step": node_label(done), "this": node_label(self)}

    def can_work(self, user: Any, task: Any) -> bool:
        """Whether ``user`` may work ``task`` whoever owns it now (e.g. to be given it)."""
        return self.in_scope(user, task) and not self.separation_reason(user, task)

    def can_assign(self, user: Any, task: Any) -> bool:
        if task.owner_id or task.pk is None:
            return False
        return self.can_work(user, task)

    def can_execute(self, user: Any, task: Any) -> bool:
        # Still in scope now: a grant that ended since the task was taken no longer counts.
        if user is None or task.owner_id != getattr(user, "pk", None):
            return False
        return self.can_work(user, task)

    def refusal_reason(self, user: Any, task: Any) -> str:
        """The Spanish sentence for a refusal the person can act on (``core.workflow`` answers
        403 with it); ``""`` when the refusal has no reason to tell."""
        return self.separation_reason(user, task)

    # --- the form ---------------------------------------------------------------------------

    def get_form(self, data: Any = None) -> forms.BaseForm:
        return self.form_class(data=data)

    def save_form(self, form: forms.BaseForm, activation: Any) -> None:
        """Save a valid ``form`` into the task and its process (inside ``task_action``)."""
        apply = getattr(form, "apply", None)
        if apply is not None:
            apply(activation)
            return
        cleaned = _json_safe(form.cleaned_data)
        activation.task.data = cleaned
        process = activation.process
        if isinstance(getattr(process, "data", None), dict):
            process.data[self.name] = cleaned
            process.save(update_fields=["data"])

    # --- due time ---------------------------------------------------------------------------

    def record_due(self, task: Any) -> None:
        if self.due is None:
            return
        from core.calendar import add_business_time

        from .models import TaskDue

        start = task.created or timezone.now()
        TaskDue.objects.create(
            task=task,
            due_at=add_business_time(start, self.due),
            remind_at=add_business_time(start, self.due - self.remind_before),
        )

    def eligible_people(self, task: Any) -> Any:
        """Who may take ``task`` (reminded when nobody has): holders of ``roles`` whose grant
        covers the process, except whoever did a step of ``exclude_actors_of``. A node with its
        own rule of who may work it overrides this too."""
        from viewflow.workflow.models import Task

        from .services import people_in_scope

        exclude = None
        excluded = self._excluded_nodes()
        if excluded:
            did = Task.objects.filter(process_id=task.process_id, flow_task__in=excluded)
            exclude = Q(pk__in=did.exclude(owner__isnull=True).values("owner_id"))
        targets = self.scope_targets(task.process_id)
        return people_in_scope(roles=self.roles, targets=targets, exclude=exclude)

    def escalation_recipients(self, task: Any) -> Any:
        """Who is told when ``task`` is overdue: holders of ``escalate_to`` whose grant covers
        the process."""
        from .services import people_in_scope

        targets = self.scope_targets(task.process_id)
        return people_in_scope(roles=self.escalate_to, targets=targets)

    def scope_targets(self, process_pk: int) -> dict[str, int | None]:
        """The ids of the scope targets of one process (``covers`` keywords)."""
        if self.scope is None:
            return {}
        from viewflow.workflow.models import Process

        below = subclass_path(self.flow_class.process_class, Process)
        prefix = f"{below}__" if below else ""
        wanted = {
            f"{f.name}_id": prefix + getattr(self.scope, f.name)
            for f in dataclass_fields(self.scope)
            if getattr(self.scope, f.name) is not None
        }
        row = Process.objects.filter(pk=process_pk).values(*wanted.values()).first() or {}
        return {name: _as_id(row.get(path)) for name, path in wanted.items()}


def _as_id(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


__all__ = [
    "DEFAULT_ESCALATE_TO",
    "RoleStart",
    "RoleTask",
    "RoleTaskActivation",
    "flow_label",
    "node_label",
    "process_prefix",
    "subclass_path",
]
