"""Geography (since the 2024 municipal reform) and the school registry that role scopes point at."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Regimen, SchoolClassification, SchoolSector, Shift, Zone


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


class Section(models.Model):
    """A class group of one grade in one school year (extended by the academic modules)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="sections")
    school_year = models.PositiveSmallIntegerField(_("año lectivo"))
    grade = models.CharField(_("grado"), max_length=40)
    name = models.CharField(_("sección"), max_length=10)
    shift = models.CharField(_("turno"), max_length=12, choices=Shift.choices)
    regimen = models.CharField(
        _("régimen"), max_length=10, choices=Regimen.choices, default=Regimen.WEEKDAYS
    )

    class Meta:
        ordering = ["school", "school_year", "grade", "name"]
        verbose_name = _("sección")
        verbose_name_plural = _("secciones")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "grade", "name", "shift"],
                name="section_unique_per_school_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grade} {self.name} ({self.school_year})"
