"""HTTP security headers, the strict CSP the templates live under, production settings, API docs."""

import importlib
import json
import re
import sys
from contextlib import contextmanager

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse

PROD_MODULE = "core.settings.prod"
PROD_ENV = {
    "DJANGO_SECRET_KEY": "prod-secret-" + "k7Qx9vLm2RtZ" * 5,
    "SIGES_AUDIT_SIGNING_KEY": "prod-audit-signing-key-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "siges.example.gob.sv",
    "DATABASE_URL": "postgres://siges@127.0.0.1:5432/siges",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "ANYMAIL_WEBHOOK_SECRET": "user:secret",
}


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


# --- Headers on every response ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/no-existe/", "/salud/"])
def test_responses_carry_the_security_headers(client, make_user, path):
    client.force_login(make_user(role="technician"))

    response = client.get(path)

    directives = csp_directives(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_anonymous_pages_carry_the_csp_too(client):
    response = client.get(reverse("accounts:login"))

    assert csp_directives(response)["script-src"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"


# --- The markup obeys the CSP ------------------------------------------------------------------

# A JSON data block (``json_script``: chart and diagram data) is never executed, so the CSP
# lets it be; any other <script> without a src is inline code.
INLINE_SCRIPT = re.compile(r'<script(?![^>]*\ssrc=)(?![^>]*\stype="application/json")[^>]*>', re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
EXTERNAL_ASSET = re.compile(r'<(?:script|link|img)[^>]*\s(?:src|href)="(?:https?:)?//', re.I)


def assert_csp_clean(html: str) -> None:
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html).group(0)
    assert not STYLE_ATTRIBUTE.search(html), STYLE_ATTRIBUTE.search(html).group(0)
    assert not STYLE_ELEMENT.search(html)
    assert not EVENT_HANDLER.search(html), EVENT_HANDLER.search(html).group(0)
    assert not EXTERNAL_ASSET.search(html), EXTERNAL_ASSET.search(html).group(0)


def test_csp_checker_catches_what_it_should():
    # The regular expressions above are what the page tests rely on: make sure they bite.
    for bad in [
        "<script>alert(1)</script>",
        '<p style="color:red">x</p>',
        "<style>p{}</style>",
        '<button onclick="x()">x</button>',
        '<script src="https://cdn.example.com/x.js"></script>',
        '<link rel="stylesheet" href="//fonts.example.com/x.css">',
        '<script type="text/javascript">alert(1)</script>',
        '<script type="module">alert(1)</script>',
    ]:
        with pytest.raises(AssertionError):
            assert_csp_clean(bad)
    assert_csp_clean('<script src="/static/js/siges.js" defer></script>')
    assert_csp_clean('<script id="grafico-datos" type="application/json">{"a": 1}</script>')


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["technician", "auditor", "administrator", None])
def test_home_markup_has_no_inline_scripts_or_styles(client, make_user, role):
    client.force_login(make_user(role=role))

    response = client.get("/")

    assert response.status_code == 200
    assert_csp_clean(response.content.decode())


@pytest.mark.django_db
def test_error_page_markup_has_no_inline_scripts_or_styles(client, rf):
    from django.views.defaults import server_error

    assert_csp_clean(client.get("/no-existe/").content.decode())
    assert_csp_clean(server_error(rf.get("/")).content.decode())


@pytest.mark.django_db
def test_diagram_pages_add_webassembly_and_nothing_else(client, make_user):
    client.force_login(make_user(role="auditor"))

    drawing = client.get(reverse("diagrams:detail", args=["registro-de-cuentas"]))
    listing = client.get(reverse("diagrams:index"))

    # Graphviz runs in the browser as WebAssembly: 'wasm-unsafe-eval' compiles it; it does not
    # allow JavaScript eval ('unsafe-eval') nor inline code ('unsafe-inline').
    assert csp_directives(drawing)["script-src"] == ["'self'", "'wasm-unsafe-eval'"]
    assert "'unsafe-eval'" not in drawing["Content-Security-Policy"]
    assert "'unsafe-inline'" not in drawing["Content-Security-Policy"]
    assert csp_directives(listing)["script-src"] == ["'self'"]


# --- Production settings -----------------------------------------------------------------------


@contextmanager
def prod_settings_loader(monkeypatch):
    """Yield a function importing core.settings.prod afresh under a given environment; on exit,
    forget every module built that way so no other code sees settings from that environment."""
    package = sys.modules["core.settings"]
    had_attribute = hasattr(package, "prod")
    previous = sys.modules.pop(PROD_MODULE, None)

    def load(env: dict[str, str]):
        for name in PROD_ENV:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        sys.modules.pop(PROD_MODULE, None)
        return importlib.import_module(PROD_MODULE)

    try:
        yield load
    finally:
        sys.modules.pop(PROD_MODULE, None)
        if previous is not None:
            sys.modules[PROD_MODULE] = previous
        if had_attribute:
            package.prod = previous
        elif hasattr(package, "prod"):
            delattr(package, "prod")


@pytest.fixture
def load_prod_settings(monkeypatch):
    with prod_settings_loader(monkeypatch) as load:
        yield load


def test_loading_prod_settings_leaves_no_trace(monkeypatch):
    from django.conf import settings

    had_prod = PROD_MODULE in sys.modules
    with prod_settings_loader(monkeypatch) as load:
        prod = load(PROD_ENV)
        assert sys.modules[PROD_MODULE] is prod
    assert (PROD_MODULE in sys.modules) is had_prod
    assert sys.modules.get(PROD_MODULE) is not prod
    assert settings.SETTINGS_MODULE == "core.settings.test"
    assert settings.SESSION_COOKIE_SECURE is False


def test_prod_settings_harden_transport_and_cookies(load_prod_settings):
    prod = load_prod_settings(PROD_ENV)

    assert prod.DEBUG is False
    # (SIM300 mistakes the settings attribute for a constant.)
    assert prod.SECRET_KEY == PROD_ENV["DJANGO_SECRET_KEY"]  # noqa: SIM300
    assert prod.ALLOWED_HOSTS == ["siges.example.gob.sv"]
    assert prod.SECURE_HSTS_SECONDS >= 31536000
    assert prod.SECURE_HSTS_INCLUDE_SUBDOMAINS is True
    assert prod.SECURE_SSL_REDIRECT is True
    assert prod.SESSION_COOKIE_SECURE is True
    assert prod.CSRF_COOKIE_SECURE is True
    assert prod.SESSION_COOKIE_HTTPONLY is True
    assert prod.SESSION_COOKIE_SAMESITE == "Lax"
    assert prod.X_FRAME_OPTIONS == "DENY"
    assert "'unsafe-inline'" not in prod.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"]


def test_prod_settings_pass_djangos_deployment_security_checks(load_prod_settings):
    # `manage.py check --deploy` cannot run in-process under other settings, so run Django's
    # security checks with the security-relevant production values put in place.
    prod = load_prod_settings(PROD_ENV)
    security_settings = {
        name: getattr(prod, name)
        for name in dir(prod)
        if name.startswith(("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_"))
        or name
        in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "X_FRAME_OPTIONS",
            "MIDDLEWARE",
            # SIGES's own deployment checks (core/checks.py).
            "SIGES_AUDIT_SIGNING_KEY",
            "ANYMAIL",
        }
    }

    with override_settings(**security_settings):
        problems = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])

    assert [f"{problem.id}: {problem.msg}" for problem in problems] == []


