"""Sends signed-in users who have not accepted the "aviso de conformidad" to the notice first."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .conf import terms_notice_required

# Paths that never redirect: the API (clients accept through /api/v1/terms/accept/), assets,
# the health check and the language switch.
_ALWAYS_EXEMPT = ("/api/", "/salud/", "/i18n/")


class TermsNoticeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_see_notice(request):
            notice = reverse("registration:terms_notice")
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{notice}?{query}")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        prefixes = [
            *_ALWAYS_EXEMPT,
            "/" + settings.STATIC_URL.lstrip("/"),
            reverse("registration:terms_notice"),
            reverse("accounts:logout"),
        ]
        if settings.MEDIA_URL:
            prefixes.append("/" + settings.MEDIA_URL.lstrip("/"))
        return any(path.startswith(prefix) for prefix in prefixes if prefix != "/")

    def _must_see_notice(self, request: HttpRequest) -> bool:
        if not terms_notice_required():
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if getattr(user, "terms_accepted_at", None) is not None:
            return False
        return not self._exempt(request.path_info)
