"""Placeholder: replaced by the auditor pages."""

from django.http import HttpResponse


def event_list(request):
    return HttpResponse("")


def event_export(request):
    return HttpResponse("")
