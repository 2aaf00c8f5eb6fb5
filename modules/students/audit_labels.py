"""Spanish names of the students module's audit codes (registered from ``StudentsConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from core.audit.registry import (
    register_action_labels,
    register_object_type_labels,
    register_state_labels,
)

from .choices import EnrollmentStatus


def register() -> None:
    register_object_type_labels(
        {
            "students.student": _("Estudiante"),
            "students.enrollment": _("Matrícula"),
            "schools.schoolyear": _("Año lectivo"),
        }
    )
    register_action_labels(
        {
            "student.created": _("Estudiante registrado"),
            "guardian.linked": _("Responsable vinculado"),
            "guardian.updated": _("Responsable modificado"),
            "enrollment.created": _("Matrícula registrada"),
            "enrollment.confirm": _("Matrícula confirmada"),
            "enrollment.withdraw": _("Estudiante retirado"),
            "enrollment.transfer": _("Estudiante trasladado"),
            "enrollment.annul": _("Matrícula anulada"),
            "enrollment.promote": _("Estudiante promovido"),
            "enrollment.hold_back": _("Estudiante no promovido"),
            "enrollment.repeat": _("Repetición registrada"),
            "schoolyear.created": _("Año lectivo registrado"),
        }
    )
    register_state_labels("students.enrollment", dict(EnrollmentStatus.choices))
