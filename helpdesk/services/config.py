"""Audited changes to the help desk's configuration: queues, teams and their membership, SLA
policies and their per-priority targets, services of the catalogue and their fields, and
technician availability.

Every change writes one audit event on the changed record's chain with the values before and
after (``config.created`` / ``config.changed`` / ``config.deleted``; ``config.members_changed``
for a many-to-many set such as a team's members or queues). The Django admin saves through
these services (helpdesk/admin.py), so an edit there is as traceable as one made in code.

``actor=None`` is the system (a management command, the demo data); a person needs the model's
Django permission (``add``/``change``/``delete``), as the admin would require.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest

from core.accounts.choices import Role
from core.accounts.models import User
from core.accounts.scopes import has_role
from core.audit.services import audit_record

from ..models import (
    Queue,
    Service,
    ServiceField,
    SlaPolicy,
    SlaPriorityTarget,
    Team,
    TechnicianStatus,
)

# The records this module configures (anything else is refused: it has services of its own).
CONFIG_MODELS: tuple[type[models.Model], ...] = (
    Queue,
    Team,
    SlaPolicy,
    SlaPriorityTarget,
    Service,
    ServiceField,
    TechnicianStatus,
)
M = TypeVar("M", bound=models.Model)


def _plain(value: Any) -> Any:
    """A field value as JSON: ids for relations, ISO text for times, text for the rest."""
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def config_snapshot(instance: models.Model) -> dict[str, Any]:
    """The record's own columns (relations as ids), without bookkeeping timestamps."""
    return {
        field.attname: _plain(field.value_from_object(instance))
        for field in instance._meta.concrete_fields
        if not getattr(field, "auto_now", False) and not getattr(field, "auto_now_add", False)
    }


def _require(actor: User | None, instance: models.Model, action: str) -> None:
    if type(instance) not in CONFIG_MODELS:
        raise ValueError(f"{type(instance).__name__} is not configuration")
    if actor is None:
        return
    opts = instance._meta
    if not (actor.is_active and actor.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")):
        raise PermissionDenied


def _role(actor: User | None) -> str:
    if actor is None:
        return "system"
    return Role.ADMINISTRATOR.value if has_role(actor, [Role.ADMINISTRATOR]) else ""


@transaction.atomic
def config_save(*, actor: User | None, instance: M, request: HttpRequest | None = None) -> M:
    """Create or change a configuration record, audited with its values before and after (a
    change that changes nothing writes nothing)."""
    model = type(instance)
    previous = (
        model.objects.select_for_update().filter(pk=instance.pk).first()
        if instance.pk is not None
        else None
    )
    _require(actor, instance, "change" if previous is not None else "add")
    before = config_snapshot(previous) if previous is not None else None
    after = config_snapshot(instance)
    if before == after:
        return instance
    instance.save()
    after = config_snapshot(instance)
    if before is None:
        payload = {"after": after}
    else:
        changed = sorted(name for name in after if before.get(name) != after[name])
        payload = {
            "before": {name: before.get(name) for name in changed},
            "after": {name: after[name] for name in changed},
        }
    audit_record(
        action="config.created" if previous is None else "config.changed",
        obj=instance,
        actor=actor,
        role=_role(actor),
        request=request,
        payload=payload,
    )
    return instance


@transaction.atomic
def config_delete(
    *, actor: User | None, instance: models.Model, request: HttpRequest | None = None
) -> None:
    """Delete a configuration record, audited with what it held (the database refuses when
    tickets still point at it)."""
    _require(actor, instance, "delete")
    before = config_snapshot(instance)
    audit_record(
        action="config.deleted",
        obj=instance,
        actor=actor,
        role=_role(actor),
        request=request,
        payload={"before": before},
    )
    instance.delete()


@transaction.atomic
def config_set_related(
    *,
    actor: User | None,
    instance: models.Model,
    field: str,
    values: Iterable[models.Model],
    request: HttpRequest | None = None,
) -> None:
    """Set a many-to-many of a configuration record (a team's members or queues), audited with
    the ids before and after and who joined or left."""
    _require(actor, instance, "change")
    manager = getattr(instance, field)
    before = sorted(manager.values_list("pk", flat=True))
    wanted = list(values)
    after = sorted({value.pk for value in wanted})
    if before == after:
        return
    manager.set(wanted)
    if isinstance(instance, Team) and field == "members":
        _forget_membership(User.objects.filter(pk__in=set(before) | set(after)))
    audit_record(
        action="config.members_changed",
        obj=instance,
        actor=actor,
        role=_role(actor),
        request=request,
        payload={
            "field": field,
            "before": before,
            "after": after,
            "added": sorted(set(after) - set(before)),
            "removed": sorted(set(before) - set(after)),
        },
    )


def _forget_membership(users: Iterable[User]) -> None:
    from ..permissions import forget_team_membership

    for user in users:
        forget_team_membership(user)
