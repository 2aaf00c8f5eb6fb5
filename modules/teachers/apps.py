from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeachersConfig(AppConfig):
    name = "modules.teachers"
    label = "teachers"
    verbose_name = _("Docentes")

    def ready(self) -> None:
        from core.accounts.choices import Role
        from core.audit.registry import register_action_labels, register_object_type_labels
        from core.demo import register_demo_step
        from core.imports.registry import register_importer
        from core.shell import register_nav_entry, register_panel_entry

        from . import demo
        from .imports import TeacherImporter

        # After the schools' and academics' steps: the demo school, its sections and accounts.
        register_demo_step("teachers", layer="modules", run=demo.seed_teachers)
        register_importer(TeacherImporter())

        staff = _("Personal docente")
        staff_roles = [
            Role.DIRECTOR,
            Role.DEPARTMENTAL_OFFICER,
            Role.HR_OFFICER,
            Role.MINISTRY_OFFICER,
        ]
        register_nav_entry(
            key="teachers-staff",
            label=staff,
            url_name="teachers:home",
            position=47,
            roles=staff_roles,
        )
        register_panel_entry(
            roles=staff_roles,
            key="teachers-staff",
            label=staff,
            url_name="teachers:home",
            description=_("Docentes, nombramientos, licencias del día y horarios por centro."),
            position=21,
        )
        mine = _("Mi ficha docente")
        register_nav_entry(
            key="teachers-mine",
            label=mine,
            url_name="teachers:mine",
            position=17,
            roles=[Role.TEACHER],
        )
        register_panel_entry(
            roles=[Role.TEACHER],
            key="teachers-mine",
            label=mine,
            url_name="teachers:mine",
            description=_("Sus datos de docente, nombramientos, horario y licencias."),
            position=12,
        )
        register_object_type_labels({"teachers.teacher": _("Docente")})
        register_action_labels(
            {
                "teacher.created": _("Docente registrado"),
                "teacher.updated": _("Expediente docente modificado"),
                "teacher.degree_added": _("Título registrado"),
                "teacher.training_added": _("Capacitación registrada"),
                "appointment.created": _("Nombramiento registrado"),
                "appointment.updated": _("Nombramiento modificado"),
                "assignment.set": _("Asignatura asignada"),
                "timetable.slot_added": _("Hora de clase agregada al horario"),
                "timetable.slot_removed": _("Hora de clase quitada del horario"),
                "leave.registered": _("Licencia registrada"),
            }
        )
