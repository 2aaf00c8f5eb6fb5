from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/importar/", views.job_start_view, name="start"),
    path("<int:pk>/progreso/", views.job_progress, name="progress"),
    path("<int:pk>/informe.csv", views.job_report, name="report"),
    path("plantilla/<slug:kind>.<str:fmt>", views.template_download, name="template"),
]
