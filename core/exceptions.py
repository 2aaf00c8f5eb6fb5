"""Domain errors that every surface (pages, API, admin) maps to the same HTTP answer."""

from django.core.exceptions import PermissionDenied


class Conflict(Exception):  # noqa: N818 - named after the HTTP answer it becomes
    """The action is not possible in the object's current state (HTTP 409).

    ``reason`` is a sentence in the user's language saying why.
    """

    status_code = 409

    def __init__(self, reason: str, *, code: str = "conflict") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


__all__ = ["Conflict", "PermissionDenied"]
