"""The outbox (one row per message per channel) and the delivery events reported by the ESP.

In-app messages are outbox rows too (``channel="in_app"``): writing the row in the business
transaction *is* their delivery, so they are born "delivered" and the relay never touches them;
the person's inbox is the set of their in-app rows. One table gives every notification one
record, one idempotency key scheme and one admin, and ``notify()`` one return type.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.accounts.models import Person

from .choices import Channel, OutboxStatus
from .conf import notifications_settings
from .lifecycles import OutboxLifecycle


class OutboxMessage(OutboxLifecycle):
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices)
    recipient = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="outbox_messages", verbose_name=_("persona")
    )
    # The account of the recipient when the message was written (informative: the inbox is the
    # person's, so messages written before they opened an account show up once they do).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("usuario"),
    )
    to_address = models.EmailField(_("dirección"), blank=True)
    reply_to = models.EmailField(_("responder a"), blank=True)
    # For in-app rows the subject is the title and body_text the body.
    subject = models.CharField(_("asunto"), max_length=255)
    body_text = models.TextField(_("texto"))
    body_html = models.TextField(_("HTML"), blank=True)
    # A path inside SIGES (always relative; checked when written).
    link = models.CharField(_("enlace"), max_length=500, blank=True)
    template = models.CharField(_("plantilla"), max_length=120)
    # The email carries a secret link (verification, password reset): the relay withdraws its
    # bodies and link once it is done with it, and the admin never shows them.
    sensitive = models.BooleanField(_("contiene un enlace de acceso"), default=False)
    idempotency_key = models.CharField(_("clave de idempotencia"), max_length=200, unique=True)
    read_at = models.DateTimeField(_("leído el"), null=True, blank=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("mensaje saliente")
        verbose_name_plural = _("mensajes salientes")
        indexes = [
            # The relay's query: due pending rows, and rows stuck in "sending".
            models.Index(fields=["status", "next_attempt_at"], name="outbox_relay_idx"),
            # The inbox list and the unread badge (partial: email rows never appear there).
            models.Index(
                fields=["recipient", "-id"],
                condition=Q(channel=Channel.IN_APP),
                name="outbox_inbox_idx",
            ),
            models.Index(
                fields=["recipient"],
                condition=Q(channel=Channel.IN_APP, read_at__isnull=True),
                name="outbox_inbox_unread_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="outbox_email_has_address_unless_skipped",
                condition=~Q(channel=Channel.EMAIL)
                | Q(status=OutboxStatus.SKIPPED)
                | ~Q(to_address=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.pk}: {self.subject}"

    @property
    def message_id_header(self) -> str:
        """The Message-ID sent with this email: derived from the idempotency key, so a resend
        after a crash carries the same id and receivers can recognise it as the same message."""
        digest = hashlib.sha256(self.idempotency_key.encode()).hexdigest()[:40]
        return f"<{digest}.outbox@{notifications_settings.message_id_domain}>"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class DeliveryEvent(models.Model):
    """One tracking event from the ESP (via anymail), stored once: (esp, event id) is unique, so a
    webhook retried by the ESP is recognised and ignored."""

    esp_name = models.CharField(_("proveedor"), max_length=40)
    event_id = models.CharField(_("id del evento"), max_length=255)
    message = models.ForeignKey(
        OutboxMessage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="delivery_events",
        verbose_name=_("mensaje"),
    )
    event_type = models.CharField(_("tipo"), max_length=30)
    occurred_at = models.DateTimeField(_("ocurrió el"))
    received_at = models.DateTimeField(_("recibido el"), auto_now_add=True)
    # Only what an operator needs (reject reason, short description); never the full payload,
    # which can contain message content and addresses.
    raw = models.JSONField(_("datos"), default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("evento de entrega")
        verbose_name_plural = _("eventos de entrega")
        constraints = [
            models.UniqueConstraint(
                fields=["esp_name", "event_id"], name="delivery_event_unique_per_esp"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.esp_name} {self.event_type} {self.event_id}"
