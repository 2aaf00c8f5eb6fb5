"""Logging filters used by ``settings.LOGGING``."""

import logging

from django.core.exceptions import PermissionDenied


class PermissionDeniedWithoutTraceback(logging.Filter):
    """Keep django.request's "Forbidden (Permission denied)" line, drop its traceback.

    Django logs every ``PermissionDenied`` raised by a view as a warning *with* ``exc_info``, so a
    routine refusal (already recorded in the audit trail as ``access.denied``) fills the log with
    a traceback that says nothing about a fault. The one-line warning with path and status stays.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc_info = record.exc_info
        if exc_info and exc_info[0] is not None and issubclass(exc_info[0], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
