"""Spanish names of this trámite's audit codes, registered from its ``AppConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from core.audit.registry import (
    register_action_labels,
    register_field_labels,
    register_object_type_labels,
    register_state_labels,
)


def register_audit_labels() -> None:
    from .choices import RegistrationStatus

    register_object_type_labels({"registration.registrationrequest": _("Solicitud de registro")})
    register_state_labels("registration.registrationrequest", dict(RegistrationStatus.choices))
    register_action_labels(
        {
            "registrationrequest.submitted": _("Registro solicitado"),
            "registrationrequest.send_verification": _("Correo de verificación enviado"),
            "registrationrequest.verify_email": _("Correo verificado"),
            "registrationrequest.activate": _("Cuenta activada"),
            "registrationrequest.require_identity_review": _("Enviada a revisión de identidad"),
            "registrationrequest.reject_duplicate": _("Registro rechazado: cuenta existente"),
            "registrationrequest.approve_identity": _("Identidad aprobada"),
            "registrationrequest.reject_identity": _("Identidad rechazada"),
            "registrationrequest.expire": _("Registro vencido"),
            "registration.existing_account_attempt": _("Registro con una cuenta ya existente"),
        }
    )
    register_field_labels({"registration": _("Solicitud de registro n.º")})
