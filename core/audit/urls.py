from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("exportar.csv", views.event_export, name="event_export"),
    path("verificar/", views.chain_verify, name="verify"),
    path("cadena/<path:chain_key>/", views.chain, name="chain"),
]
