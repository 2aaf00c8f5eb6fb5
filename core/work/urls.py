"""The Bandeja's pages, under ``/bandeja/`` (namespace ``work``)."""

from django.urls import path

from . import views

app_name = "work"

urlpatterns = [
    path("", views.workqueue_page, name="bandeja"),
    path("acciones/", views.workqueue_action, name="bandeja_action"),
]
