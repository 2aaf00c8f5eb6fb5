"""The staff second factor: TOTP devices and recovery codes (docs/security.md §1.7).

Built on django-otp: a person's authenticator app is a confirmed ``TOTPDevice`` (otp_totp); their
ten recovery codes belong to one ``StaticDevice`` (otp_static), each usable once. A code itself is
never stored: each ``StaticToken`` row holds only a keyed digest of it (``recovery_code_digest``),
checked here in constant time, never by django-otp's plain comparison.

``verify_second_factor`` is the one check every pathway uses (the login's second step, the
step-up page, the API token endpoint, the admin login). Six digits are tried against the TOTP
device; anything else against the recovery codes, so a mistyped code throttles only the kind
it was meant for. django-otp refuses a TOTP code of a time step already used (no replay) and
makes each failure double the wait before the next try (1, 2, 4 … seconds); the device rows
are locked while a code is checked, so two requests cannot both spend one code.
"""

from __future__ import annotations

import hmac
import re
import secrets
from base64 import b32encode, b64encode
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.audit.services import audit_record

from .choices import STAFF_ROLES
from .scopes import has_role

TOTP_CODE_RE = re.compile(r"^\d{6}$")
# Recovery codes: 80 random bits as 16 base32 characters (shown in groups of four).
RECOVERY_CODE_RE = re.compile(r"^[a-z2-7]{16}$")
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
            passed = (
                _spend_recovery_code(device, code)
                if method == "recovery"
                else device.verify_token(code)
            )
            if passed:
                return CodeCheck(ok=True, method=method)
        return CodeCheck(ok=False, wait_until=wait_until)


# --- Recovery codes, stored as digests ----------------------------------------------------------

RECOVERY_DIGEST_SALT = "siges.accounts.recovery-code"


def recovery_code_digest(device_id: int, code: str, secret: str | bytes | None = None) -> str:
    """What is stored for one recovery code: an HMAC-SHA256 keyed with ``SECRET_KEY`` over the
    device's id and the code, as 16 base32 characters (80 bits; django-otp's token column holds
    16). The codes carry 80 random bits, so a fast keyed hash is enough: a copy of the database
    alone does not give them back, and the device id keeps two devices' digests unrelated."""
    mac = salted_hmac(
        RECOVERY_DIGEST_SALT, f"{device_id}:{code}", secret=secret, algorithm="sha256"
    )
    return b32encode(mac.digest()[:10]).decode("ascii").lower()


def _recovery_digests(device_id: int, code: str) -> list[str]:
    """The digest under the current key and under each old key still accepted
    (``SECRET_KEY_FALLBACKS``), so rotating the key does not void the codes at once."""
    secrets_in_use = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [recovery_code_digest(device_id, code, secret) for secret in secrets_in_use]


def _spend_recovery_code(device: StaticDevice, code: str) -> bool:
    """django-otp's ``StaticDevice.verify_token`` with the stored digests: every stored digest
    is compared with every candidate in constant time (no early exit); the matching row is
    deleted (single use; the caller holds the device row locked). Failures feed the throttle."""
    candidates = [digest.encode("ascii") for digest in _recovery_digests(device.pk, code)]
    match = None
    for token_id, stored in device.token_set.values_list("pk", "token"):
        stored_bytes = stored.encode("ascii", "replace")
        hit = False
        for candidate in candidates:
            hit |= hmac.compare_digest(stored_bytes, candidate)
        if hit and match is None:
            match = token_id
    if match is None or not StaticToken.objects.filter(pk=match).delete()[0]:
        device.throttle_increment()
        return False
    device.throttle_reset(commit=False)
    device.set_last_used_timestamp(commit=False)
    device.save()
    return True


# --- Services (every write audited on the user's chain) ----------------------------------------

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Aplicación de autenticación"
RECOVERY_DEVICE_NAME = "Códigos de recuperación"


