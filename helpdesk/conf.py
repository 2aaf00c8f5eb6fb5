"""Tunables of the help desk, with defaults, overridable in settings as ``HELPDESK_<NAME>``.

Values are read from settings on every access so ``override_settings`` works in tests.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings

from core.uploads import UploadLimits, check_upload

DEFAULTS: dict[str, Any] = {
    # Ticket numbers read "<PREFIX>-<year>-<counter>", e.g. MA-2026-000123 (MA: mesa de ayuda).
    "TICKET_PREFIX": "MA",
    "TICKET_NUMBER_DIGITS": 6,
    # A requester's reply within this time after resolution reopens the ticket; later replies
    # are refused with a suggestion to open a new ticket (staff may reopen at any time).
    "REOPEN_WINDOW": timedelta(days=7),
    # Fraction of an SLA target after which the sweep warns (0.8: at 80 % of the time).
    "SLA_WARN_RATIO": 0.8,
    # Whether the resolution clock stops while the ticket waits on the requester.
    "SLA_PAUSE_WHILE_WAITING": True,
    # Tickets handled per sweep run and per kind of check (bounds one run's duration).
    "SLA_SWEEP_BATCH": 500,
    # Resolved tickets are closed by the sweep once the reopen window has passed.
    "AUTO_CLOSE_RESOLVED": True,
    # Uploads: per file and per message limits; types are checked by content (core/uploads.py).
    "MAX_UPLOAD_BYTES": 10 * 1024 * 1024,
    "MAX_FILES_PER_ENTRY": 5,
    # Limits on what a requester types.
    "MAX_BODY_CHARS": 20_000,
    "MAX_SUBJECT_CHARS": 200,
    # A full-text search's statements stop after this many milliseconds (PostgreSQL): a search
    # for a very frequent word over a national scope is refused as too broad instead of
    # holding a database connection. 0: no limit.
    "SEARCH_TIMEOUT_MS": 5000,
}


class _Settings:
    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(name)
        return getattr(settings, f"HELPDESK_{name}", DEFAULTS[name])


helpdesk_settings = _Settings()


# The throttle scope of opening tickets, shared by the API and the request page
# (core/throttling.py; rate SIGES_THROTTLE_TICKET_CREATE).
TICKET_CREATE = "ticket_create"


def upload_limits() -> UploadLimits:
    """The help desk's attachment limits (``HELPDESK_MAX_UPLOAD_BYTES``, ``…_FILES_PER_ENTRY``)."""
    return UploadLimits(
        max_bytes=helpdesk_settings.MAX_UPLOAD_BYTES,
        max_files=helpdesk_settings.MAX_FILES_PER_ENTRY,
    )


def validate_upload(upload: Any) -> None:
    """A form-field validator (``forms.FileField(validators=[validate_upload])``)."""
    check_upload(upload, limits=upload_limits())
