"""Reads of the notifications app. A person's inbox is their in-app outbox rows, and nobody
else's: every query here is filtered by the signed-in user's person (foreign ids answer 404)."""

from django.db.models import Count, QuerySet
from django.http import Http404

from core.accounts.models import User
from core.precompiled import precompiled

from .choices import Channel
from .models import OutboxMessage


def _inbox_of(person_id: int) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(recipient_id=person_id, channel=Channel.IN_APP)


def inbox_queryset(*, user: User) -> QuerySet[OutboxMessage]:
    if not user.is_authenticated:
        return OutboxMessage.objects.none()
    return _inbox_of(user.person_id)


def inbox_list(*, user: User, unread_only: bool = False) -> QuerySet[OutboxMessage]:
    """The user's in-app messages, newest first."""
    queryset = inbox_queryset(user=user)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    # No .only(): the FSM mixin reads the status of every instance it builds, so deferring
    # columns would cost one query per row.
    return queryset.order_by("-id")


def inbox_get(*, user: User, message_id: int) -> OutboxMessage:
    try:
        return inbox_queryset(user=user).get(pk=message_id)
    except OutboxMessage.DoesNotExist as exc:
        raise Http404 from exc


# Counted for the header of every page a signed-in person sees: compiled once
# (core.precompiled). One group (the in-app channel) or none, so no row is a count of 0.
_UNREAD = precompiled(
    "notifications.unread",
    lambda person_id: (
        _inbox_of(person_id)
        .filter(read_at__isnull=True)
        .values("channel")
        .annotate(unread=Count("pk"))
        .values_list("unread", flat=True)
        .order_by()
    ),
    person_id=int,
)


def inbox_unread_count(*, user: User) -> int:
    if not user.is_authenticated or user.person_id is None:
        return 0
    return _UNREAD.first(person_id=user.person_id) or 0
