from django.urls import path

from . import views

app_name = "teachers"

urlpatterns = [
    path("", views.home, name="home"),
    path("mi-ficha/", views.mine, name="mine"),
    path("centro/<int:pk>/", views.school_staff, name="school"),
    path("<int:pk>/", views.teacher_detail, name="detail"),
    path("<int:pk>/horario/", views.teacher_timetable, name="timetable"),
    path("seccion/<int:pk>/horario/", views.section_timetable, name="section_timetable"),
]
