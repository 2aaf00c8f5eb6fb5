"""Who may import, and how far their files reach (docs/imports.md §4).

Administrators and ministry officers import nationally; a departmental officer imports for the
schools of their department only (a row touching another department is refused, row by row).
Jobs are read through ``job_scope``: outside it, 404.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from core.accounts.choices import Role, ScopeKind
from core.accounts.scopes import ScopePaths, grants_with_roles, scope_filter

from .models import ImportJob

IMPORT_ROLES = (Role.ADMINISTRATOR, Role.MINISTRY_OFFICER, Role.DEPARTMENTAL_OFFICER)
JOB_PATHS = ScopePaths(department="department_id")


def can_import(user: Any) -> bool:
    return bool(user.is_authenticated and grants_with_roles(user, IMPORT_ROLES))


def importer_only(request: Any) -> None:
    """Refuse (403) anyone who may not import; the pages and the API both start here."""
    if not can_import(request.user):
        raise PermissionDenied


def allowed_departments(user: Any) -> frozenset[int] | None:
    """``None`` for a national importer; otherwise the department ids of their grants."""
    departments: set[int] = set()
    for grant in grants_with_roles(user, IMPORT_ROLES):
        if grant.scope_kind == ScopeKind.NATIONAL:
            return None
        if grant.scope_kind == ScopeKind.DEPARTMENT and grant.department_id:
            departments.add(grant.department_id)
    return frozenset(departments)


def job_scope(user: Any) -> QuerySet[ImportJob]:
    """The import jobs ``user`` may see: every job for national importers, their department's
    for a departmental officer, none for anyone else."""
    if not user.is_authenticated:
        return ImportJob.objects.none()
    return scope_filter(
        user,
        ImportJob.objects.select_related("created_by__person"),
        roles=IMPORT_ROLES,
        paths=JOB_PATHS,
    )
