"""Spanish names of the trámites' audit codes (registration, password reset, account review
cases), registered from ``WorkflowsConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from core.audit.registry import (
    FieldLabel,
    register_action_labels,
    register_field_labels,
    register_object_type_labels,
    register_state_labels,
)


def register() -> None:
    from workflows.accounts_review.choices import ReviewKind, ReviewStatus
    from workflows.password_reset.choices import ResetStatus
    from workflows.registration.choices import RegistrationStatus

    register_object_type_labels(
        {
            "registration.registrationrequest": _("Solicitud de registro"),
            "password_reset.passwordresetrequest": _("Recuperación de contraseña"),
            "accounts_review.reviewcase": _("Caso de cuentas y accesos"),
        }
    )
    register_state_labels("registration.registrationrequest", dict(RegistrationStatus.choices))
    register_state_labels("password_reset.passwordresetrequest", dict(ResetStatus.choices))
    register_state_labels("accounts_review.reviewcase", dict(ReviewStatus.choices))
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
            "passwordresetrequest.requested": _("Recuperación de contraseña solicitada"),
            "passwordresetrequest.send_link": _("Enlace de recuperación enviado"),
            "passwordresetrequest.open_access_review": _("Enviada a recuperación de acceso"),
            "passwordresetrequest.approve_access": _("Recuperación de acceso aprobada"),
            "passwordresetrequest.reject_access": _("Recuperación de acceso rechazada"),
            "passwordresetrequest.complete": _("Contraseña cambiada por enlace"),
            "passwordresetrequest.expire": _("Recuperación vencida"),
            "password_reset.repeat_while_in_review": _("Recuperación repetida durante la revisión"),
            "reviewcase.opened": _("Caso de revisión abierto"),
            "reviewcase.approve": _("Revisión aprobada"),
            "reviewcase.reject": _("Revisión rechazada"),
            "notification.retry_requested": _("Reenvío de notificación solicitado"),
        }
    )
    register_field_labels(
        {
            "registration": _("Solicitud de registro n.º"),
            "reset_path": _("Página de recuperación"),
            "review_kind": FieldLabel(_("Tipo de revisión"), choices=dict(ReviewKind.choices)),
        }
    )
