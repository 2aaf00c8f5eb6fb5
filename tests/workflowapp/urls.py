"""The project's URLs plus the test endpoints (``@pytest.mark.urls("tests.workflowapp.urls")``)."""

from django.urls import path

from core.urls import urlpatterns as project_urlpatterns

from . import views

urlpatterns = [
    *project_urlpatterns,
    path("prueba/permisos/<int:pk>/aprobar/", views.permit_approve, name="test-permit-approve"),
    path(
        "prueba/api/permisos/<int:pk>/aprobar/",
        views.PermitApproveAPI.as_view(),
        name="test-permit-approve-api",
    ),
]
