"""The unread in-app message count for the page header (``inbox_unread``)."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import inbox_unread_count


def inbox(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: the COUNT runs only when a template shows it (once per request at most), so pages
    # and responses that do not render the header pay nothing.
    return {"inbox_unread": SimpleLazyObject(lambda: inbox_unread_count(user=user))}
