from django.urls import path

from . import views

app_name = "password_reset"

urlpatterns = [
    path("", views.request_view, name="request"),
    path("enviado/", views.requested_view, name="requested"),
    path("cambiar/<uuid:public_id>/<str:token>/", views.complete_view, name="complete"),
    path("listo/", views.done_view, name="done"),
]
