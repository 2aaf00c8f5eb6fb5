"""anymail's webhook URLs, served only for the email providers SIGES is configured to use.

anymail routes every provider it knows. A provider that is not set up has no signing key, and
its view raises ``ImproperlyConfigured`` on each post (a 500 anyone could trigger); its URL is
not one we serve, so it answers 404 like any other unknown path. Which providers are served is
read on every request (``NOTIFICATIONS_WEBHOOK_ESPS``, see conf.py).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from anymail import urls as anymail_urls
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern

from .conf import notifications_settings

app_name = anymail_urls.app_name


def _esp_of(pattern: URLPattern) -> str:
    # Every anymail route starts with the provider's name: "postmark/tracking/", "^mailgun/…".
    return str(pattern.pattern).lstrip("^").split("/", 1)[0]


def _served_only_when_configured(esp: str, view: Callable[..., HttpResponse]) -> Callable:
    # functools.wraps also copies the view's attributes, among them csrf_exempt (the ESP posts
    # without a CSRF token; it authenticates with the basic-auth secret and its signature).
    @wraps(view)
    def webhook(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if esp not in notifications_settings.webhook_esps:
            raise Http404
        return view(request, *args, **kwargs)

    return webhook


urlpatterns = [
    URLPattern(
        pattern.pattern,
        _served_only_when_configured(_esp_of(pattern), pattern.callback),
        pattern.default_args,
        pattern.name,
    )
    for pattern in anymail_urls.urlpatterns
]
