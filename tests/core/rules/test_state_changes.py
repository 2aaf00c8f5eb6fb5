"""Every state field (each ``FSMField`` of the project) changes only through ``core.workflow``.

An AST scan of the source tree: outside ``core/workflow.py`` and the ``lifecycles.py`` modules no
code assigns a state field (``obj.status = …``, ``setattr(obj, "status", …)``), writes one in
bulk (``.update(status=…)``, ``bulk_update(…, ["status"])``) or calls a transition method of a
lifecycle directly. The outbox relay is the documented exception: it moves messages between
delivery states as a machine process with no actor, under its own row locks, by calling the
outbox lifecycle's transitions (notifications/services.py).
"""

import ast
import inspect
from pathlib import Path

import pytest
from django.apps import apps
from django_fsm import FSMField

ROOT = Path(__file__).resolve().parents[3]
SCANNED = ("core", "notifications", "modules", "helpdesk", "workflows")
ALLOWED = {Path("core/workflow.py"): "the one way to fire a transition"}
# Files that may call lifecycle transitions directly, and why.
TRANSITION_CALLS_ALLOWED = {
    Path("notifications/services.py"): "the outbox relay and delivery webhooks (no actor)",
}
# Receivers whose methods share a transition's name but are not records: the Bandeja's
# work-item sources (``source.claim``, core/work/bulk.py) and database connections
# (``connection.close()``, core/gunicorn_conf.py).
NOT_RECORDS = {"connection", "source"}


def state_field_names() -> set[str]:
    return {
        field.attname
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, FSMField)
    }


def transition_names() -> set[str]:
    """The names of every django-fsm transition method of every model."""
    return {
        name
        for model in apps.get_models()
        for name, member in inspect.getmembers(model)
        if hasattr(member, "_django_fsm")
    }


def source_files() -> list[Path]:
    files = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or relative.name == "lifecycles.py":
                continue
            if relative in ALLOWED:
                continue
            files.append(path)
    return files


def _string_items(node: ast.AST) -> set[str]:
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return {item.value for item in node.elts if isinstance(item, ast.Constant)}
    return set()


def _assigned_attributes(target: ast.AST) -> list[str]:
    """Attribute names a store target writes: ``obj.status = …`` and unpacking into
    ``a.status, b = …``. A subscript store writes into a container, not the attribute its key
    is read from (``counts[row.status] = n`` reads ``.status``)."""
    if isinstance(target, ast.Attribute):
        return [target.attr]
    if isinstance(target, ast.Tuple | ast.List):
        return [attr for element in target.elts for attr in _assigned_attributes(element)]
    if isinstance(target, ast.Starred):
        return _assigned_attributes(target.value)
    return []


def state_writes(tree: ast.AST, names: set[str]) -> list[tuple[int, str]]:
    """(line, what) of every write of a state field in ``tree``."""
    found = []
    for node in ast.walk(tree):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        found.extend(
            (node.lineno, f"assigns .{attr}")
            for target in targets
            for attr in _assigned_attributes(target)
            if attr in names
        )
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name == "setattr" and len(node.args) >= 2:
            attr = node.args[1]
            if isinstance(attr, ast.Constant) and attr.value in names:
                found.append((node.lineno, f'setattr(…, "{attr.value}")'))
        if name == "update":
            found.extend(
                (node.lineno, f".update({keyword.arg}=…)")
                for keyword in node.keywords
                if keyword.arg in names
            )
        if name == "bulk_update":
            fields = node.args[1] if len(node.args) > 1 else None
            for keyword in node.keywords:
                if keyword.arg == "fields":
                    fields = keyword.value
            if fields is not None and _string_items(fields) & names:
                found.append((node.lineno, "bulk_update of a state field"))
    return found


def transition_calls(tree: ast.AST, names: set[str]) -> list[tuple[int, str]]:
    """(line, what) of every call ``record.<transition>(…)`` in ``tree``: the receiver is a
    plain name or attribute (a call's result, like ``Path(…).resolve()``, is not a record)."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        receiver = node.func.value
        if node.func.attr not in names or not isinstance(receiver, ast.Name | ast.Attribute):
            continue
        receiver_name = receiver.id if isinstance(receiver, ast.Name) else receiver.attr
        if receiver_name not in NOT_RECORDS:
            found.append((node.lineno, f"calls {ast.unparse(node.func)}()"))
    return found


def test_lifecycle_transitions_are_fired_only_through_core_workflow():
    names = transition_names()
    assert {"claim", "resolve", "approve_identity", "mark_sent"} <= names
    violations = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in source_files()
        if path.relative_to(ROOT) not in TRANSITION_CALLS_ALLOWED
        for line, what in transition_calls(ast.parse(path.read_text(), str(path)), names)
    ]

    assert violations == []


def test_the_transition_scan_catches_a_direct_call():
    tree = ast.parse("ticket.resolve(actor=user)\nself.ticket.close()\nPath(x).resolve()")

    assert transition_calls(tree, {"resolve", "close"}) == [
        (1, "calls ticket.resolve()"),
        (2, "calls self.ticket.close()"),
    ]


def test_the_project_has_state_fields_to_guard():
    assert state_field_names() == {"status"}


def test_state_fields_change_only_through_core_workflow():
    names = state_field_names()
    violations = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in source_files()
        for line, what in state_writes(ast.parse(path.read_text(), str(path)), names)
    ]

    assert violations == []


def test_the_allowed_exceptions_still_exist():
    # An exception for a file that is gone would silently widen the rule.
    for path in [*ALLOWED, *TRANSITION_CALLS_ALLOWED]:
        assert (ROOT / path).is_file(), path
    assert (ROOT / "helpdesk/lifecycles.py").is_file()
    assert (ROOT / "notifications/lifecycles.py").is_file()


@pytest.mark.parametrize(
    "code",
    [
        "ticket.status = 'closed'",
        "self.ticket.status += 'x'",
        "ticket.status, other = 'closed', 1",
        "setattr(ticket, 'status', 'closed')",
        "Ticket.objects.filter(pk=1).update(status='closed')",
        "Ticket.objects.bulk_update(rows, ['status', 'subject'])",
        "Ticket.objects.bulk_update(rows, fields=('status',))",
    ],
)
def test_the_scan_catches_each_kind_of_write(code):
    assert state_writes(ast.parse(code), {"status"}) != []


@pytest.mark.parametrize(
    "code",
    [
        "ticket.subject = 'x'",
        "Ticket.objects.filter(status='open').update(subject='x')",
        "status = 'closed'",  # a local name, not a field
        "counts[row.status] = 1",  # the field is read as a key; the dict is written
        "Ticket.objects.create(status='new')",  # a record is born in its initial state
    ],
)
def test_the_scan_leaves_other_writes_alone(code):
    assert state_writes(ast.parse(code), {"status"}) == []
