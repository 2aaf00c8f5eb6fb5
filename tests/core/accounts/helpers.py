"""Small helpers shared by the accounts tests."""

from django.test import Client
from django.urls import reverse

from core.audit.models import AuditEvent


def web_login(client: Client, dui: str, password: str, *, ip: str = "127.0.0.1", **extra):
    """POST the login form as a browser would, from ``ip``."""
    return client.post(
        reverse("accounts:login"), {"dui": dui, "password": password, **extra}, REMOTE_ADDR=ip
    )


def api_login(client: Client, dui: str, password: str, *, ip: str = "127.0.0.1"):
    return client.post(
        reverse("v1:auth-token"),
        {"dui": dui, "password": password},
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


def actions(**filters) -> list[str]:
    """Audit actions recorded so far (optionally filtered), oldest first."""
    return list(
        AuditEvent.objects.filter(**filters).order_by("pk").values_list("action", flat=True)
    )


FORMAT_ERROR = (
    "El DUI debe tener 8 dígitos, un guion y el dígito verificador (por ejemplo 01234567-8)."
)
