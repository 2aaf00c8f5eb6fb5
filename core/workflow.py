"""The one way to change the state of anything in SIGES (docs/architecture.md).

``transition`` fires a django-fsm-2 transition on a model row; ``process_start`` starts a
viewflow process; ``task_action`` works one of its tasks (assign, unassign, execute…). All do
the same steps in the same order inside one database transaction: lock the row, check the
actor's permission (403), check the step is possible now (409 with a Spanish reason), do it,
save, append the audit event, run the in-transaction hooks (outbox rows) and queue the
after-commit hooks. Any exception rolls every one of them back.

A process has one history: its start and every event of its tasks are chained on the process
(``process_chain_key``), with the task and node in the payload.

Callers are services; views, serializers, admin actions and tasks call services.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMFieldMixin, can_proceed, has_transition_perm

from core.audit.services import audit_record
from core.exceptions import Conflict

M = TypeVar("M", bound=models.Model)
C = TypeVar("C", bound=Callable[..., Any])

# A hook receives the object (model row or viewflow task) after the change.
Hook = Callable[[Any], object]


@dataclass(frozen=True)
class AvailableAction:
    """One action the actor may take now: ``name`` to submit, ``label`` for the button."""

    name: str
    label: str
    target: str | None = None


def condition(message: str) -> Callable[[C], C]:
    """Give a transition condition the sentence a user reads when it is not met.

    ::

        @condition(_("La solicitud no tiene documentos adjuntos."))
        def has_attachments(request: Request) -> bool:
            return request.attachments > 0

    A condition without a message fails with a generic sentence naming the action.
    """

    def decorate(func: C) -> C:
        func.message = message  # type: ignore[attr-defined]
        return func

    return decorate


# --- Common plumbing ------------------------------------------------------------------------


def _unknown_action(name: str) -> Conflict:
    # Names can come from a submitted form: a tampered one must be a clean answer, not a 500.
    return Conflict(
        gettext("La acción «%(action)s» no existe.") % {"action": name}, code="unknown_action"
    )


def _not_in_state(action_label: str, state_label: str) -> Conflict:
    return Conflict(
        gettext("La acción «%(action)s» no es posible en el estado «%(state)s».")
        % {"action": action_label, "state": state_label},
        code="transition_not_allowed",
    )


def _conditions_unmet(action_label: str, failed: Any) -> Conflict:
    message = getattr(failed, "message", None)
    if not message:
        message = gettext("No se cumplen las condiciones para la acción «%(action)s».") % {
            "action": action_label
        }
    return Conflict(str(message), code="condition_failed")


def _run_hooks(instance: Any, in_transaction: Iterable[Hook], on_commit: Iterable[Hook]) -> None:
    for hook in in_transaction:
        hook(instance)
    for hook in on_commit:
        # robust: the change is already committed when these run; a failing notification must
        # be logged, not turn a successful action into an error page. Anything that must not be
        # lost goes through an in-transaction outbox row instead.
        transaction.on_commit(_bound_hook(hook, instance), robust=True)


def _bound_hook(hook: Hook, instance: Any) -> Callable[[], None]:
    def run() -> None:
        hook(instance)

    # Django logs a failing robust callback by its __qualname__.
    run.__qualname__ = getattr(hook, "__qualname__", repr(hook))
    return run


def _lock(obj: M) -> M:
    """A fresh copy of ``obj``'s row, locked until the transaction ends.

    A new instance rather than ``refresh_from_db``: ``FSMModelMixin.refresh_from_db`` lifts the
    field's ``protected`` flag on the shared Field object while it waits for the lock, so two
    threads refreshing at once can trip each other's protection.
    """
    if obj.pk is None:
        raise ValueError("transition() needs a saved object")
    locked = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    # Related rows the caller already loaded are reused only where the model says they cannot
    # change under a transition (``WORKFLOW_REUSED_RELATIONS``, e.g. a ticket's queue and
    # service): the permission checks would read them again otherwise. Anything else is read
    # afresh, since a hook may have changed it through another instance (a process's request).
    for name in getattr(type(obj), "WORKFLOW_REUSED_RELATIONS", ()):
        model_field = obj._meta.get_field(name)
        if model_field.is_cached(obj) and getattr(locked, model_field.attname) == getattr(
            obj, model_field.attname
        ):
            model_field.set_cached_value(locked, model_field.get_cached_value(obj))
    return locked


def _working_copy(obj: M) -> M:
    """A copy of ``obj``, a row the caller locked in this transaction and keeps current, to
    fire the transition on (the caller's instance stays untouched until the transition has
    succeeded, as with ``_lock``); reuses the same related rows ``_lock`` would."""
    fields = obj._meta.concrete_fields
    values = []
    for field in fields:
        value = obj.__dict__.get(field.attname)
        values.append(copy.deepcopy(value) if isinstance(value, dict | list) else value)
    working = type(obj).from_db(obj._state.db, [f.attname for f in fields], values)
    for name in getattr(type(obj), "WORKFLOW_REUSED_RELATIONS", ()):
        model_field = obj._meta.get_field(name)
        if model_field.is_cached(obj):
            model_field.set_cached_value(working, model_field.get_cached_value(obj))
    return working


def _own_blocks() -> int:
    """Atomic blocks open now, not counting those a Django test case wraps tests in."""
    blocks = transaction.get_connection().atomic_blocks
    return sum(1 for block in blocks if not getattr(block, "_from_testcase", False))


def sync_row(target: models.Model, source: models.Model) -> None:
    """Copy the committed values of ``source`` (the locked copy) into the caller's instance.

    Values go straight into ``__dict__`` as django-fsm itself does, because a protected
    ``FSMField`` refuses attribute assignment once loaded. Related rows ``source`` has loaded
    come along; a related row only ``target`` has loaded is kept while the key is the same
    and forgotten when it changed, so nothing stale is shown and nothing is read twice.
    """
    if target is source:
        return
    if type(target) is not type(source):  # django-fsm state proxies change the class
        target.__class__ = type(source)
    for field in source._meta.concrete_fields:
        value = source.__dict__.get(field.attname)
        if field.is_relation:
            if field.is_cached(source):
                field.set_cached_value(target, field.get_cached_value(source))
            elif field.is_cached(target) and target.__dict__.get(field.attname) != value:
                field.delete_cached_value(target)
        target.__dict__[field.attname] = value
    update_initial = getattr(target, "_update_initial_state", None)
    if update_initial is not None:  # ConcurrentTransitionMixin remembers the loaded state
        update_initial()


# --- Record lifecycles (django-fsm-2) ---------------------------------------------------------


def _transition_meta(model: type[models.Model], name: str) -> Any:
    attribute = None if name.startswith("_") else getattr(model, name, None)
    meta = getattr(attribute, "_django_fsm", None)
    if meta is None:
        raise _unknown_action(name)
    return meta


def _transition_label(meta: Any, state: Any, name: str) -> str:
    found = meta.get_transition(state) or next(iter(meta.transitions.values()), None)
    label = found.custom.get("label") if found is not None else None
    return str(label or name)


def _state_label(field: FSMFieldMixin, state: Any) -> str:
    return str(dict(field.flatchoices).get(state, state))


def _check_transition(bound: Any, meta: Any, instance: models.Model, actor: Any) -> None:
    """Raise PermissionDenied or Conflict unless ``actor`` may fire ``bound`` right now.

    ``has_transition_perm`` is the gate. It is False for three different reasons (no
    transition from this state, a condition not met, no permission) which deserve different
    answers; an actor who could never fire the transition gets 403 whatever the state, so the
    state of objects they may not act on is not disclosed through 409s.
    """
    if has_transition_perm(bound, actor):
        return
    field = meta.field
    state = field.get_state(instance)
    label = _transition_label(meta, state, bound.__name__)
    if not can_proceed(bound, check_conditions=False):
        if any(t.has_perm(instance, actor) for t in meta.transitions.values()):
            raise _not_in_state(label, _state_label(field, state))
        raise PermissionDenied
    if not meta.has_transition_perm(instance, state, actor):
        raise PermissionDenied
    # The transition exists and the actor may fire it: a condition failed.
    failed = next((c for c in meta.get_transition(state).conditions if not c(instance)), None)
    raise _conditions_unmet(label, failed)


def _values(instance: models.Model) -> dict[str, Any]:
    values = {}
    for field in instance._meta.concrete_fields:
        value = instance.__dict__.get(field.attname)
        # Copy mutable values so a transition that edits a JSON field in place is noticed.
        values[field.attname] = copy.deepcopy(value) if isinstance(value, dict | list) else value
    return values


def _accepts_actor(bound: Any) -> bool:
    try:
        return "actor" in inspect.signature(bound).parameters
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        return False


def transition(
    *,
    actor: Any,
    obj: M,
    name: str,
    request: HttpRequest | None = None,
    role: str = "",
    scope: str = "",
    payload: dict[str, Any] | None = None,
    in_transaction: Iterable[Hook] = (),
    on_commit: Iterable[Hook] = (),
    locked_by_caller: bool = False,
    save_fields: Iterable[str] = (),
    **kwargs: Any,
) -> M:
    """Fire the django-fsm transition ``name`` on ``obj`` for ``actor``, all or nothing.

    - ``actor``: the user acting, or ``None`` for the system (then only transitions whose
      ``permission=`` accepts ``None`` — or that have none — can fire). ``role`` and ``scope``
      say which grant authorised it; they go to the audit event with the client IP of
      ``request``.
    - ``kwargs`` go to the transition method. A method that declares an ``actor`` parameter
      also receives the actor.
    - ``payload``: extra JSON for the audit event, which always records ``changed_fields``
      (names only: values may be secret; put what auditors need in ``payload``).
    - ``in_transaction``: callables run inside the transaction after the audit event, with the
      changed object; write outbox rows here so they commit or vanish with the change.
    - ``on_commit``: callables run once after the outermost transaction commits, with the
      changed object (enqueue Celery tasks here); a failure is logged, never raised.

    - ``locked_by_caller=True``: ``obj`` is a row the caller locked (``select_for_update``) in
      its transaction around this call, and every change to the row since went through this
      instance (saved through it, or ``transition`` on it), so it holds the row's current
      values: the transition works on a copy of it instead of locking and reading it again,
      and opens no savepoint of its own: on failure the caller's whole transaction rolls back
      (the caller must let the exception through, as services do; ``obj`` is still untouched).
    - ``save_fields``: with ``locked_by_caller``, fields the caller changed on ``obj`` without
      saving them yet; they go in the transition's own UPDATE (one statement instead of two).

    Raises ``PermissionDenied`` (403) or ``core.exceptions.Conflict`` (409, with the reason).
    Returns ``obj``, updated in place to the committed values; on any exception ``obj`` is
    left untouched and the database has no trace of the attempt.
    """
    meta = _transition_meta(type(obj), name)
    field = meta.field
    # The caller's lock was taken in an open block of its own (a test case's wrapping blocks do
    # not count). Its transaction is then the unit of all or nothing: no savepoint here, and a
    # failure marks that transaction for rollback, which the caller lets through.
    if locked_by_caller and _own_blocks() < 1:
        raise ValueError("locked_by_caller needs the caller's transaction around the call")
    save_fields = list(save_fields)
    if save_fields and not locked_by_caller:
        raise ValueError("save_fields needs locked_by_caller (the caller's row holds them)")
    with transaction.atomic(savepoint=not locked_by_caller):
        locked = _working_copy(obj) if locked_by_caller else _lock(obj)
        bound = getattr(locked, name)
        _check_transition(bound, meta, locked, actor)

        source = field.get_state(locked)
        before = _values(locked)
        if _accepts_actor(bound):
            kwargs = {"actor": actor, **kwargs}
        bound(**kwargs)
        target = field.get_state(locked)
        after = _values(locked)

        changed = [
            f.name
            for f in locked._meta.concrete_fields
            if not f.primary_key and before[f.attname] != after[f.attname]
        ]
        # update_fields (docs/style.md §3): the UPDATE carries exactly what the transition changed,
        # state field, and auto_now stamps (pre_save only touches listed fields). The row lock
        # already rules out lost updates; this keeps the statement and save signals precise.
        auto_now = [f.name for f in locked._meta.concrete_fields if getattr(f, "auto_now", False)]
        locked.save(update_fields=sorted({field.name, *changed, *auto_now, *save_fields}))

        audit_record(
            action=f"{locked._meta.model_name}.{name}",
            obj=locked,
            actor=actor,
            role=role,
            scope=scope,
            request=request,
            from_state=str(source),
            to_state=str(target),
            payload={"changed_fields": sorted(set(changed) - {field.name}), **(payload or {})},
        )
        _run_hooks(locked, in_transaction, on_commit)
    sync_row(obj, locked)
    return obj


def available_transitions(*, actor: Any, obj: models.Model) -> list[AvailableAction]:
    """The transitions ``actor`` may fire on ``obj`` now, in declaration order, for buttons.

    Labels come from ``@transition(..., custom={"label": _("Aprobar")})``.
    """
    found = []
    for field in obj._meta.concrete_fields:
        if not isinstance(field, FSMFieldMixin):
            continue
        available = getattr(obj, f"get_available_user_{field.name}_transitions")(actor)
        found.extend(available)
    found.sort(key=lambda t: inspect.unwrap(t.method).__code__.co_firstlineno)
    return [
        AvailableAction(
            name=t.name,
            label=str(t.custom.get("label") or t.name),
            target=str(t.target) if isinstance(t.target, str | int) else None,
        )
        for t in found
    ]


# --- Processes with several people (viewflow) ------------------------------------------------

# The task actions a person can take, with the verb on their button.
TASK_ACTION_LABELS: dict[str, Any] = {
    "assign": _("Tomar"),
    "unassign": _("Liberar"),
    "reassign": _("Reasignar"),
    "execute": _("Realizar"),
    "cancel": _("Cancelar"),
    "undo": _("Deshacer"),
    "revive": _("Reactivar"),
}

TASK_STATUS_LABELS: dict[str, Any] = {
    "NEW": _("Pendiente"),
    "ASSIGNED": _("Asignada"),
    "STARTED": _("En curso"),
    "DONE": _("Terminada"),
    "CANCELED": _("Cancelada"),
    "ERROR": _("Con error"),
    "REVIVED": _("Reactivada"),
    "SCHEDULED": _("Programada"),
}


def _task_state_label(status: str) -> str:
    return str(TASK_STATUS_LABELS.get(status, status))


def _task_steps(activation: Any, action: str) -> list[str]:
    # A human task is "started" (viewflow's view opened) before it is executed; working it
    # through this function does both, in one transaction.
    if action == "execute" and activation.status == "ASSIGNED":
        return ["start", "execute"]
    return [action]


def _checked_task_step(activation: Any, method: str, actor: Any, action: str) -> Any:
    """The bound viewflow transition ``method``, once ``actor`` may call it now.

    viewflow's transition methods do not check their own ``permission=`` when called; this
    does. State is checked first: viewflow's permissions depend on it (``can_assign`` is False
    once the task has an owner), and the second of two claims must be a 409, not a 403.
    """
    from viewflow.fsm.base import TransitionBoundMethod

    bound = getattr(activation, method, None)
    label = str(TASK_ACTION_LABELS[action])
    if not isinstance(bound, TransitionBoundMethod):
        raise _not_in_state(label, _task_state_label(activation.status))
    if not bound.can_proceed(check_conditions=False):
        raise _not_in_state(label, _task_state_label(activation.status))
    if not bound.has_perm(actor):
        # A refusal the person can act on (separation of duties) says why.
        refusal = getattr(activation.flow_task, "refusal_reason", None)
        reason = refusal(actor, activation.task) if refusal is not None else ""
        raise PermissionDenied(reason) if reason else PermissionDenied
    # The public API says only whether conditions pass; the descriptor says which one failed.
    unmet = bound._descriptor.get_transition(activation.status).get_unmet_condition(activation)
    if unmet is not None:
        raise _conditions_unmet(label, unmet[0])
    return bound


def _check_lock_impl(flow_class: Any) -> None:
    from viewflow.workflow.lock import SelectForUpdateLock

    if not isinstance(flow_class.lock_impl, SelectForUpdateLock):
        raise ImproperlyConfigured(
            f"{flow_class.__name__}.lock_impl must be lock.select_for_update_lock "
            "(docs/architecture.md)"
        )


def _lock_process(flow_class: Any, process_pk: int) -> None:
    """Take the row lock the flow's ``lock_impl`` takes, waiting for it.

    Not ``flow_class.lock()``: viewflow's ``SelectForUpdateLock`` asks with NOWAIT and catches
    the error inside a nested atomic block, which under contention breaks a caller's enclosing
    transaction ("current transaction is aborted"; found by the concurrent-claims test).
    viewflow code that locks the process again later in this transaction re-enters our lock.
    """
    _check_lock_impl(flow_class)
    manager = flow_class.process_class._default_manager
    manager.select_for_update().filter(pk=process_pk).exists()


# Every event of a process and its tasks is chained here (viewflow's base Process row).
PROCESS_OBJECT_TYPE = "viewflow.process"


def process_chain_key(process_pk: int) -> str:
    """The audit chain of one process: its start and every event of its tasks."""
    return f"{PROCESS_OBJECT_TYPE}:{process_pk}"


def _start_node(flow_class: Any, name: str) -> Any:
    from viewflow.workflow.nodes import StartHandle

    if name:
        node = getattr(flow_class.instance, name, None)
        if not isinstance(node, StartHandle):
            raise ImproperlyConfigured(f"{flow_class.__name__}.{name} is not a StartHandle")
        return node
    starts = [node for node in flow_class.instance.nodes() if isinstance(node, StartHandle)]
    if len(starts) != 1:
        raise ImproperlyConfigured(
            f"{flow_class.__name__} has {len(starts)} start handles: name one with start="
        )
    return starts[0]


def process_start(
    *,
    actor: Any,
    flow_class: Any,
    request: HttpRequest | None = None,
    role: str = "",
    scope: str = "",
    payload: dict[str, Any] | None = None,
    in_transaction: Iterable[Hook] = (),
    on_commit: Iterable[Hook] = (),
    start: str = "",
    seed: models.Model | None = None,
    **data: Any,
) -> Any:
    """Start a process of the viewflow ``flow_class`` for ``actor``, all or nothing.

    The one way to start a process: flows are started from code (a ``flow.StartHandle`` or
    ``core.processes.nodes.RoleStart``), never by a viewflow view. ::

        process = process_start(
            actor=ticket.requester,
            flow_class=CorrectionFlow,
            seed=ticket,  # locked, and linked as the process's seed
            person=person,
            changes={"first_name": "Ana"},
        )

    - ``data`` go to the start node's function (``def start_process(self, activation,
      **data)``), which fills the process and returns ``activation.process``.
    - A ``RoleStart`` node says who may start (roles, and a scope computed from ``data``);
      anyone else gets ``PermissionDenied`` (403) and nothing is written. A plain
      ``StartHandle`` leaves the decision to the calling service.
    - ``seed``: the object the process is about (a ticket…): its row is locked for the
      transaction, so the same object cannot start two processes at once by accident, and it
      becomes the process's ``seed``.
    - ``start``: the name of the start node when the flow has more than one.
    - ``role`` (default: the role the ``RoleStart`` accepted), ``scope``, ``request`` and
      ``payload`` go to the ``process.start`` audit event, which opens the process's chain
      (``process_chain_key``).
    - ``in_transaction`` / ``on_commit`` hooks receive the process, as in ``transition``.

    The flow's ``lock_impl`` must be ``lock.select_for_update_lock``. Returns the process (an
    instance of the flow's ``process_class``), with its first tasks created.
    """
    from viewflow.workflow.fields import get_flow_ref

    from core.processes.nodes import RoleStart

    node = _start_node(flow_class, start)
    _check_lock_impl(flow_class)
    can_start = getattr(node, "can_start", None)
    with transaction.atomic():
        if can_start is not None and not can_start(actor, data):
            raise PermissionDenied
        if seed is not None:
            seed = _lock(seed)
            data["_process_seed"] = seed
        process = node.run(**data)
        if not isinstance(process, flow_class.process_class):
            raise ImproperlyConfigured(
                f"{flow_class.__name__}.{node.name}: the start function must return "
                "activation.process"
            )
        if not role and isinstance(node, RoleStart):
            role = node.start_role(actor)
        audit_record(
            action="process.start",
            chain_key=process_chain_key(process.pk),
            object_type=PROCESS_OBJECT_TYPE,
            object_id=process.pk,
            actor=actor,
            role=role,
            scope=scope,
            request=request,
            from_state="",
            to_state=str(process.status),
            payload={
                "flow": get_flow_ref(flow_class),
                "node": node.name,
                "seed": (
                    {"type": seed._meta.label_lower, "id": seed.pk} if seed is not None else None
                ),
                **(payload or {}),
            },
        )
        _run_hooks(process, in_transaction, on_commit)
    return process


def task_action(
    *,
    actor: Any,
    task: Any,
    action: str,
    request: HttpRequest | None = None,
    role: str = "",
    scope: str = "",
    payload: dict[str, Any] | None = None,
    fn: Callable[[Any], object] | None = None,
    in_transaction: Iterable[Hook] = (),
    on_commit: Iterable[Hook] = (),
    **kwargs: Any,
) -> Any:
    """Work the viewflow ``task`` for ``actor``: one of ``TASK_ACTION_LABELS``, all or nothing.

    - ``assign``: the actor takes the task (``flow_task.can_assign``); ``unassign``: the owner
      (or a flow manager) releases it; ``reassign``: the owner or a manager gives it to
      ``user=`` (whether that user is eligible is the calling service's rule); ``execute``:
      the owner completes it and the flow moves on; ``cancel``/``undo``/``revive``: managers.
    - ``fn(activation)`` (``execute`` only) does the step's own work — save the form into the
      process — just before viewflow completes the task.
    - ``in_transaction`` / ``on_commit`` hooks receive the task, as in ``transition``.

    Locks the process row (what the flow's ``select_for_update_lock`` locks) and then the task
    row, in viewflow's order. The audit event is chained on the PROCESS (one history per
    process; the task and node are in the payload), because viewflow keeps no history of
    assignment; ``Task.assigned`` is kept up to date here for the same reason.
    """
    # viewflow is imported here, not at the top: models modules import this one (``condition``)
    # while the app registry is still loading.
    from viewflow.fsm import TransitionNotAllowed
    from viewflow.workflow.exceptions import FlowLockFailed
    from viewflow.workflow.fields import get_flow_ref

    if action not in TASK_ACTION_LABELS:
        raise _unknown_action(action)
    if fn is not None and action != "execute":
        raise ValueError("fn is the work of an 'execute' step")
    flow_class = task.flow_task.flow_class
    try:
        with transaction.atomic():
            _lock_process(flow_class, task.process_id)
            locked = _lock(task)
            activation = locked.flow_task.activation_class(locked)
            from_state, owner_before = locked.status, locked.owner_id

            try:
                for method in _task_steps(activation, action):
                    bound = _checked_task_step(activation, method, actor, action)
                    if method == "start":
                        bound(request)
                    elif method == "assign":
                        bound(actor, **kwargs)
                    else:
                        if fn is not None:
                            fn(activation)
                        bound(**kwargs)
            except TransitionNotAllowed as exc:
                # A later step refused (``execute`` after ``start``): a state problem, not a 500.
                label = str(TASK_ACTION_LABELS[action])
                raise _not_in_state(label, _task_state_label(from_state)) from exc

            if action in {"assign", "unassign", "reassign"}:
                locked.assigned = None if action == "unassign" else timezone.now()
                locked.save(update_fields=["assigned"])

            audit_record(
                action=f"task.{action}",
                chain_key=process_chain_key(locked.process_id),
                object_type=PROCESS_OBJECT_TYPE,
                object_id=locked.process_id,
                actor=actor,
                role=role,
                scope=scope,
                request=request,
                from_state=str(from_state),
                to_state=str(locked.status),
                payload={
                    "flow": get_flow_ref(flow_class),
                    "node": locked.flow_task.name,
                    "task_id": locked.pk,
                    "owner_before": owner_before,
                    "owner_after": locked.owner_id,
                    **(payload or {}),
                },
            )
            _run_hooks(locked, in_transaction, on_commit)
    except FlowLockFailed as exc:
        raise Conflict(
            gettext("Otra persona está trabajando en este trámite ahora; vuelva a intentarlo."),
            code="locked",
        ) from exc
    sync_row(task, locked)
    return task


def available_task_actions(*, actor: Any, task: Any) -> list[AvailableAction]:
    """The actions ``actor`` may take on ``task`` now, for buttons in the work queue."""
    activation = task.flow_task.activation_class(task)
    found = []
    for action, label in TASK_ACTION_LABELS.items():
        bound = getattr(activation, _task_steps(activation, action)[0], None)
        if bound is None or not hasattr(bound, "can_proceed"):
            continue
        if bound.can_proceed() and bound.has_perm(actor):
            found.append(AvailableAction(name=action, label=str(label)))
    return found


__all__ = [
    "PROCESS_OBJECT_TYPE",
    "TASK_ACTION_LABELS",
    "AvailableAction",
    "available_task_actions",
    "available_transitions",
    "condition",
    "process_chain_key",
    "process_start",
    "task_action",
    "transition",
]