def test_the_deployment_checks_do_catch_insecure_settings(load_prod_settings):
    # The check above can fail: with cookies not secure Django reports it.
    prod = load_prod_settings(PROD_ENV)
    with override_settings(
        DEBUG=False,
        SECRET_KEY=prod.SECRET_KEY,
        ALLOWED_HOSTS=prod.ALLOWED_HOSTS,
        SECURE_HSTS_SECONDS=0,
        SESSION_COOKIE_SECURE=False,
    ):
        ids = {p.id for p in checks.run_checks(include_deployment_checks=True, tags=["security"])}

    assert {"security.W004", "security.W012"} <= ids


def test_prod_settings_refuse_to_start_without_a_secret_key(load_prod_settings):
    env = {name: value for name, value in PROD_ENV.items() if name != "DJANGO_SECRET_KEY"}

    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        load_prod_settings(env)


def test_prod_settings_refuse_to_start_without_an_audit_signing_key(load_prod_settings):
    env = {name: value for name, value in PROD_ENV.items() if name != "SIGES_AUDIT_SIGNING_KEY"}

    with pytest.raises(ImproperlyConfigured, match="SIGES_AUDIT_SIGNING_KEY"):
        load_prod_settings(env)


# --- API schema and documentation -----------------------------------------------------------


@pytest.mark.django_db
def test_api_schema_is_an_openapi_3_document(client):
    response = client.get(reverse("api-schema"), {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "SIGES API"
    assert any(path.startswith("/api/v1/") for path in schema["paths"])


@pytest.mark.django_db
def test_api_docs_load_every_asset_from_our_static_files(client):
    response = client.get(reverse("api-docs"))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<div id="swagger-ui"></div>' in html
    assert (
        '<script src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js">'
        in (html)
    )
    # The start-up script comes from the same view as a file, not inline.
    assert '<script src="/api/docs/?script="></script>' in html
    assert_csp_clean(html)
    assert csp_directives(response)["script-src"] == ["'self'"]


@pytest.mark.django_db
def test_api_docs_start_up_script_is_served_as_javascript(client):
    response = client.get(reverse("api-docs"), {"script": ""})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert reverse("api-schema") in response.content.decode()


@pytest.mark.django_db
def test_api_redoc_loads_no_cdn_assets(client):
    response = client.get(reverse("api-redoc"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "fonts.googleapis.com" not in html
    assert '<script src="/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js">' in (
        html
    )
    assert not EXTERNAL_ASSET.search(html)
