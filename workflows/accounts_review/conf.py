"""Tunables of the account review cases; each can be overridden by a setting of the same name."""

from datetime import timedelta

from django.conf import settings


def review_due_after() -> timedelta:
    """Business time a technician has to resolve a case (two 9-hour working days)."""
    return getattr(settings, "SIGES_ACCOUNT_REVIEW_DUE", timedelta(hours=18))
