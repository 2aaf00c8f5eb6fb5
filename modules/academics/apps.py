from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcademicsConfig(AppConfig):
    name = "modules.academics"
    label = "academics"
    verbose_name = _("Asistencia, calificaciones y promoción")

    def ready(self) -> None:
        from core.accounts.choices import Role
        from core.audit.registry import register_action_labels, register_object_type_labels
        from core.demo import register_demo_step
        from core.partitions import register_partitioned_table
        from core.shell import register_nav_entry, register_panel_entry

        from . import demo
        from .models import AttendanceDay, AttendanceRecord

        # Attendance grows by the day: partitioned by school year on PostgreSQL (migration 0003).
        register_partitioned_table(AttendanceDay._meta.db_table, column="date")
        register_partitioned_table(AttendanceRecord._meta.db_table, column="date")
        # After the schools' steps: the demo school and its accounts must exist.
        register_demo_step("academics", layer="modules", run=demo.seed_academics)

        sections, schools = _("Mis secciones"), _("Mis centros")
        register_nav_entry(
            key="my-sections",
            label=sections,
            url_name="academics:my_sections",
            position=15,
            roles=[Role.TEACHER, Role.DIRECTOR],
        )
        register_nav_entry(
            key="my-schools",
            label=schools,
            url_name="academics:my_schools",
            position=16,
            roles=[Role.DIRECTOR, Role.DEPARTMENTAL_OFFICER],
        )
        register_panel_entry(
            roles=[Role.TEACHER, Role.DIRECTOR],
            key="my-sections",
            label=sections,
            url_name="academics:my_sections",
            description=_("Asistencia del día, cuadro de notas y resultados de sus secciones."),
            position=10,
        )
        register_panel_entry(
            roles=[Role.DIRECTOR, Role.DEPARTMENTAL_OFFICER],
            key="my-schools",
            label=schools,
            url_name="academics:my_schools",
            description=_("Matrícula, asistencia y notas pendientes por sección; cierre del año."),
            position=11,
        )
        children = _("Mis hijos")
        register_nav_entry(
            key="my-children",
            label=children,
            url_name="academics:family",
            position=14,
            roles=[Role.GUARDIAN],
        )
        register_panel_entry(
            roles=[Role.GUARDIAN],
            key="mis-hijos",
            label=children,
            url_name="academics:family",
            description=_(
                "Matrícula, asistencia, notas, conducta y expediente de sus hijos; mensajes al "
                "centro y permisos de inasistencia."
            ),
            position=30,
        )
        from core.work import register_source

        from .work import AttendancePendingSource

        register_source(AttendancePendingSource())
        from modules.students.selectors import register_record_contributor

        from .record import record_results

        register_record_contributor("academics.results", record_results)
        register_object_type_labels(
            {
                "academics.attendanceday": _("Asistencia de sección"),
                "academics.conductentry": _("Registro de conducta"),
                "academics.recoverygrade": _("Recuperación"),
            }
        )
        register_action_labels(
            {
                "attendance.recorded": _("Asistencia registrada"),
                "attendance.corrected": _("Asistencia corregida"),
                "grades.saved": _("Calificaciones guardadas"),
                "grades.recovery_recorded": _("Recuperación registrada"),
                "conduct.recorded": _("Registro de conducta anotado"),
                "section.year_closed": _("Año lectivo de la sección cerrado"),
            }
        )
