"""Tunables of the notifications app, with defaults, overridable as ``NOTIFICATIONS_<NAME>``.

Values are read from settings on every access so ``override_settings`` works in tests.
"""

from email.utils import parseaddr
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Rows claimed per transaction, and batches per relay run (bounds one run's duration).
    "RELAY_BATCH_SIZE": 20,
    "RELAY_MAX_BATCHES": 10,
    # Attempts before a message is given up as failed; back-off doubles from BASE up to MAX.
    "MAX_ATTEMPTS": 8,
    "RETRY_BASE_SECONDS": 60,
    "RETRY_MAX_SECONDS": 6 * 60 * 60,
    # A row still "sending" after this long belongs to a worker that died. Keep it well above
    # the relay task's hard time limit (tasks.py) so a live, slow worker is never overtaken.
    "SENDING_TIMEOUT_SECONDS": 15 * 60,
    # "retry" (at-least-once, the default) or "fail" (at-most-once); see docs/platform.md.
    "STALE_SENDING_POLICY": "retry",
    # Right-hand side of the Message-ID header; defaults to the domain of DEFAULT_FROM_EMAIL.
    "MESSAGE_ID_DOMAIN": "",
    # Absolute base of links in emails (in-app links stay relative); falls back to the project's
    # SIGES_SITE_URL when that setting exists.
    "SITE_URL": "",
    "INBOX_PAGE_SIZE": 20,
    "API_PAGE_SIZE": 20,
    # ESPs (anymail's names: "postmark", "amazon_ses"…) whose webhooks are served; every other
    # ESP's webhook URL answers 404. Empty: the ESP of EMAIL_BACKEND, if it is an anymail one.
    "WEBHOOK_ESPS": (),
}


class _Settings:
    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(name)
        return getattr(settings, f"NOTIFICATIONS_{name}", DEFAULTS[name])

    @property
    def message_id_domain(self) -> str:
        if self.MESSAGE_ID_DOMAIN:
            return self.MESSAGE_ID_DOMAIN
        address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
        return address.rpartition("@")[2] or "siges.localhost"

    @property
    def webhook_esps(self) -> frozenset[str]:
        if self.WEBHOOK_ESPS:
            return frozenset(self.WEBHOOK_ESPS)
        module = settings.EMAIL_BACKEND.split(".")
        if len(module) == 4 and module[:2] == ["anymail", "backends"]:
            return frozenset({module[2]})
        return frozenset()

    @property
    def site_url(self) -> str:
        url = self.SITE_URL or getattr(settings, "SIGES_SITE_URL", "") or "http://127.0.0.1:8000"
        return url.rstrip("/")


notifications_settings = _Settings()
