"""Tunables of password reset; each can be overridden by a setting of the same name."""

from datetime import timedelta

from django.conf import settings


def reset_link_ttl() -> timedelta:
    """How long a reset link works (docs/security.md §1.5: one hour)."""
    return getattr(settings, "SIGES_PASSWORD_RESET_LINK_TTL", timedelta(hours=1))


# The throttle scope of asking for a reset link (core/throttling.py).
PASSWORD_RESET = "password_reset"  # noqa: S105 - a throttle scope name
