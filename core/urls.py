"""Root URL configuration. Paths a person reads are in Spanish; the API is versioned."""

from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from core import views
from core.diagrams.api import api_urlpatterns as diagram_api_urlpatterns
from core.work import api as work_api

api_v1 = [
    path("", include("core.accounts.api_urls")),
    path("", include("core.audit.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("workflows.registration.api_urls")),
    path("", include("workflows.password_reset.api_urls")),
    path("", include("workflows.accounts_review.api_urls")),
    path("", include(diagram_api_urlpatterns)),
    path("", include(work_api.urlpatterns)),
    path("", include("helpdesk.api.urls")),
    path("", include("modules.schools.api")),
    path("", include("modules.students.api")),
    path("", include("modules.academics.api")),
    path("", include("modules.teachers.api")),
    path("", include("core.imports.api")),
    path("", include("modules.documents.api")),
    path("", include("modules.finance.api")),
    path("", include("modules.family.api")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("salud/", views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("cuentas/", include("core.accounts.urls")),
    path("auditoria/", include("core.audit.urls")),
    path("notificaciones/", include("notifications.urls")),
    path("centros/", include("modules.schools.urls")),
    path("matricula/", include("modules.students.urls")),
    path("academico/", include("modules.academics.urls")),
    path("docentes/", include("modules.teachers.urls")),
    path("familia/", include("modules.family.urls")),
    # Public verification of titles (not /auditoria/verificar/, the audit chain's check).
    path("verificar/", include("modules.documents.urls")),
    path("titulos/", include("workflows.titles.urls")),
    path("", include("modules.finance.urls")),
    path("presupuesto-escolar/", include("workflows.budget.urls")),
    path("registro/", include("workflows.registration.urls")),
    path("recuperar-acceso/", include("workflows.password_reset.urls")),
    path("cuentas-y-accesos/", include("workflows.accounts_review.urls")),
    path("correcciones/", include("workflows.data_correction.urls")),
    path("recursos-humanos/", include("workflows.hr.urls")),
    path("diagramas/", include("core.diagrams.urls")),
    path("bandeja/", include("core.work.urls")),
    path("procesos/", include("core.processes.urls")),
    path("importaciones/", include("core.imports.urls")),
    # The help desk owns its paths: tramites/… (citizens), mesa/… (staff).
    path("", include("helpdesk.urls")),
    path("admin/", admin.site.urls),
    # ESP delivery/inbound webhooks (basic-auth secret ANYMAIL_WEBHOOK_SECRET, plus ESP signatures),
    # for the configured ESPs only (notifications/webhook_urls.py).
    path("webhooks/anymail/", include("notifications.webhook_urls")),
    path("api/v1/", include((api_v1, "v1"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(api_version="v1"), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (CSP: no inline scripts).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Redoc styles itself by injecting <style> elements: inline styles are allowed on this page
    # only (scripts stay 'self'); its search runs in a worker started from a blob: URL.
    path(
        "api/redoc/",
        csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})(
            SpectacularRedocView.as_view(url_name="api-schema")
        ),
        name="api-redoc",
    ),
]

# An unrouted /api/ path answers JSON like the API's own 404s; every other path gets the page.
handler404 = "core.api.not_found"

admin.site.site_header = "SIGES"
admin.site.site_title = "SIGES"
