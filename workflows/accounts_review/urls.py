from django.urls import path

from . import views

app_name = "accounts_review"

urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("<int:pk>/", views.case_detail_view, name="detail"),
    path("<int:pk>/aprobar/", views.case_approve_view, name="approve"),
    path("<int:pk>/rechazar/", views.case_reject_view, name="reject"),
]