def pending_totp_device(user: Any) -> TOTPDevice | None:
    """The device being enrolled (created, its code not yet confirmed), if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


@transaction.atomic
def totp_enrol_start(*, user: Any, request: Any = None) -> TOTPDevice:
    """Draw a new secret for ``user`` (replacing an unfinished enrolment). Refused for people
    without a staff role and for people who already have a confirmed app."""
    from django.core.exceptions import PermissionDenied

    if not can_enrol(user):
        raise PermissionDenied
    if has_second_factor(user):
        from core.exceptions import Conflict

        raise Conflict(
            _("Su cuenta ya tiene una aplicación de autenticación activa."), code="enrolled"
        )
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    audit_record(action="auth.otp_enrol_started", obj=user, actor=user, request=request)
    return device


def totp_enrol_confirm(*, user: Any, raw_code: str, request: Any = None) -> list[str] | None:
    """Confirm the pending device with a code it shows; return the ten new recovery codes (to
    show once), or ``None`` when the code is wrong (audited, nothing else changes)."""
    device = pending_totp_device(user)
    if device is None:
        return None
    code = normalize_code(raw_code)
    ok = bool(TOTP_CODE_RE.match(code)) and device.verify_token(code)
    if not ok:
        audit_record(
            action="auth.otp_failed",
            obj=user,
            actor=user,
            request=request,
            payload={"step": "enrol"},
        )
        return None
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _replace_recovery_codes(user)
        event = audit_record(action="auth.otp_enrolled", obj=user, actor=user, request=request)
        _changed(user, "enrolled", event)
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: Any, request: Any = None) -> list[str]:
    """Replace ``user``'s recovery codes with ten new ones (the old ones stop working)."""
    from core.exceptions import Conflict

    if not has_second_factor(user):
        raise Conflict(_("Active primero la verificación en dos pasos."), code="not_enrolled")
    codes = _replace_recovery_codes(user)
    event = audit_record(
        action="auth.recovery_codes_regenerated", obj=user, actor=user, request=request
    )
    _changed(user, "recovery_codes", event)
    return codes


@transaction.atomic
def second_factor_remove(*, user: Any, actor: Any, request: Any = None) -> int:
    """Remove ``user``'s authenticator app and recovery codes (by themselves after a step-up,
    or by an administrator when the phone is lost). Returns how many devices went."""
    removed, _detail = TOTPDevice.objects.filter(user=user).delete()
    static, _detail = StaticDevice.objects.filter(user=user).delete()
    event = audit_record(
        action="auth.otp_removed",
        obj=user,
        actor=actor,
        request=request,
        payload={"by_administrator": getattr(actor, "pk", None) != user.pk},
    )
    _changed(user, "removed", event)
    return removed + static


def _changed(user: Any, change: str, event: Any) -> None:
    from .hooks import second_factor_changed

    second_factor_changed.send(sender=type(user), user=user, change=change, audit_event=event)


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _replace_recovery_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [
        b32encode(secrets.token_bytes(10)).decode("ascii").lower()
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_code_digest(device.pk, code)) for code in codes
    )
    return codes


def recovery_code_display(code: str) -> str:
    """``abcdefghijklmnop`` → ``abcd-efgh-ijkl-mnop`` (typed with or without the hyphens)."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def totp_secret_base32(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_data_uri(device: TOTPDevice) -> str:
    """The ``otpauth://`` address of ``device`` as a QR code: an SVG ``data:`` URI drawn on
    the server from reportlab's QR encoder (one path, a few kilobytes), so the page needs no
    script and the secret never leaves the server for a third-party service."""
    from reportlab.graphics.barcode import qrencoder

    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(device.config_url)
    qr.make()
    count = qr.getModuleCount()
    quiet = 4  # the white margin readers need, in modules
    path = "".join(
        f"M{c + quiet} {r + quiet}h1v1h-1z"
        for r, row in enumerate(qr.modules)
        for c, dark in enumerate(row)
        if dark
    )
    side = count + 2 * quiet
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" '
        f'shape-rendering="crispEdges"><rect width="{side}" height="{side}" fill="#fff"/>'
        f'<path d="{path}" fill="#000"/></svg>'
    )
    return "data:image/svg+xml;base64," + b64encode(svg.encode("ascii")).decode("ascii")
