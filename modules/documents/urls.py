"""Public verification of titles, under ``/verificar/`` (namespace ``documents``)."""

from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.verify_start, name="verify_start"),
    path("<str:code>/", views.verify, name="verify"),
    path("<str:code>/pdf/", views.verify_pdf, name="verify_pdf"),
]
