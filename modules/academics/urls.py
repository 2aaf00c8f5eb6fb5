from django.urls import path

from . import family_views, views

app_name = "academics"

urlpatterns = [
    path("mis-secciones/", views.my_sections, name="my_sections"),
    path("secciones/<int:pk>/asistencia/", views.attendance, name="attendance"),
    path("secciones/<int:pk>/notas/", views.grade_grid, name="grades"),
    path("secciones/<int:pk>/resultados/", views.section_results, name="results"),
    path("secciones/<int:pk>/cerrar/", views.section_close, name="close"),
    path("secciones/<int:pk>/conducta/", views.conduct, name="conduct"),
    path("secciones/<int:pk>/recuperacion/", views.recovery, name="recovery"),
    path("centros/", views.my_schools, name="my_schools"),
    path("centros/<int:pk>/", views.school_overview, name="school"),
    path("mis-hijos/", family_views.children, name="family"),
    path("mis-hijos/<int:pk>/", family_views.child, name="family_child"),
]
