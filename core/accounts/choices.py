from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "F", _("Femenino")
    MALE = "M", _("Masculino")


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Ciudadano")
    GUARDIAN = "guardian", _("Responsable de familia")
    TEACHER = "teacher", _("Docente")
    TECHNICIAN = "technician", _("Técnico")
    SUPERVISOR = "supervisor", _("Supervisor de mesa de ayuda")
    DIRECTOR = "director", _("Director de centro educativo")
    DEPARTMENTAL_OFFICER = "departmental_officer", _("Funcionario departamental")
    MINISTRY_OFFICER = "ministry_officer", _("Funcionario del ministerio")
    AUDITOR = "auditor", _("Auditor")
    # School-level roles of the academic registry and the school board.
    REGISTRAR = "registrar", _("Encargado de registro académico")
    TREASURER = "treasurer", _("Tesorero del organismo escolar")
    # Departmental and national roles of the ministry's offices.
    HR_OFFICER = "hr_officer", _("Oficial de recursos humanos")
    FINANCE_REVIEWER = "finance_reviewer", _("Revisor financiero")
    TITLE_AUTHENTICATOR = "title_authenticator", _("Oficial de autenticación de títulos")
    PRINT_CENTRE = "print_centre", _("Centro de impresión de títulos")
    ADMINISTRATOR = "administrator", _("Administrador")


# Roles that work in the staff web (may enrol TOTP, see staff pages).
STAFF_ROLES = frozenset(
    {
        Role.TEACHER,
        Role.TECHNICIAN,
        Role.SUPERVISOR,
        Role.DIRECTOR,
        Role.DEPARTMENTAL_OFFICER,
        Role.MINISTRY_OFFICER,
        Role.AUDITOR,
        Role.ADMINISTRATOR,
        Role.REGISTRAR,
        Role.TREASURER,
        Role.HR_OFFICER,
        Role.FINANCE_REVIEWER,
        Role.TITLE_AUTHENTICATOR,
        Role.PRINT_CENTRE,
    }
)


# Roles whose holders can have work, i.e. a Bandeja (core/work): most senior first, the order in
# which a person with several is taken to act when a source does not say. Auditors, citizens
# and guardians have none.
WORK_ROLES: tuple[str, ...] = (
    Role.MINISTRY_OFFICER,
    Role.TITLE_AUTHENTICATOR,
    Role.PRINT_CENTRE,
    Role.DEPARTMENTAL_OFFICER,
    Role.HR_OFFICER,
    Role.FINANCE_REVIEWER,
    Role.DIRECTOR,
    Role.REGISTRAR,
    Role.TREASURER,
    Role.SUPERVISOR,
    Role.TECHNICIAN,
    Role.TEACHER,
)


class ScopeKind(models.TextChoices):
    NATIONAL = "national", _("Nacional")
    DEPARTMENT = "department", _("Departamento")
    MUNICIPALITY = "municipality", _("Municipio")
    SCHOOL = "school", _("Centro educativo")
    SECTION = "section", _("Sección")
    PERSON = "person", _("Persona")
