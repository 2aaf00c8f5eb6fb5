"""Demo second factors (DEMO ONLY): the demo director and the demo title authenticator get a
confirmed authenticator app with a fixed, published secret, so the walkthrough and the browser
tests can compute their codes (``manage.py demo_totp <DUI>``). Seeded by ``seed_demo``, which
refuses to run with DEBUG off; ``demo_totp`` refuses too. Never use these secrets elsewhere.
"""

from __future__ import annotations

from base64 import b32decode
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User
from .twofactor import TOTP_DEVICE_NAME

# The DUIs of the demo accounts that sign titles (modules/schools/demo.py, README table).
DEMO_TOTP_DUIS = ("02026006-0", "02026015-9")
# Published in the README: anyone can compute these codes. DEMO ONLY.
DEMO_TOTP_SECRET_BASE32 = "SIGESDEMOTOTPSECRETKEYFORDEMO234"  # noqa: S105 - public demo value


def demo_totp_key_hex() -> str:
    return b32decode(DEMO_TOTP_SECRET_BASE32).hex()


def seed_demo_totp(context: Any) -> None:
    """Give each demo signing account a confirmed device with the demo secret (idempotent)."""
    for user in User.objects.filter(dui__in=DEMO_TOTP_DUIS):
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            continue
        TOTPDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, key=demo_totp_key_hex(), confirmed=True
        )
        context.count("demo TOTP devices")


def current_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code ``device`` shows at ``at`` (now by default)."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"
