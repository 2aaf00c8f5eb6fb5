"""The requester's satisfaction rating of a resolved ticket."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.exceptions import Conflict

from ..models import SatisfactionRating, Ticket
from ..permissions import is_requester
from .common import S, _audit, _clean_body, _lock


@transaction.atomic
def ticket_rate(
    *,
    actor: User,
    ticket: Ticket,
    rating: int,
    comment: str = "",
    request: HttpRequest | None = None,
) -> SatisfactionRating:
    """The requester rates a resolved (or closed) ticket once, from 1 to 5."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Califique con un número del 1 al 5.")})
    comment = _clean_body(comment, required=False, field_name="comment")
    locked = _lock(ticket)
    if not is_requester(actor, locked):
        raise PermissionDenied
    if locked.status not in (S.RESOLVED, S.CLOSED):
        raise Conflict(
            _("Podrá calificar la atención cuando el caso esté resuelto."), code="not_resolved"
        )
    if SatisfactionRating.objects.filter(ticket=locked).exists():
        raise Conflict(_("Este caso ya fue calificado."), code="already_rated")
    try:
        with transaction.atomic():
            rated = SatisfactionRating.objects.create(
                ticket=locked, rating=rating, comment=comment, rated_by=actor
            )
    except IntegrityError as exc:
        raise Conflict(_("Este caso ya fue calificado."), code="already_rated") from exc
    _audit(
        action="ticket.rated",
        ticket=locked,
        actor=actor,
        request=request,
        payload={"rating": rating},
    )
    return rated
