"""Channels and statuses of outbox messages, and the delivery events we act on."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Correo electrónico")
    IN_APP = "in_app", _("Bandeja de la aplicación")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pendiente")
    SENDING = "sending", _("Enviando")
    SENT = "sent", _("Enviado")
    DELIVERED = "delivered", _("Entregado")
    BOUNCED = "bounced", _("Rebotado")
    COMPLAINED = "complained", _("Marcado como spam")
    FAILED = "failed", _("Fallido")
    # Never attempted: the person had no usable address (kept so "was this person told?" has an
    # answer).
    SKIPPED = "skipped", _("Omitido")


class StaleSendingPolicy(models.TextChoices):
    """What the relay does with a row left in "sending" by a worker that died mid-send."""

    # At-least-once: send again with the same Message-ID (the default, see conf.py).
    RETRY = "retry", _("Reintentar")
    # At-most-once: mark it failed and leave the decision to a person ("retry now" in the admin).
    FAIL = "fail", _("Marcar como fallido")
