"""Reads of the titles module: the public verification (no scope: anyone may check a code,
and it answers minimal data) and the scoped reads of requests (core.accounts.scopes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from core.accounts.choices import Role
from core.accounts.scopes import ScopePaths, get_in_scope_or_404, scope_filter

from .choices import TitleStatus
from .codes import code_display, code_normalise
from .models import IssuedTitle, TitleRequest

REQUEST_PATHS = ScopePaths(
    department="school__municipality__department_id",
    municipality="school__municipality_id",
    school="school_id",
)
REQUEST_READ_ROLES = (
    Role.REGISTRAR,
    Role.DIRECTOR,
    Role.DEPARTMENTAL_OFFICER,
    Role.MINISTRY_OFFICER,
    Role.TITLE_AUTHENTICATOR,
    Role.PRINT_CENTRE,
    Role.AUDITOR,
)


@dataclass(frozen=True)
class Verification:
    """What the public learns about one title: never the DUI, the NIE or the signatories."""

    code: str
    status: str
    status_label: str
    student_name: str
    title: str
    school: str
    year: int
    issued_on: date
    number: str
    annulled_on: date | None
    replaced_by_number: str
    has_pdf: bool

    @property
    def is_valid(self) -> bool:
        return self.status == TitleStatus.VALID


def title_verify(code: str) -> Verification | None:
    """The title with this verification code (as typed), or ``None``: one query either way."""
    normalised = code_normalise(code)
    if normalised is None:
        return None
    row = (
        IssuedTitle.objects.filter(verification_code=normalised)
        .values_list(
            "status",
            "student_name",
            "definition_name",
            "school_name",
            "graduation_year",
            "issued_on",
            "number",
            "annulled_on",
            "replaced_by__number",
            "pdf",
            named=True,
        )
        .first()
    )
    if row is None:
        return None
    return Verification(
        code=code_display(normalised),
        status=row.status,
        status_label=str(TitleStatus(row.status).label),
        student_name=row.student_name,
        title=row.definition_name,
        school=row.school_name,
        year=row.graduation_year,
        issued_on=row.issued_on,
        number=row.number,
        annulled_on=row.annulled_on,
        replaced_by_number=row.replaced_by__number or "",
        has_pdf=bool(row.pdf),
    )


def title_pdf_for_code(code: str) -> IssuedTitle | None:
    normalised = code_normalise(code)
    if normalised is None:
        return None
    return (
        IssuedTitle.objects.filter(verification_code=normalised).only("pk", "pdf", "number").first()
    )


def title_request_scope(actor: Any, roles: tuple[str, ...] = REQUEST_READ_ROLES) -> QuerySet:
    return scope_filter(actor, TitleRequest.objects.all(), roles=roles, paths=REQUEST_PATHS)


def title_request_get(actor: Any, *, pk: int, roles: tuple[str, ...] = REQUEST_READ_ROLES):
    return get_in_scope_or_404(
        actor,
        TitleRequest.objects.select_related("definition", "school", "section__grade"),
        roles=roles,
        paths=REQUEST_PATHS,
        pk=pk,
    )


def title_request_items(request: TitleRequest) -> list[Any]:
    """The students of a request with their outcome (one query)."""
    return list(
        request.items.order_by(
            "student__person__last_names", "student__person__first_names"
        ).values_list(
            "pk",
            "student_id",
            "student__nie",
            "student__person__first_names",
            "student__person__last_names",
            "excluded",
            "exclusion_motive__name",
            "exclusion_note",
            "original_title__number",
            "title__number",
            "title__verification_code",
            "title__status",
            named=True,
        )
    )
