"""The lifecycle of an outbox message (django-fsm), kept apart from the table it lives on.

pending ──claim──▶ sending ──mark_sent──▶ sent ──▶ delivered / bounced / complained
   ▲                  │                     (from the ESP's tracking webhook)
   └─schedule_retry───┤
   └─requeue_stale────┤   (worker died mid-send, STALE_SENDING_POLICY="retry")
                      └─give_up──▶ failed ──retry_now──▶ pending
in-app rows are born "delivered"; email rows for people without a usable address are born
"skipped". Transitions only change fields; the relay and the services do the I/O.
"""

import uuid
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .choices import OutboxStatus as S

_ERROR_MAX = 300


def short_error(text: str) -> str:
    return text[:_ERROR_MAX]


class OutboxLifecycle(ConcurrentTransitionMixin, models.Model):
    """Status field and transitions. ``ConcurrentTransitionMixin`` makes every save of a changed
    status a conditional UPDATE (``WHERE status = <old>``), so two relays can never both claim or
    finish one row, even on SQLite where ``select_for_update`` is a no-op."""

    status = FSMField(
        _("estado"), max_length=12, choices=S.choices, default=S.PENDING, protected=True
    )
    attempts = models.PositiveSmallIntegerField(_("intentos"), default=0)
    next_attempt_at = models.DateTimeField(_("próximo intento"), null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("tomado el"), null=True, blank=True)
    last_error = models.CharField(_("último error"), max_length=_ERROR_MAX, blank=True)
    sent_at = models.DateTimeField(_("enviado el"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("entregado el"), null=True, blank=True)
    esp_message_id = models.CharField(
        _("id en el proveedor"), max_length=255, blank=True, db_index=True
    )

    class Meta:
        abstract = True

    @transition(field=status, source=S.PENDING, target=S.SENDING)
    def claim(self, *, token: uuid.UUID, now: datetime) -> None:
        # Counting the attempt at claim time means a message that keeps killing its worker still
        # runs out of attempts instead of looping for ever.
        self.claim_token = token
        self.claimed_at = now
        self.attempts += 1

    @transition(field=status, source=S.SENDING, target=S.SENT)
    def mark_sent(self, *, now: datetime, esp_message_id: str = "") -> None:
        self.sent_at = now
        self.esp_message_id = esp_message_id
        self.last_error = ""

    @transition(field=status, source=S.SENDING, target=S.PENDING)
    def schedule_retry(self, *, error: str, next_attempt_at: datetime) -> None:
        self.last_error = short_error(error)
        self.next_attempt_at = next_attempt_at

    @transition(field=status, source=S.SENDING, target=S.PENDING)
    def requeue_stale(self, *, error: str, now: datetime) -> None:
        self.last_error = short_error(error)
        self.next_attempt_at = now

    @transition(field=status, source=S.SENDING, target=S.FAILED)
    def give_up(self, *, error: str) -> None:
        self.last_error = short_error(error)
        self.next_attempt_at = None

    @transition(field=status, source=[S.FAILED, S.PENDING], target=S.PENDING)
    def retry_now(self, *, now: datetime) -> None:
        # A person decided to try again: give the message a fresh set of attempts.
        self.attempts = 0
        self.next_attempt_at = now

    @transition(field=status, source=[S.SENDING, S.SENT], target=S.DELIVERED)
    def mark_delivered(self, *, now: datetime) -> None:
        self.delivered_at = now

    @transition(field=status, source=[S.SENDING, S.SENT, S.DELIVERED], target=S.BOUNCED)
    def mark_bounced(self, *, reason: str = "") -> None:
        self.last_error = short_error(reason)

    @transition(
        field=status, source=[S.SENDING, S.SENT, S.DELIVERED, S.BOUNCED], target=S.COMPLAINED
    )
    def mark_complained(self, *, reason: str = "") -> None:
        self.last_error = short_error(reason)
