"""Trámites of the catalogue that are asked for on a page of their own, not with a ticket.

A higher layer that owns a richer request page (for example the teachers' leave request of
``workflows/hr``) registers it from its ``AppConfig.ready()``::

    register_service_page("permiso-o-licencia-docente", "hr:leave_request")

The catalogue keeps the trámite listed, so people still find it, but its page and its request
form send them to the registered page, and ``ticket_create`` refuses to open a generic ticket
for it (web, API or e-mail): there is one way to ask (docs/domain.md §11).
"""

from django.urls import NoReverseMatch, reverse

_PAGES: dict[str, str] = {}


def register_service_page(code: str, url_name: str) -> None:
    """Send requests of the service ``code`` to the page named ``url_name``."""
    _PAGES[code] = url_name


def service_page_url(code: str) -> str | None:
    """The URL of the page where the service ``code`` is requested, if one is registered."""
    url_name = _PAGES.get(code)
    if url_name is None:
        return None
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None
