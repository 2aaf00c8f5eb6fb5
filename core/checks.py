"""SIGES's own secrets: the rules, and the deployment system checks (``check --deploy``).

Production settings refuse to boot when a rule is broken (core/settings/prod.py, with an English
message: translations are not loaded yet at that point); the checks report the same to an
operator running ``check --deploy`` against any settings module, in the active language.
"""

from typing import Any

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext_lazy as _

# HMAC-SHA256 keys shorter than this are guessable offline from one signed checkpoint.
AUDIT_SIGNING_KEY_MIN_LENGTH = 32

AUDIT_KEY_SHORT = "audit_key_short"
AUDIT_KEY_IS_SECRET_KEY = "audit_key_is_secret_key"  # noqa: S105 - a problem code
WEBHOOK_SECRET_MISSING = "webhook_secret_missing"  # noqa: S105 - a problem code

BOOT_MESSAGES = {
    AUDIT_KEY_SHORT: (
        f"SIGES_AUDIT_SIGNING_KEY must be at least {AUDIT_SIGNING_KEY_MIN_LENGTH} characters long."
    ),
    AUDIT_KEY_IS_SECRET_KEY: "SIGES_AUDIT_SIGNING_KEY must differ from DJANGO_SECRET_KEY.",
    WEBHOOK_SECRET_MISSING: (
        "ANYMAIL_WEBHOOK_SECRET must be user:password; empty, the email webhooks accept "
        "unauthenticated posts."
    ),
}
CHECK_MESSAGES = {
    AUDIT_KEY_SHORT: _(
        "SIGES_AUDIT_SIGNING_KEY debe tener al menos 32 caracteres: una clave corta permite "
        "falsificar los puntos de control de la auditoría."
    ),
    AUDIT_KEY_IS_SECRET_KEY: _("SIGES_AUDIT_SIGNING_KEY debe ser distinta de DJANGO_SECRET_KEY."),
    WEBHOOK_SECRET_MISSING: _(
        "ANYMAIL_WEBHOOK_SECRET debe tener la forma usuario:contraseña; vacío, los webhooks de "
        "correo aceptan envíos sin autenticar."
    ),
}
CHECK_IDS = {
    AUDIT_KEY_SHORT: "siges.E001",
    AUDIT_KEY_IS_SECRET_KEY: "siges.E002",
    WEBHOOK_SECRET_MISSING: "siges.E003",
}


def audit_signing_key_problem(key: str, secret_key: str) -> str | None:
    """Why ``key`` cannot sign audit checkpoints (a problem code), or ``None``."""
    if len(key or "") < AUDIT_SIGNING_KEY_MIN_LENGTH:
        return AUDIT_KEY_SHORT
    if key == secret_key:
        return AUDIT_KEY_IS_SECRET_KEY
    return None


def webhook_secret_problem(secret: str) -> str | None:
    """Why ``secret`` cannot protect the email webhooks (a problem code), or ``None``.

    anymail switches its basic authentication off when the secret is empty."""
    user, colon, password = (secret or "").partition(":")
    if not colon or not user or not password:
        return WEBHOOK_SECRET_MISSING
    return None


def secret_problems(*, audit_key: str, secret_key: str, webhook_secret: str) -> list[str]:
    found = [
        audit_signing_key_problem(audit_key, secret_key),
        webhook_secret_problem(webhook_secret),
    ]
    return [code for code in found if code]


@checks.register(checks.Tags.security, deploy=True)
def check_siges_secrets(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    codes = secret_problems(
        audit_key=getattr(settings, "SIGES_AUDIT_SIGNING_KEY", ""),
        secret_key=settings.SECRET_KEY,
        webhook_secret=(getattr(settings, "ANYMAIL", None) or {}).get("WEBHOOK_SECRET", ""),
    )
    return [
        checks.Error(str(CHECK_MESSAGES[code]), hint=BOOT_MESSAGES[code], id=CHECK_IDS[code])
        for code in codes
    ]
