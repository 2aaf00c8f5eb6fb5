from django.urls import path

from . import views

app_name = "hr"

urlpatterns = [
    path("licencias/", views.leave_request, name="leave_request"),
    path("licencias/<int:pk>/respaldo/", views.evidence_download, name="evidence"),
]
