from django.urls import path

from . import views

app_name = "budget"

urlpatterns = [path("abrir/", views.open_budget, name="open")]
