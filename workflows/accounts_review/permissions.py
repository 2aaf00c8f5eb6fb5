"""Who works account review cases: technicians and help-desk supervisors, within their scopes."""

from typing import Any

from core.accounts.choices import Role
from core.accounts.scopes import ScopePaths, covers, grants_with_roles, has_role

REVIEWER_ROLES = (Role.TECHNICIAN, Role.SUPERVISOR)

# How a case reaches the scope targets. The applicant's data carry no department, so every case
# is national today (``department`` stays empty) and only national grants reach it; once cases
# get a department (e.g. from the person's school or address) department grants work unchanged.
CASE_SCOPE_PATHS = ScopePaths(department="department_id")


def can_review_accounts(user: Any) -> bool:
    """Whether ``user`` holds a reviewer role at all (the transition permission)."""
    return user is not None and has_role(user, REVIEWER_ROLES)


def reviewer_grant(user: Any, *, department_id: int | None) -> Any:
    """The first reviewer grant of ``user`` covering a case in ``department_id`` (or None)."""
    if user is None:
        return None
    for grant in grants_with_roles(user, REVIEWER_ROLES):
        if covers(grant, department_id=department_id):
            return grant
    return None
