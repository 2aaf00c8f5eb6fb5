"""Placeholder: replaced by the accounts API (token login by DUI)."""

from rest_framework.views import APIView


class TokenObtainApi(APIView):
    pass


class TokenLogoutApi(APIView):
    pass


class MeApi(APIView):
    pass
