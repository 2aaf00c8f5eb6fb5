"""What the audit trail's codes mean to a person, registered by the apps that write them.

``core.audit`` stores codes (``ticket.resolve``, ``in_progress``, ``assignee_id``); the apps that
write those codes know their Spanish names. Each app registers them from its
``AppConfig.ready()`` so that core never imports a higher layer::

    from core.audit.registry import register_action_labels

    register_action_labels({"ticket.resolve": _("Caso resuelto")})

Unregistered codes fall back to the code itself, so a new action is never hidden, only plain.

Apps also register *case finders*: a function that turns what an auditor types (a ticket number
such as ``MA-2026-000001``) into the chains that hold that case's history.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from django.utils.functional import Promise

# How a payload value is shown: as text, as a person (a user id; names are read in one query
# per page), as a date and time (an ISO string), or as the labels of other payload keys (a list
# of changed field names). ``choices`` maps coded values to labels; ``pair`` reads a two-item
# list as "before → after". ``names`` reads codes of rows kept in the database (a queue's code):
# the field's ``code_kind`` ("queue") tags its codes, and the resolver gets every tagged code of a
# page at once ({"queue": {...}, "service": {...}}) and returns {(kind, code): name} for the rows
# it finds, so one app answers all its kinds in one query; an unknown code reads as itself.
FieldKind = Literal["text", "user", "datetime", "keys"]
CodeNames = Callable[[Mapping[str, set[str]]], Mapping[tuple[str, str], str]]


@dataclass(frozen=True)
class FieldLabel:
    label: Promise | str
    kind: FieldKind = "text"
    choices: Mapping[str, Promise | str] | None = None
    pair: bool = False
    names: CodeNames | None = None
    code_kind: str = ""


@dataclass(frozen=True)
class CaseMatch:
    """A case found by its number: its title for the auditor and the chains of its history."""

    title: str
    chain_keys: tuple[str, ...]


CaseFinder = Callable[[str], Iterable[CaseMatch]]


@dataclass
class _Registry:
    actions: dict[str, Promise | str] = field(default_factory=dict)
    object_types: dict[str, Promise | str] = field(default_factory=dict)
    # object type → state code → label; the "" object type applies to every type.
    states: dict[str, dict[str, Promise | str]] = field(default_factory=dict)
    # (action, key) → label; the "" action applies to every action.
    fields: dict[tuple[str, str], FieldLabel] = field(default_factory=dict)
    finders: list[CaseFinder] = field(default_factory=list)


_registry = _Registry()


def register_action_labels(labels: Mapping[str, Promise | str]) -> None:
    """Action code → what happened, as a short Spanish sentence ("Caso resuelto")."""
    _registry.actions.update(labels)


def register_object_type_labels(labels: Mapping[str, Promise | str]) -> None:
    """``object_type`` (``helpdesk.ticket``) → what it is ("Caso de la mesa de ayuda")."""
    _registry.object_types.update(labels)


def register_state_labels(object_type: str, labels: Mapping[str, Promise | str]) -> None:
    """State code → label for events of ``object_type`` ("" for any type)."""
    _registry.states.setdefault(object_type, {}).update(labels)


def register_field_labels(
    labels: Mapping[str, Promise | str | FieldLabel], *, action: str = ""
) -> None:
    """Payload key → label (and optionally how its value reads, see ``FieldKind``); with
    ``action``, only for that action's events (a generic key such as ``from``)."""
    for key, label in labels.items():
        spec = label if isinstance(label, FieldLabel) else FieldLabel(label)
        _registry.fields[(action, key)] = spec


def register_case_finder(finder: CaseFinder) -> None:
    """``finder(text)`` returns the cases whose number is ``text`` (usually zero or one)."""
    if finder not in _registry.finders:
        _registry.finders.append(finder)


def action_label(action: str) -> str:
    label = _registry.actions.get(action)
    return str(label) if label is not None else action


def labelled_actions() -> list[tuple[str, str]]:
    """``(code, label)`` of every action with a registered label, by label."""
    return sorted(
        ((code, str(label)) for code, label in _registry.actions.items()), key=lambda r: r[1]
    )


def has_action_label(action: str) -> bool:
    return action in _registry.actions


def object_type_label(object_type: str) -> str:
    label = _registry.object_types.get(object_type)
    return str(label) if label is not None else object_type


def state_label(object_type: str, state: str) -> str:
    for scope in (object_type, ""):
        label = _registry.states.get(scope, {}).get(state)
        if label is not None:
            return str(label)
    return state


def field_label(key: str, action: str = "") -> FieldLabel | None:
    found = _registry.fields.get((action, key)) if action else None
    return found or _registry.fields.get(("", key))


def find_cases(text: str) -> list[CaseMatch]:
    """Every registered finder's matches for ``text``, in registration order."""
    text = text.strip()
    if not text:
        return []
    return [match for finder in _registry.finders for match in finder(text)]
