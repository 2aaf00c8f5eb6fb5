"""Teachers: the staff facet of a person, their appointments, subject assignments, timetable
and registered leave (docs/domain.md §11).

Written only by ``services.py``. The timetable's rule "a teacher is never in two places at once"
is a unique constraint on (teacher, school year, shift, weekday, period), so two racing saves
cannot both win; the service checks first to give a clear Spanish message.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from modules.schools.choices import Shift

from .choices import (
    ESCALAFON_CATEGORIES,
    MAX_PERIOD,
    ContractType,
    DegreeKind,
    EscalafonLevel,
    Funding,
    Position,
    Weekday,
)

NIP_VALIDATOR = RegexValidator(
    r"^[0-9]{5,10}$", _("El NIP tiene de 5 a 10 dígitos, sin guiones ni espacios.")
)


class Teacher(models.Model):
    person = models.OneToOneField(
        "accounts.Person", on_delete=models.PROTECT, related_name="teacher"
    )
    nip = models.CharField(_("NIP"), max_length=10, unique=True, validators=[NIP_VALIDATOR])
    specialty = models.CharField(_("especialidad"), max_length=120, blank=True)
    escalafon_level = models.CharField(
        _("nivel del escalafón"), max_length=1, choices=EscalafonLevel.choices
    )
    escalafon_category = models.PositiveSmallIntegerField(
        _("categoría del escalafón"), choices=ESCALAFON_CATEGORIES
    )
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)

    class Meta:
        verbose_name = _("docente")
        verbose_name_plural = _("docentes")
        constraints = [
            models.CheckConstraint(
                condition=Q(escalafon_category__gte=1, escalafon_category__lte=6),
                name="teacher_category_1_to_6",
            )
        ]

    def __str__(self) -> str:
        return self.nip


class Degree(models.Model):
    """A study completed (title, institution, year)."""

    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="degrees")
    kind = models.CharField(_("tipo"), max_length=15, choices=DegreeKind.choices)
    title = models.CharField(_("título"), max_length=200)
    institution = models.CharField(_("institución"), max_length=200)
    year = models.PositiveSmallIntegerField(_("año"))

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("título académico")
        verbose_name_plural = _("títulos académicos")

    def __str__(self) -> str:
        return self.title


class Training(models.Model):
    """A training course with its hours and dates."""

    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="trainings")
    name = models.CharField(_("capacitación"), max_length=200)
    provider = models.CharField(_("impartida por"), max_length=200, blank=True)
    hours = models.PositiveSmallIntegerField(_("horas"))
    start_date = models.DateField(_("desde"))
    end_date = models.DateField(_("hasta"))

    class Meta:
        ordering = ["-start_date", "pk"]
        verbose_name = _("capacitación")
        verbose_name_plural = _("capacitaciones")
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="training_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Appointment(models.Model):
    """A teacher's post at one school (nombramiento)."""

    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="appointments")
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="appointments"
    )
    position = models.CharField(_("cargo"), max_length=15, choices=Position.choices)
    shift = models.CharField(_("turno"), max_length=12, choices=Shift.choices)
    contract_type = models.CharField(
        _("tipo de contratación"), max_length=15, choices=ContractType.choices
    )
    funding = models.CharField(_("financiamiento"), max_length=20, choices=Funding.choices)
    start_date = models.DateField(_("desde"))
    end_date = models.DateField(_("hasta"), null=True, blank=True)

    class Meta:
        ordering = ["school", "teacher", "start_date"]
        verbose_name = _("nombramiento")
        verbose_name_plural = _("nombramientos")
        indexes = [models.Index(fields=["school", "end_date"], name="appointment_school_end")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="appointment_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["teacher", "school", "position", "shift", "start_date"],
                name="appointment_unique_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.teacher_id} @ {self.school_id}"


class SubjectAssignment(models.Model):
    """Who teaches one subject of a section's study plan in its school year."""

    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="assignments")
    section = models.ForeignKey(
        "schools.Section", on_delete=models.CASCADE, related_name="subject_assignments"
    )
    subject = models.ForeignKey(
        "schools.Subject", on_delete=models.PROTECT, related_name="assignments"
    )
    # Copied from the section, so a teacher's year is read without a join.
    school_year = models.ForeignKey(
        "schools.SchoolYear", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["section", "subject__position"]
        verbose_name = _("asignación de asignatura")
        verbose_name_plural = _("asignaciones de asignaturas")
        constraints = [
            models.UniqueConstraint(
                fields=["section", "subject"], name="assignment_one_teacher_per_subject"
            )
        ]
        indexes = [models.Index(fields=["teacher", "school_year"], name="assignment_teacher_year")]

    def __str__(self) -> str:
        return f"{self.section_id}/{self.subject_id} → {self.teacher_id}"


class TimetableSlot(models.Model):
    """One class period: a section, its subject's teacher, a weekday and a period of the shift.

    Teacher and section, year, shift are copied from the assignment and its section so the two
    "never in two places at once" rules are plain unique constraints the database enforces.
    """

    assignment = models.ForeignKey(
        SubjectAssignment, on_delete=models.CASCADE, related_name="slots"
    )
    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="slots")
    section = models.ForeignKey(
        "schools.Section", on_delete=models.CASCADE, related_name="timetable_slots"
    )
    school_year = models.ForeignKey(
        "schools.SchoolYear", on_delete=models.PROTECT, related_name="+"
    )
    shift = models.CharField(_("turno"), max_length=12, choices=Shift.choices)
    weekday = models.PositiveSmallIntegerField(_("día"), choices=Weekday.choices)
    period = models.PositiveSmallIntegerField(_("hora clase"))

    class Meta:
        ordering = ["weekday", "period"]
        verbose_name = _("hora del horario")
        verbose_name_plural = _("horario")
        constraints = [
            models.UniqueConstraint(
                fields=["teacher", "school_year", "shift", "weekday", "period"],
                name="timetable_teacher_one_place",
            ),
            models.UniqueConstraint(
                fields=["section", "weekday", "period"], name="timetable_section_one_class"
            ),
            models.CheckConstraint(
                condition=Q(period__gte=1, period__lte=MAX_PERIOD), name="timetable_period_range"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=1, weekday__lte=7), name="timetable_weekday_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section_id} {self.weekday}/{self.period}"


class LeaveType(models.Model):
    """The catalogue of leave types (licencias), shipped as data and kept by administrators."""

    code = models.CharField(_("código"), max_length=20, unique=True)
    name = models.CharField(_("nombre"), max_length=80)
    max_days = models.PositiveSmallIntegerField(_("días máximos"), null=True, blank=True)
    requires_evidence = models.BooleanField(_("requiere respaldo"), default=True)
    is_active = models.BooleanField(_("vigente"), default=True)
    position = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("tipo de licencia")
        verbose_name_plural = _("tipos de licencia")

    def __str__(self) -> str:
        return self.name


class Leave(models.Model):
    """Leave approved by the director and registered by the departmental HR officer."""

    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="leaves")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    leave_type = models.ForeignKey(LeaveType, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(_("desde"))
    end_date = models.DateField(_("hasta"))
    # The process that approved it (a reference only: modules do not import workflows).
    process_id = models.PositiveBigIntegerField(_("trámite"), null=True, blank=True, unique=True)
    registered_at = models.DateTimeField(_("registrada el"), auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "pk"]
        verbose_name = _("licencia")
        verbose_name_plural = _("licencias")
        indexes = [models.Index(fields=["school", "end_date"], name="leave_school_end")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="leave_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.teacher_id} {self.start_date}..{self.end_date}"
