from django.urls import path

from . import api

urlpatterns = [
    path("registration/", api.RegistrationCreateApi.as_view(), name="registration-create"),
    path("registration/verify/", api.RegistrationVerifyApi.as_view(), name="registration-verify"),
    path("terms/", api.TermsAcceptApi.as_view(), name="terms"),
]
