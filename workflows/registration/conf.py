"""Tunables of account registration; each can be overridden by a setting of the same name."""

from datetime import timedelta

from django.conf import settings

DEFAULT_TIME_ZONE = "America/El_Salvador"


def verification_ttl() -> timedelta:
    """How long an email verification link works (docs/security.md §1.5: one hour)."""
    return getattr(settings, "SIGES_REGISTRATION_LINK_TTL", timedelta(hours=1))


def terms_notice_required() -> bool:
    """Whether signed-in users who have not accepted the "aviso de conformidad" are sent to it.

    Read on every request (not at import) so a test can switch it with ``settings``.
    """
    return getattr(settings, "SIGES_TERMS_NOTICE_REQUIRED", True)


# The throttle scope of asking for an account (core/throttling.py).
REGISTRATION = "registration"
