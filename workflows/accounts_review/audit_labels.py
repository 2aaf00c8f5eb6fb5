"""Spanish names of this trámite's audit codes, registered from its ``AppConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from core.audit.registry import (
    FieldLabel,
    register_action_labels,
    register_field_labels,
    register_object_type_labels,
    register_state_labels,
)


def register_audit_labels() -> None:
    from .choices import ReviewKind, ReviewStatus

    register_object_type_labels({"accounts_review.reviewcase": _("Caso de cuentas y accesos")})
    register_state_labels("accounts_review.reviewcase", dict(ReviewStatus.choices))
    register_action_labels(
        {
            "reviewcase.opened": _("Caso de revisión abierto"),
            "reviewcase.approve": _("Revisión aprobada"),
            "reviewcase.reject": _("Revisión rechazada"),
        }
    )
    register_field_labels(
        {"review_kind": FieldLabel(_("Tipo de revisión"), choices=dict(ReviewKind.choices))}
    )
