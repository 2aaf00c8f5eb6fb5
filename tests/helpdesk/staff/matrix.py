"""The role-by-action matrix of the staff API (docs/security.md §3.2, ASVS 8.1.1: the matrix
lives in the repository and generates the tests). ``test_matrix.py`` turns every cell into a test.

Each row names an action (the last part of ``/api/v1/mesa/tickets/<number>/<action>/``), the
state the ticket is put in first (through the services), the body to post, and the answer each
role gets. The ticket is in a department queue:

- ``anonymous``: no credentials → 401.
- ``requester``: the citizen who opened the ticket → 404 (staff endpoints do not know them).
- ``technician_other_queue``: a national technician whose team serves another queue → 404.
- ``technician_other_department``: in the queue's team, but the grant covers another
  department (right role, wrong scope) → 404.
- ``supervisor_other_department``: supervisor of another department → 404.
- ``technician``: in the queue's team with a grant over its department → allowed, except
  assigning (supervisors only) → 403.
- ``supervisor``: supervisor of the queue's department → allowed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ROLES = (
    "anonymous",
    "requester",
    "technician_other_queue",
    "technician_other_department",
    "supervisor_other_department",
    "technician",
    "supervisor",
)

# Who cannot reach the ticket at all, whatever the action.
OUT_OF_SCOPE = {
    "anonymous": 401,
    "requester": 404,
    "technician_other_queue": 404,
    "technician_other_department": 404,
    "supervisor_other_department": 404,
}


def expect(*, technician: int, supervisor: int) -> dict[str, int]:
    return {**OUT_OF_SCOPE, "technician": technician, "supervisor": supervisor}


@dataclass(frozen=True)
class Row:
    action: str  # URL name suffix: v1:helpdesk-staff-ticket-<action>
    given: str  # "new", "claimed" (by the technician) or "resolved"
    payload: Callable[[Any, Any], dict[str, Any]]  # (world, other ticket) → JSON body
    expected: dict[str, int]
    needs_other: bool = False  # a second ticket of the same requester (merge, link)


def _nothing(world: Any, other: Any) -> dict[str, Any]:
    return {}


MATRIX: tuple[Row, ...] = (
    Row("claim", "new", _nothing, expect(technician=200, supervisor=200)),
    Row("release", "claimed", _nothing, expect(technician=200, supervisor=200)),
    Row(
        "assign",
        "new",
        lambda world, other: {"assignee": world.technician.pk},
        expect(technician=403, supervisor=200),
    ),
    Row(
        "route",
        "new",
        lambda world, other: {"queue": world.other_queue.code, "note": "Corresponde a otra área"},
        expect(technician=200, supervisor=200),
    ),
    Row(
        "priority",
        "new",
        lambda world, other: {"priority": "high"},
        expect(technician=200, supervisor=200),
    ),
    Row(
        "reply",
        "claimed",
        lambda world, other: {"body": "Estamos revisando su caso."},
        expect(technician=201, supervisor=201),
    ),
    Row(
        "note",
        "new",
        lambda world, other: {"body": "Revisar con recursos humanos."},
        expect(technician=201, supervisor=201),
    ),
    Row(
        "waiting",
        "claimed",
        lambda world, other: {"message": "Envíe una copia de su DUI, por favor."},
        expect(technician=200, supervisor=200),
    ),
    Row(
        "resolve",
        "claimed",
        lambda world, other: {"message": "Se corrigió el dato."},
        expect(technician=200, supervisor=200),
    ),
    Row("close", "resolved", _nothing, expect(technician=200, supervisor=200)),
    Row(
        "reopen",
        "resolved",
        lambda world, other: {"message": "Falta un paso."},
        expect(technician=200, supervisor=200),
    ),
    Row(
        "merge",
        "new",
        lambda world, other: {"into": other.number},
        expect(technician=200, supervisor=200),
        needs_other=True,
    ),
    Row(
        "link",
        "new",
        lambda world, other: {"other": other.number, "kind": "related"},
        expect(technician=200, supervisor=200),
        needs_other=True,
    ),
)

ALLOWED = frozenset({200, 201})


def cells() -> list[tuple[Row, str]]:
    return [(row, role) for row in MATRIX for role in ROLES]
