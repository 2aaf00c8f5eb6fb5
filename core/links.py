"""One-time emailed links, shared by every process that sends one (registration, reset).

A link carries a request's public UUID and a raw token; the row keeps ``token_hash``,
``token_expires_at`` and ``token_used_at``.

The raw token (``secrets.token_urlsafe(32)``: 256 bits from the CSPRNG) only ever travels in the
email; the database keeps its SHA-256 hex digest, compared in constant time.

Link parts never contain a run of 8 digits: the notifications layer masks anything that looks
like a DUI (``NNNNNNNN-D`` or 9 digits) in every email, which would break such a link. Drawing
again in those rare cases (about 3 % of UUIDs, far fewer tokens) costs no meaningful entropy.
"""

import hashlib
import hmac
import re
import secrets
import uuid
from datetime import datetime
from typing import Any, TypeVar

from django.db import models
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_BYTES = 32
# The throttle scope (core/throttling.py) of checking a link: one budget for every kind of link.
VERIFICATION = "verification"
M = TypeVar("M", bound=Model)
_DIGIT_RUN = re.compile(r"\d{8}")


def link_safe_uuid() -> uuid.UUID:
    """A random UUID whose text form has no run of 8 digits (model default of ``public_id``)."""
    while True:
        value = uuid.uuid4()
        if not _DIGIT_RUN.search(str(value)):
            return value


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def token_new() -> tuple[str, str]:
    """A fresh token and the digest to store."""
    while True:
        raw = secrets.token_urlsafe(TOKEN_BYTES)
        if not _DIGIT_RUN.search(raw):
            return raw, token_digest(raw)


def token_matches(raw: str, digest: str) -> bool:
    """Constant-time comparison; an empty stored digest never matches."""
    if not digest or not raw:
        return False
    return hmac.compare_digest(token_digest(raw), digest)


class OneTimeLinkModel(models.Model):
    """The columns of a request that is reached through an emailed one-time link."""

    public_id = models.UUIDField(default=link_safe_uuid, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    token_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def link_issue(self, *, token_hash: str, expires_at: datetime) -> None:
        """Arm a fresh link (called from the transition that emails it)."""
        self.token_hash = token_hash
        self.token_expires_at = expires_at
        self.token_used_at = None


class LinkError(Exception):
    """A verification or reset link that cannot be used; ``message`` is for the user."""

    MESSAGES = {
        "invalid": _(
            "El enlace no es válido. Revise que lo copió completo desde el correo o solicite "
            "uno nuevo."
        ),
        "expired": _("El enlace venció (dura una hora). Solicite uno nuevo."),
        "used": _("Este enlace ya fue utilizado."),
    }

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.code])


def link_target(queryset: QuerySet[M], public_id: Any, raw_token: str) -> M:
    """The row a link points at, or ``LinkError("invalid")`` (reads only). An unknown id and a
    wrong token are the same answer."""
    row = queryset.filter(public_id=public_id).first()
    if row is None or not token_matches(raw_token, row.token_hash):
        raise LinkError("invalid")
    return row


def link_state(row: Any, *, pending: str, expired: str, now: datetime | None = None) -> str:
    """``ok``, ``expired`` or ``used`` for a row whose token matched: usable only while the row is
    in its ``pending`` state, unused and before its expiry."""
    if row.status == expired:
        return "expired"
    if row.status != pending or row.token_used_at is not None:
        return "used"
    if (now or timezone.now()) >= row.token_expires_at:
        return "expired"
    return "ok"
