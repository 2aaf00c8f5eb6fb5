"""Placeholder: replaced by the login, logout and profile pages."""

from django.http import HttpResponse


def login_view(request):
    return HttpResponse("")


def logout_view(request):
    return HttpResponse("")


def profile(request):
    return HttpResponse("")


def lockout_response(request, credentials, *args, **kwargs):
    return HttpResponse(status=429)
