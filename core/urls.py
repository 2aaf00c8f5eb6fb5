"""Root URL configuration. Paths a person reads are in Spanish; the API is versioned."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from core import views

api_v1 = [
    path("", include("core.accounts.api_urls")),
    path("", include("core.audit.api_urls")),
    path("", include("notifications.api_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("salud/", views.health, name="health"),
    path("cuentas/", include("core.accounts.urls")),
    path("auditoria/", include("core.audit.urls")),
    path("notificaciones/", include("notifications.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "v1"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(api_version="v1"), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

admin.site.site_header = "SIGES"
admin.site.site_title = "SIGES"
