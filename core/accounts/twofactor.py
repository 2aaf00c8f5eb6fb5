"""The staff second factor: TOTP devices and recovery codes (docs/security.md §1.7).

Built on django-otp: a person's authenticator app is a confirmed ``TOTPDevice`` (otp_totp); their
ten recovery codes are the tokens of one ``StaticDevice`` (otp_static), each usable once.

``verify_second_factor`` is the one check every pathway uses (the login's second step, the
step-up page, the API token endpoint, the admin login). Six digits are tried against the TOTP
device; anything else against the recovery codes, so a mistyped code throttles only the kind
it was meant for. django-otp refuses a TOTP code of a time step already used (no replay) and
makes each failure double the wait before the next try (1, 2, 4 … seconds); the device rows
are locked while a code is checked, so two requests cannot both spend one code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .choices import STAFF_ROLES
from .scopes import has_role

TOTP_CODE_RE = re.compile(r"^\d{6}$")
# Recovery codes are 10 base32 characters (django-otp's StaticToken.random_token).
RECOVERY_CODE_RE = re.compile(r"^[a-z2-7]{10}$")
# Bounds the work one request can cause; real codes are far shorter.
CODE_INPUT_MAX_LENGTH = 32


def normalize_code(raw: str) -> str:
    """The code as typed, without spaces or hyphens, lower case."""
    return re.sub(r"[\s-]", "", str(raw or ""))[:CODE_INPUT_MAX_LENGTH].lower()


def can_enrol(user: Any) -> bool:
    """Only staff may enrol a second factor (citizens and guardians may not)."""
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, STAFF_ROLES)


def confirmed_totp_device(user: Any) -> TOTPDevice | None:
    if user is None or getattr(user, "pk", None) is None:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_second_factor(user: Any) -> bool:
    """Whether ``user`` has a confirmed authenticator app (then every login asks for a code)."""
    if user is None or getattr(user, "pk", None) is None:
        return False
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of one code: ``method`` is ``"totp"`` or ``"recovery"`` when it passed;
    ``wait_until`` is set when the device refuses to check codes for now (throttled)."""

    ok: bool
    method: str = ""
    wait_until: Any = None

    @property
    def wait_seconds(self) -> int:
        if self.wait_until is None:
            return 0
        return max(1, int((self.wait_until - timezone.now()).total_seconds() + 0.999))


def verify_second_factor(user: Any, raw_code: str) -> CodeCheck:
    """Check ``raw_code`` against ``user``'s confirmed TOTP device or recovery codes.

    A recovery code that passes is deleted (single use); a TOTP code that passes cannot be used
    again. Call it outside any transaction that may roll back: a failure is counted towards the
    throttle by a write that must survive the refusal.
    """
    code = normalize_code(raw_code)
    if TOTP_CODE_RE.match(code):
        model: Any = TOTPDevice
        method = "totp"
    elif RECOVERY_CODE_RE.match(code):
        model = StaticDevice
        method = "recovery"
    else:
        return CodeCheck(ok=False)
    with transaction.atomic():
        devices = list(
            model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk")
        )
        if method == "recovery" and not has_second_factor(user):
            devices = []  # recovery codes stand in for an app, never alone
        wait_until = None
        for device in devices:
            allowed, info = device.verify_is_allowed()
            if not allowed:
                wait_until = (info or {}).get("locked_until")
                continue
            if device.verify_token(code):
                return CodeCheck(ok=True, method=method)
        return CodeCheck(ok=False, wait_until=wait_until)
