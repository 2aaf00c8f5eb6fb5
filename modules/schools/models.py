"""Geography, the school registry that role scopes point at, the education structure, school
years and calendars, grading scales and sections (docs/domain.md §2 to §4)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import (
    InfrastructureCondition,
    MediaTrack,
    ModalityKind,
    Regimen,
    RoundingMode,
    ScaleKind,
    SchoolClassification,
    SchoolSector,
    Shift,
    Zone,
)


class Department(models.Model):
    code = models.CharField(_("código"), max_length=2, unique=True)
    name = models.CharField(_("nombre"), max_length=60, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("departamento")
        verbose_name_plural = _("departamentos")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="municipalities"
    )
    code = models.CharField(_("código"), max_length=4, unique=True)
    name = models.CharField(_("nombre"), max_length=80, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("municipio")
        verbose_name_plural = _("municipios")

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """The former municipalities, now districts of the 44 municipalities."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="districts"
    )
    code = models.CharField(_("código"), max_length=6, unique=True)
    name = models.CharField(_("nombre"), max_length=80)

    class Meta:
        ordering = ["code"]
        verbose_name = _("distrito")
        verbose_name_plural = _("distritos")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="district_unique_name_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    code = models.CharField(_("código"), max_length=15, unique=True)
    name = models.CharField(_("nombre"), max_length=200)
    sector = models.CharField(_("sector"), max_length=20, choices=SchoolSector.choices)
    classification = models.CharField(
        _("clasificación"), max_length=30, choices=SchoolClassification.choices
    )
    zone = models.CharField(_("zona"), max_length=10, choices=Zone.choices)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="schools")
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="schools", null=True, blank=True
    )
    address = models.CharField(_("dirección"), max_length=250, blank=True)
    phone = models.CharField(_("teléfono"), max_length=20, blank=True)
    # An attached school's documents are signed by the parent school's director.
    attached_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="attached_schools"
    )
    is_active = models.BooleanField(_("activo"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("centro educativo")
        verbose_name_plural = _("centros educativos")
        indexes = [models.Index(fields=["municipality", "code"])]
        constraints = [
            models.CheckConstraint(
                name="school_not_attached_to_itself",
                condition=models.Q(attached_to__isnull=True)
                | ~models.Q(attached_to=models.F("pk")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        errors = {}
        if self.district_id and self.municipality_id:
            district_municipality = (
                District.objects.filter(pk=self.district_id)
                .values_list("municipality_id", flat=True)
                .first()
            )
            if district_municipality != self.municipality_id:
                errors["district"] = _(
                    "El distrito no pertenece al municipio del centro educativo."
                )
        if self.pk and self.attached_to_id == self.pk:
            errors["attached_to"] = _("Un centro educativo no puede estar adscrito a sí mismo.")
        if errors:
            raise ValidationError(errors)


class SchoolInfrastructure(models.Model):
    """What a school's buildings offer (one row per school; absent until first reported)."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="infrastructure")
    classrooms = models.PositiveSmallIntegerField(_("aulas"), default=0)
    laboratories = models.PositiveSmallIntegerField(_("laboratorios"), default=0)
    has_water = models.BooleanField(_("agua potable"), default=False)
    has_electricity = models.BooleanField(_("energía eléctrica"), default=False)
    has_internet = models.BooleanField(_("internet"), default=False)
    is_accessible = models.BooleanField(_("accesible"), default=False)
    condition = models.CharField(
        _("estado"),
        max_length=10,
        choices=InfrastructureCondition.choices,
        default=InfrastructureCondition.FAIR,
    )
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        verbose_name = _("infraestructura")
        verbose_name_plural = _("infraestructuras")
        indexes = [
            models.Index(fields=["has_internet"], name="infra_internet_idx"),
        ]

    def __str__(self) -> str:
        return str(self.school)


# --- School years and calendars -------------------------------------------------------------


class SchoolYear(models.Model):
    """A school year, keyed by its number (2026) so rows and partitions read it without a join."""

    year = models.PositiveSmallIntegerField(_("año"), primary_key=True)
    is_current = models.BooleanField(_("año en curso"), default=False)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("año lectivo")
        verbose_name_plural = _("años lectivos")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="schoolyear_one_current",
            )
        ]

    def __str__(self) -> str:
        return str(self.year)


class Calendar(models.Model):
    """The class period of a year: national (no school) or a school's own override.

    Class days are the regimen's days between ``start_date`` and ``end_date``, minus the
    public holidays (``holidays``, country SV) and the events that suspend classes, of both
    the national calendar and the school's own (docs/domain.md §4).
    """

    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="calendars")
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="calendars"
    )
    start_date = models.DateField(_("inicio de clases"))
    end_date = models.DateField(_("fin de clases"))

    class Meta:
        ordering = ["school_year", "school"]
        verbose_name = _("calendario escolar")
        verbose_name_plural = _("calendarios escolares")
        constraints = [
            models.UniqueConstraint(
                fields=["school_year"],
                condition=models.Q(school__isnull=True),
                name="calendar_one_national_per_year",
            ),
            models.UniqueConstraint(
                fields=["school_year", "school"],
                condition=models.Q(school__isnull=False),
                name="calendar_one_per_school_year",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="calendar_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_year_id} {self.school or _('nacional')}"


class CalendarEvent(models.Model):
    """A dated event in a calendar; ``suspends_classes`` removes its days from the class days."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="events")
    name = models.CharField(_("nombre"), max_length=120)
    start_date = models.DateField(_("desde"))
    end_date = models.DateField(_("hasta"))
    suspends_classes = models.BooleanField(_("sin clases"), default=True)

    class Meta:
        ordering = ["start_date"]
        verbose_name = _("evento del calendario")
        verbose_name_plural = _("eventos del calendario")
        indexes = [models.Index(fields=["calendar", "start_date", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="calendarevent_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


# --- Education structure --------------------------------------------------------------------


class Level(models.Model):
    code = models.CharField(_("código"), max_length=20, unique=True)
    name = models.CharField(_("nombre"), max_length=80)
    position = models.PositiveSmallIntegerField(_("orden"))

    class Meta:
        ordering = ["position"]
        verbose_name = _("nivel educativo")
        verbose_name_plural = _("niveles educativos")

    def __str__(self) -> str:
        return self.name


class Cycle(models.Model):
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="cycles")
    code = models.CharField(_("código"), max_length=20, unique=True)
    name = models.CharField(_("nombre"), max_length=80)
    position = models.PositiveSmallIntegerField(_("orden"))

    class Meta:
        ordering = ["level__position", "position"]
        verbose_name = _("ciclo")
        verbose_name_plural = _("ciclos")

    def __str__(self) -> str:
        return self.name


class Modality(models.Model):
    """Regular, or a flexible modality (distance, night, accelerated…) that may run as cohorts."""

    code = models.CharField(_("código"), max_length=20, unique=True)
    name = models.CharField(_("nombre"), max_length=80)
    kind = models.CharField(_("tipo"), max_length=10, choices=ModalityKind.choices)
    runs_as_cohorts = models.BooleanField(_("funciona por cohortes"), default=False)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("modalidad")
        verbose_name_plural = _("modalidades")

    def __str__(self) -> str:
        return self.name


class Grade(models.Model):
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="grades")
    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, null=True, blank=True, related_name="grades"
    )
    code = models.CharField(_("código"), max_length=10, unique=True)
    name = models.CharField(_("nombre"), max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(_("orden"))
    track = models.CharField(
        _("bachillerato"), max_length=10, choices=MediaTrack.choices, blank=True, default=""
    )
    # The age a pupil is expected to have at the start of the year (over-age statistics).
    intended_age = models.PositiveSmallIntegerField(_("edad normativa"), null=True, blank=True)
    # Where a promoted pupil goes next; empty for the last grade of a level or track.
    next_grade = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position"]
        verbose_name = _("grado")
        verbose_name_plural = _("grados")

    def __str__(self) -> str:
        return self.name


class GradingScale(models.Model):
    """A grading scale as data: numeric (range, passing mark, precision, rounding) or conceptual
    (ordered concepts, each flagged as passing or not)."""

    code = models.CharField(_("código"), max_length=30, unique=True)
    name = models.CharField(_("nombre"), max_length=80)
    kind = models.CharField(_("tipo"), max_length=10, choices=ScaleKind.choices)
    min_value = models.DecimalField(
        _("nota mínima"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("nota máxima"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passing_value = models.DecimalField(
        _("nota de aprobación"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    precision = models.PositiveSmallIntegerField(_("decimales"), default=0)
    rounding = models.CharField(
        _("redondeo"), max_length=10, choices=RoundingMode.choices, default=RoundingMode.HALF_UP
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("escala de calificación")
        verbose_name_plural = _("escalas de calificación")
        constraints = [
            models.CheckConstraint(
                name="gradingscale_numeric_range",
                condition=models.Q(kind=ScaleKind.CONCEPTUAL)
                | models.Q(
                    min_value__isnull=False,
                    max_value__gt=models.F("min_value"),
                    passing_value__gte=models.F("min_value"),
                    passing_value__lte=models.F("max_value"),
                ),
            ),
            models.CheckConstraint(
                name="gradingscale_precision_max_2", condition=models.Q(precision__lte=2)
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ScaleConcept(models.Model):
    scale = models.ForeignKey(GradingScale, on_delete=models.CASCADE, related_name="concepts")
    code = models.CharField(_("código"), max_length=10)
    label = models.CharField(_("concepto"), max_length=80)
    position = models.PositiveSmallIntegerField(_("orden"))
    passes = models.BooleanField(_("aprueba"))

    class Meta:
        ordering = ["scale", "position"]
        verbose_name = _("concepto de escala")
        verbose_name_plural = _("conceptos de escala")
        constraints = [
            models.UniqueConstraint(fields=["scale", "code"], name="scaleconcept_unique_code"),
            models.UniqueConstraint(
                fields=["scale", "position"], name="scaleconcept_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class StudyPlan(models.Model):
    """The subjects and grading periods of one grade in one modality for one school year."""

    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, related_name="study_plans")
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="study_plans"
    )
    modality = models.ForeignKey(Modality, on_delete=models.PROTECT, related_name="study_plans")
    name = models.CharField(_("nombre"), max_length=120)
    scale = models.ForeignKey(GradingScale, on_delete=models.PROTECT, related_name="study_plans")

    class Meta:
        ordering = ["school_year", "grade__position"]
        verbose_name = _("plan de estudio")
        verbose_name_plural = _("planes de estudio")
        constraints = [
            models.UniqueConstraint(
                fields=["grade", "school_year", "modality"], name="studyplan_unique_per_year"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Subject(models.Model):
    plan = models.ForeignKey(StudyPlan, on_delete=models.CASCADE, related_name="subjects")
    code = models.CharField(_("código"), max_length=20)
    name = models.CharField(_("nombre"), max_length=120)
    position = models.PositiveSmallIntegerField(_("orden"))

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("asignatura")
        verbose_name_plural = _("asignaturas")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="subject_unique_code_per_plan")
        ]

    def __str__(self) -> str:
        return self.name


class GradingPeriod(models.Model):
    plan = models.ForeignKey(StudyPlan, on_delete=models.CASCADE, related_name="periods")
    number = models.PositiveSmallIntegerField(_("número"))
    name = models.CharField(_("nombre"), max_length=60)
    start_date = models.DateField(_("desde"), null=True, blank=True)
    end_date = models.DateField(_("hasta"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("período de evaluación")
        verbose_name_plural = _("períodos de evaluación")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="gradingperiod_unique_number_per_plan"
            )
        ]

    def __str__(self) -> str:
        return self.name


# --- Sections -------------------------------------------------------------------------------


class Section(models.Model):
    """A class group of one grade in one school year and shift (``name`` is its letter)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="sections")
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="sections", verbose_name=_("año lectivo")
    )
    grade = models.ForeignKey(
        Grade, on_delete=models.PROTECT, related_name="sections", verbose_name=_("grado")
    )
    study_plan = models.ForeignKey(
        StudyPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sections",
        verbose_name=_("plan de estudio"),
    )
    name = models.CharField(_("sección"), max_length=10)
    shift = models.CharField(_("turno"), max_length=12, choices=Shift.choices)
    regimen = models.CharField(
        _("régimen"), max_length=10, choices=Regimen.choices, default=Regimen.WEEKDAYS
    )
    homeroom_teacher = models.ForeignKey(
        "accounts.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="homeroom_sections",
        verbose_name=_("docente orientador"),
    )
    capacity = models.PositiveSmallIntegerField(_("cupo"), default=40)

    class Meta:
        ordering = ["school", "school_year", "grade__position", "name"]
        verbose_name = _("sección")
        verbose_name_plural = _("secciones")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "grade", "name", "shift"],
                name="section_unique_per_school_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grade} {self.name} ({self.school_year_id})"
