"""Pages of the titles process, under ``/titulos/`` (namespace ``titles``)."""

from django.urls import path

from . import views

app_name = "titles"

urlpatterns = [
    path("", views.home, name="home"),
    path("solicitar/seccion/<int:pk>/", views.request_graduates, name="request_graduates"),
    path("solicitar/titulos/", views.request_titles, name="request_titles"),
    path("solicitudes/", views.request_list, name="list"),
    path("solicitudes/<int:pk>/", views.request_page, name="request"),
    path("solicitudes/<int:pk>/progreso/", views.request_progress, name="progress"),
]
