"""The append-only, hash-chained history of everything that happens in SIGES.

Each audited object has its own chain (``chain_key``), numbered 1, 2, 3… with no gaps; every
event stores the hash of the previous one and its own SHA-256 over a canonical serialisation
(see ``hashing.py``). Rows are never updated or deleted by the application: the model and its
queryset refuse to, and in production the database role is not even allowed to
(``core/audit/sql/grants.sql``). Only someone writing raw SQL can tamper with the history, and
``manage.py audit_verify`` finds it.
"""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove a row of an append-only audit table."""


def _refuse(model: type[models.Model], what: str) -> NoReturn:
    raise AppendOnlyError(
        f"{model._meta.label} is append-only: {what} is not allowed "
        "(events are written only through core.audit.services)."
    )


class AppendOnlyQuerySet(models.QuerySet):
    """A queryset whose bulk writes that could rewrite history refuse to run.

    ``_raw_delete`` (Django internals) and raw SQL remain possible: that is the attacker the
    hash chain and the database grants are there for.
    """

    def update(self, **kwargs: Any) -> NoReturn:
        _refuse(self.model, "update()")

    def delete(self) -> NoReturn:
        _refuse(self.model, "delete()")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        _refuse(self.model, "bulk_update()")


class AppendOnlyModel(models.Model):
    """Rows are inserted once and never saved again or deleted."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            _refuse(type(self), "updating a saved row")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse(type(self), "delete()")


class AuditEvent(AppendOnlyModel):
    chain_key = models.CharField(_("cadena"), max_length=120)
    seq = models.PositiveBigIntegerField(_("secuencia"))
    occurred_at = models.DateTimeField(_("fecha y hora (UTC)"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    role = models.CharField(_("rol"), max_length=30, blank=True)
    scope = models.CharField(_("ámbito"), max_length=80, blank=True)
    ip_address = models.GenericIPAddressField(_("dirección IP"), null=True, blank=True)
    object_type = models.CharField(_("tipo de objeto"), max_length=80)
    object_id = models.CharField(_("id del objeto"), max_length=64, blank=True)
    action = models.CharField(_("acción"), max_length=80)
    from_state = models.CharField(_("estado anterior"), max_length=40, blank=True)
    to_state = models.CharField(_("estado nuevo"), max_length=40, blank=True)
    payload = models.JSONField(_("datos"), default=dict, blank=True)
    prev_hash = models.CharField(_("hash anterior"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        ordering = ["chain_key", "seq"]
        verbose_name = _("evento de auditoría")
        verbose_name_plural = _("eventos de auditoría")
        constraints = [
            models.UniqueConstraint(fields=["chain_key", "seq"], name="audit_chain_seq_unique"),
            models.CheckConstraint(name="audit_seq_positive", condition=models.Q(seq__gte=1)),
        ]
        indexes = [
            models.Index(fields=["occurred_at"]),
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["action", "occurred_at"]),
            models.Index(fields=["actor", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.chain_key}#{self.seq} {self.action}"


class AuditCheckpoint(AppendOnlyModel):
    """A signed Merkle root over every chain head at one moment, exportable for later comparison.

    ``heads`` maps each chain key to ``[seq, hash]`` of its last event; ``signature`` is an
    HMAC-SHA256 (``settings.SIGES_AUDIT_SIGNING_KEY``) over the checkpoint's canonical summary.
    """

    created_at = models.DateTimeField(_("creado"))
    chain_count = models.PositiveIntegerField(_("cadenas"))
    event_count = models.PositiveBigIntegerField(_("eventos"))
    merkle_root = models.CharField(_("raíz de Merkle"), max_length=64)
    heads = models.JSONField(_("cabezas"), default=dict)
    signature = models.CharField(_("firma"), max_length=128)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("punto de control")
        verbose_name_plural = _("puntos de control")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.merkle_root[:12]}"
