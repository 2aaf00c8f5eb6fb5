from django.urls import path

from . import api

urlpatterns = [
    path("password-reset/", api.PasswordResetRequestApi.as_view(), name="password-reset-request"),
    path(
        "password-reset/complete/",
        api.PasswordResetCompleteApi.as_view(),
        name="password-reset-complete",
    ),
]
