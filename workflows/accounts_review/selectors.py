"""Reads of account review cases, scoped to the actor's reviewer grants (404 outside them)."""

from django.db.models import QuerySet

from core.accounts.models import User
from core.accounts.scopes import get_in_scope_or_404, scope_filter

from .choices import ReviewStatus
from .models import ReviewCase
from .permissions import CASE_SCOPE_PATHS, REVIEWER_ROLES


def review_case_list(
    *, actor: User, status: str | None = ReviewStatus.OPEN
) -> QuerySet[ReviewCase]:
    """Cases ``actor`` may work (technicians and supervisors), soonest due first.

    ``status=None`` lists every case. The rows carry what a work list shows (kind, subject
    name, due time), so listing needs no joins; this is the selector the help desk's work queue
    merges with its tickets.
    """
    queryset = ReviewCase.objects.all()
    if status is not None:
        queryset = queryset.filter(status=status)
    queryset = scope_filter(actor, queryset, roles=REVIEWER_ROLES, paths=CASE_SCOPE_PATHS)
    return queryset.order_by("due_at", "pk")


def review_case_get(*, actor: User, pk: int | str) -> ReviewCase:
    """One case with what its page shows, or 404 when it is outside the actor's scopes."""
    queryset = ReviewCase.objects.select_related(
        "registration",
        "reset_request__user__person",
        "person",
        "resolved_by__person",
    )
    return get_in_scope_or_404(actor, queryset, roles=REVIEWER_ROLES, paths=CASE_SCOPE_PATHS, pk=pk)
