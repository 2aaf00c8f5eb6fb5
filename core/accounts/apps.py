from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "core.accounts"
    label = "accounts"
    verbose_name = _("Cuentas y personas")

    def ready(self) -> None:
        from core.audit.registry import (
            FieldLabel,
            register_action_labels,
            register_field_labels,
        )
        from core.demo import register_demo_step

        from . import (
            demo_totp,
            signals,  # noqa: F401  (audits logins and failed logins)
        )

        register_action_labels(
            {
                "auth.step_up": _("Identidad confirmada de nuevo"),
                "auth.step_up_failed": _("Confirmación de identidad fallida"),
                "auth.otp_enrol_started": _("Inicio de la activación de dos pasos"),
                "auth.otp_enrolled": _("Verificación en dos pasos activada"),
                "auth.otp_verified": _("Código de verificación aceptado"),
                "auth.otp_failed": _("Código de verificación rechazado"),
                "auth.recovery_codes_regenerated": _("Códigos de recuperación renovados"),
                "auth.otp_removed": _("Verificación en dos pasos desactivada"),
            }
        )
        methods = FieldLabel(
            _("Método de verificación"),
            choices={
                "password": _("Contraseña"),
                "totp": _("Aplicación de autenticación"),
                "recovery": _("Código de recuperación"),
            },
        )
        for action in ("auth.step_up", "auth.otp_verified"):
            register_field_labels({"method": methods}, action=action)
        register_field_labels({"step": _("Paso")}, action="auth.otp_failed")
        # After the demo accounts exist (modules/schools seeds them): the demo TOTP devices.
        register_demo_step("accounts-totp", layer="workflows", run=demo_totp.seed_demo_totp)
