from django.urls import path

from . import views

app_name = "registration"

urlpatterns = [
    path("", views.register_view, name="register"),
    path("enviado/", views.submitted_view, name="submitted"),
    path("verificar/<uuid:public_id>/<str:token>/", views.verify_view, name="verify"),
    path("aviso-de-conformidad/", views.terms_notice_view, name="terms_notice"),
]
