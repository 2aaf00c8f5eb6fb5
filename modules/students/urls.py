from django.urls import path

from . import views

app_name = "students"

urlpatterns = [
    path("", views.director_home, name="director_home"),
    path("recibir-traslado/", views.receive, name="receive"),
    path("secciones/<int:pk>/", views.section_roster, name="section"),
    path("secciones/<int:pk>/matricular/", views.enroll, name="enroll"),
    path("<int:pk>/retirar/", views.withdraw, name="withdraw"),
    path("<int:pk>/cambiar-seccion/", views.transfer, name="transfer"),
]
