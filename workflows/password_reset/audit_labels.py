"""Spanish names of this trámite's audit codes, registered from its ``AppConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from core.audit.registry import (
    register_action_labels,
    register_field_labels,
    register_object_type_labels,
    register_state_labels,
)


def register_audit_labels() -> None:
    from .choices import ResetStatus

    register_object_type_labels(
        {"password_reset.passwordresetrequest": _("Recuperación de contraseña")}
    )
    register_state_labels("password_reset.passwordresetrequest", dict(ResetStatus.choices))
    register_action_labels(
        {
            "passwordresetrequest.requested": _("Recuperación de contraseña solicitada"),
            "passwordresetrequest.send_link": _("Enlace de recuperación enviado"),
            "passwordresetrequest.open_access_review": _("Enviada a recuperación de acceso"),
            "passwordresetrequest.approve_access": _("Recuperación de acceso aprobada"),
            "passwordresetrequest.reject_access": _("Recuperación de acceso rechazada"),
            "passwordresetrequest.complete": _("Contraseña cambiada por enlace"),
            "passwordresetrequest.expire": _("Recuperación vencida"),
            "password_reset.repeat_while_in_review": _("Recuperación repetida durante la revisión"),
        }
    )
    register_field_labels({"reset_path": _("Página de recuperación")})
