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


def totp_device(user, *, key: str = "3132333435363738393031323334353637383930", confirmed=True):
    """A TOTP device (the RFC 6238 test key by default) for ``user``."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="app", key=key, confirmed=confirmed)


def totp_code(device, *, offset_steps: int = 0) -> str:
    """The code ``device`` shows now (or ``offset_steps`` time steps away)."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def mark_client_reauthenticated(client: Client, user, *, seconds_ago: float = 0) -> None:
    """Give ``client``'s session a step-up pass of ``user`` (as the step-up page would)."""
    from django.utils import timezone

    from core.accounts.stepup import SESSION_KEY

    session = client.session
    at = timezone.now().timestamp() - seconds_ago
    session[SESSION_KEY] = {"user": user.pk, "at": at, "method": "password"}
    session.save()
