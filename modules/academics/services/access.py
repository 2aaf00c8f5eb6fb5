"""Who may write a section's academic data, and whether its year is still open."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from core.accounts.choices import Role
from core.accounts.scopes import covers, grants_with_roles
from core.exceptions import Conflict
from modules.schools.models import Section

from ..models import SectionClosing

# Teachers record their sections' attendance, grades and conduct; the director their school's.
WRITER_ROLES = (Role.TEACHER, Role.DIRECTOR)


def writer_role(actor: Any, section: Any, roles: tuple[str, ...] = WRITER_ROLES) -> str | None:
    """The role under which ``actor`` may write ``section``'s data, or None (no query once the
    actor's grants are loaded)."""
    for grant in grants_with_roles(actor, roles):
        if covers(grant, section_id=section.pk, school_id=section.school_id):
            return grant.role
    return None


def check_can_write(actor: Any, section: Any, roles: tuple[str, ...] = WRITER_ROLES) -> str:
    role = writer_role(actor, section, roles)
    if role is None:
        raise PermissionDenied(_("No puede registrar datos de esta sección."))
    return role


def check_section_open(section: Any) -> None:
    # No query when the section was read with its closing (the selectors do).
    closed = (
        getattr(section, "closing", None) is not None
        if Section.closing.is_cached(section)
        else SectionClosing.objects.filter(section=section).exists()
    )
    if closed:
        raise Conflict(
            _("El año lectivo de esta sección ya está cerrado; sus datos no se pueden modificar."),
            code="section_closed",
        )
