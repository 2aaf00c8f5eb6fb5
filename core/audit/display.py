"""Audit events as a person reads them: Spanish labels for actions and states, the payload as
labelled fields, people by name, and Spanish summaries ("1 cadena, 14 eventos, íntegra").

Labels come from ``core.audit.registry`` (registered by each app). ``describe_events`` costs at
most one query for a whole page for the names of the people a payload mentions by id, and one
per app whose stored codes it mentions (a queue's code reads as the queue's name).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.accounts.choices import Role

from .models import AuditEvent
from .registry import (
    CodeNames,
    FieldLabel,
    action_label,
    field_label,
    has_action_label,
    object_type_label,
    state_label,
)

EMPTY = "—"

# Parts that are not account roles: who a person is in a case, or no person at all.
_EXTRA_ROLES = {
    "requester": gettext_lazy("Solicitante"),
    "system": gettext_lazy("Sistema"),
}


@dataclass
class EventField:
    key: str
    label: str
    value: str


@dataclass
class EventView:
    """One event ready for a template; ``event`` keeps the raw codes for "ver códigos"."""

    event: AuditEvent
    action: str
    labelled: bool
    object_label: str
    from_state: str
    to_state: str
    actor: str
    role: str = ""
    fields: list[EventField] = field(default_factory=list)

    @property
    def state_change(self) -> str:
        if not (self.from_state or self.to_state):
            return ""
        return f"{self.from_state or EMPTY} → {self.to_state or EMPTY}"


def _user_ids(events: Iterable[AuditEvent]) -> set[int]:
    ids: set[int] = set()
    for event in events:
        for key, value in (event.payload or {}).items():
            spec = field_label(key, event.action)
            if spec is None or spec.kind != "user":
                continue
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, int) and not isinstance(item, bool):
                    ids.add(item)
    return ids


def user_names(ids: Iterable[int]) -> dict[int, str]:
    """Full names of these users in one query (a user without a person reads as "—")."""
    ids = set(ids)
    if not ids:
        return {}
    rows = (
        get_user_model()
        .objects.filter(pk__in=ids)
        .values_list("pk", "person__first_names", "person__last_names")
    )
    return {pk: f"{first or ''} {last or ''}".strip() or EMPTY for pk, first, last in rows}


CodeTexts = Mapping[tuple[str, str], str]


def _code_names(events: Iterable[AuditEvent]) -> CodeTexts:
    """The names of the stored codes a page's payloads mention: each resolver called once."""
    wanted: dict[CodeNames, dict[str, set[str]]] = {}
    for event in events:
        for key, value in (event.payload or {}).items():
            spec = field_label(key, event.action)
            if spec is None or spec.names is None:
                continue
            kinds = wanted.setdefault(spec.names, {})
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and item:
                    kinds.setdefault(spec.code_kind, set()).add(item)
    found: dict[tuple[str, str], str] = {}
    for resolver, kinds in wanted.items():
        if any(kinds.values()):
            found.update(resolver(kinds))
    return found


def _datetime_text(value: str) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None:
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, "d/m/Y H:i")


def _item_text(
    item: Any,
    spec: FieldLabel | None,
    names: dict[int, str],
    codes: CodeTexts | None = None,
) -> str:
    if item is None or item == "":
        return EMPTY
    if isinstance(item, bool):
        return _("sí") if item else _("no")
    if spec is not None:
        if spec.names is not None and isinstance(item, str):
            return (codes or {}).get((spec.code_kind, item), item)
        if spec.kind == "user" and isinstance(item, int):
            return names.get(item, _("usuario n.º %(id)s") % {"id": item})
        if spec.kind == "datetime":
            return _datetime_text(item)
        if spec.kind == "keys":
            known = field_label(str(item))
            return str(known.label) if known is not None else str(item)
        if spec.choices is not None and str(item) in spec.choices:
            return str(spec.choices[str(item)])
    if isinstance(item, dict):
        return "; ".join(
            f"{_key_label(key)}: {_item_text(value, field_label(key), names)}"
            for key, value in sorted(item.items())
        )
    return str(item)


def _key_label(key: str) -> str:
    spec = field_label(key)
    return str(spec.label) if spec is not None else key


def payload_fields(
    payload: dict[str, Any] | None,
    names: dict[int, str],
    action: str = "",
    codes: CodeTexts | None = None,
) -> list[EventField]:
    """The payload as labelled, readable fields, registered keys first, in a stable order."""
    rows = []
    for key, value in (payload or {}).items():
        spec = field_label(key, action)
        if isinstance(value, list):
            texts = [_item_text(item, spec, names, codes) for item in value]
            if spec is not None and spec.pair and len(texts) == 2:
                text = f"{texts[0]} → {texts[1]}"
            else:
                text = ", ".join(texts) or EMPTY
        else:
            text = _item_text(value, spec, names, codes)
        label = str(spec.label) if spec is not None else key
        rows.append((spec is None, key, EventField(key, label, text)))
    return [row for _unknown, _key, row in sorted(rows, key=lambda r: (r[0], r[1]))]


def role_label(code: str) -> str:
    """The role an event was done in: a role of the accounts, or a part played in a case."""
    if not code:
        return ""
    if code in Role.values:
        return str(Role(code).label)
    return str(_EXTRA_ROLES.get(code, code))


def _describe(event: AuditEvent, names: dict[int, str], codes: CodeTexts) -> EventView:
    kind = event.object_type
    return EventView(
        event=event,
        action=action_label(event.action),
        labelled=has_action_label(event.action),
        object_label=object_type_label(kind),
        from_state=state_label(kind, event.from_state) if event.from_state else "",
        to_state=state_label(kind, event.to_state) if event.to_state else "",
        actor=event.actor_label or (_("Anónimo o sistema") if event.actor_id is None else EMPTY),
        role=role_label(event.role),
        fields=payload_fields(event.payload, names, event.action, codes),
    )


def describe_events(events: Sequence[AuditEvent]) -> list[EventView]:
    names = user_names(_user_ids(events))
    codes = _code_names(events)
    return [_describe(event, names, codes) for event in events]


def trail_summary(*, chains: int, events: int, problems: int | None = None) -> str:
    """ "1 cadena, 14 eventos, íntegra" (``problems=None``: not verified, no verdict)."""
    parts = [
        ngettext("%(count)d cadena", "%(count)d cadenas", chains) % {"count": chains},
        ngettext("%(count)d evento", "%(count)d eventos", events) % {"count": events},
    ]
    if problems == 0:
        parts.append(ngettext("íntegra", "íntegras", chains))
    elif problems:
        parts.append(
            ngettext("%(count)d problema", "%(count)d problemas", problems) % {"count": problems}
        )
    return ", ".join(parts)
