from django.urls import path

from . import views

app_name = "schools"

urlpatterns = [
    path("", views.school_directory, name="directory"),
    path("<str:code>/", views.school_detail, name="detail"),
]
