from django.urls import path

from . import api

urlpatterns = [
    path("account-reviews/", api.ReviewCaseListApi.as_view(), name="account-review-list"),
    path(
        "account-reviews/<int:pk>/",
        api.ReviewCaseDetailApi.as_view(),
        name="account-review-detail",
    ),
    path(
        "account-reviews/<int:pk>/approve/",
        api.ReviewCaseApproveApi.as_view(),
        name="account-review-approve",
    ),
    path(
        "account-reviews/<int:pk>/reject/",
        api.ReviewCaseRejectApi.as_view(),
        name="account-review-reject",
    ),
]
