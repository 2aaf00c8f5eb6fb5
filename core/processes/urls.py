"""Process pages, under ``/procesos/`` (namespace ``process``)."""

from django.urls import path

from . import views

app_name = "process"

urlpatterns = [
    path("", views.process_list, name="list"),
    path("<int:pk>/", views.process_page, name="detail"),
    path("tareas/<int:pk>/", views.task_page, name="task"),
    path("tareas/<int:pk>/accion/", views.task_action_page, name="task_action"),
]
