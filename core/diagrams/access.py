"""Who opens the diagram pages, and the CSP a page that draws a diagram needs."""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from django.core.exceptions import PermissionDenied

from core.accounts.choices import Role
from core.accounts.scopes import has_role

# Roles that may open the diagram pages (any scope: the drawings show states, not data; a
# record's history is narrowed further by its definition's ``instance_scope``).
DIAGRAM_ROLES = (Role.TECHNICIAN, Role.SUPERVISOR, Role.AUDITOR, Role.ADMINISTRATOR)

# Graphviz runs in the browser as WebAssembly, and compiling WebAssembly under a CSP needs
# 'wasm-unsafe-eval' in script-src. It allows WebAssembly compilation only, not JavaScript eval
# or inline scripts; the vendored module is served from our own static files like any script.
# Granted only to the views that draw a diagram: decorate a view whose template includes
# "diagrams/_figure.html" with ``@diagram_csp``.
# (django-csp adds the update to the site policy: script-src becomes 'self' 'wasm-unsafe-eval'.)
diagram_csp = csp_update({"script-src": ["'wasm-unsafe-eval'"]})


def can_view_diagrams(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, DIAGRAM_ROLES)


def require_viewer(user: Any) -> None:
    if not can_view_diagrams(user):
        raise PermissionDenied
