"""One-time link tokens shared by registration and password reset.

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

TOKEN_BYTES = 32
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
