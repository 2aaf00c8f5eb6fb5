from django.urls import path

from . import views

app_name = "data_correction"

urlpatterns = [
    path("<int:pk>/respaldo/<int:attachment>/", views.evidence_download, name="evidence"),
]
