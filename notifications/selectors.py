"""Reads of the notifications app. A person's inbox is their in-app outbox rows, and nobody
else's: every query here is filtered by the signed-in user's person (foreign ids answer 404)."""

from django.db.models import QuerySet
from django.http import Http404

from core.accounts.models import User

from .choices import Channel
from .models import OutboxMessage


def inbox_queryset(*, user: User) -> QuerySet[OutboxMessage]:
    if not user.is_authenticated:
        return OutboxMessage.objects.none()
    return OutboxMessage.objects.filter(recipient_id=user.person_id, channel=Channel.IN_APP)


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


def inbox_unread_count(*, user: User) -> int:
    return inbox_queryset(user=user).filter(read_at__isnull=True).count()
