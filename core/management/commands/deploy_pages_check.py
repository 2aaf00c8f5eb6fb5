"""``manage.py deploy_pages_check``: load the pages a deploy must serve, with the settings in
force (production's, in ``make deploy-check``), after ``collectstatic``.

A page whose template names a static file missing from the manifest answers 500 only when
``DEBUG`` is off and the manifest storage is in use, which no development run shows; this loads
each page through Django's test client (no server, no network), then every stylesheet and script
it links, and fails on any answer other than 200.
"""

import re
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import Client
from django.urls import reverse

# The pages a person reaches first: the login, the admin's login and the API documentation.
PAGES = ("accounts:login", "admin:login", "api-docs")
# Error pages render templates too (with static files): they must answer their own status, not
# a 500. A host that is not allowed is a 400; a path that does not exist, a 404.
ERROR_PAGES = (("/no-existe-esta-pagina/", None, 404), ("/", "host-no-permitido.invalid", 400))
_ASSET = re.compile(r'<(?:link|script)\b[^>]*?\b(?:href|src)="(?P<url>/[^"?#]+)"', re.IGNORECASE)


class Command(BaseCommand):
    help = (
        "Loads the login page, the admin login and /api/docs/ (and the static files they link) "
        "with the current settings, then a 404 and a 400 page; exits with status 1 when a page "
        "does not answer 200 or an error page does not answer its own status."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", help="Host header to send (default: the first allowed host)")

    def handle(self, *args: Any, **options: Any) -> None:
        hosts = [host for host in settings.ALLOWED_HOSTS if host and "*" not in host]
        host = options["host"] or (hosts[0].lstrip(".") if hosts else "localhost")
        # A 500 must be an answer to report, not an exception out of the client.
        client = Client(HTTP_HOST=host, raise_request_exception=False)
        failures = []
        static_prefix = "/" + settings.STATIC_URL.lstrip("/")
        for name in PAGES:
            url = reverse(name)
            try:
                response = client.get(url, secure=True)
            except Exception as exc:  # the error page itself failed: report it
                self.stdout.write(f"500 {url} ({type(exc).__name__}: {exc})")
                failures.append(url)
                continue
            self.stdout.write(f"{response.status_code} {url}")
            if response.status_code != 200:
                failures.append(url)
                continue
            html = response.content.decode(errors="replace")
            for asset in sorted({m["url"] for m in _ASSET.finditer(html)}):
                if not asset.startswith(static_prefix):
                    continue
                asset_response = client.get(asset, secure=True)
                self.stdout.write(f"{asset_response.status_code} {asset}")
                if asset_response.status_code != 200:
                    failures.append(asset)
        for url, bad_host, expected in ERROR_PAGES:
            extra = {"HTTP_HOST": bad_host} if bad_host else {}
            try:
                status = client.get(url, secure=True, **extra).status_code
            except Exception as exc:  # the error page itself failed: report it
                status = 500
                self.stdout.write(f"500 {url} ({type(exc).__name__}: {exc})")
            else:
                self.stdout.write(f"{status} {url}" + (f" (Host: {bad_host})" if bad_host else ""))
            if status != expected:
                failures.append(f"{url} ({status}, expected {expected})")
        if failures:
            raise CommandError(
                "Not served with these settings: " + ", ".join(failures), returncode=1
            )
        self.stdout.write(self.style.SUCCESS("Every page and its static files answered 200."))
