"""Students (the student facet of a person), their guardians and enrollments (matrícula).

See docs/domain.md §1 (NIE) and §4 (enrollment, withdrawal motives).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMModelMixin

from .choices import CURRENT_STATUSES, EnrollmentStatus, MotiveKind, Relationship
from .lifecycles import EnrollmentLifecycle

# New NIEs start here; older migrated ones may be shorter (docs/domain.md §1).
NIE_START = 10_000_000


class NieCounter(models.Model):
    """The last NIE handed out, for databases without sequences (SQLite).

    PostgreSQL uses the ``students_nie_seq`` sequence instead (migration 0002); this table then
    stays empty.
    """

    last_value = models.BigIntegerField()

    class Meta:
        verbose_name = _("contador de NIE")
        verbose_name_plural = _("contadores de NIE")

    def __str__(self) -> str:
        return str(self.last_value)


class Student(models.Model):
    person = models.OneToOneField(
        "accounts.Person", on_delete=models.PROTECT, related_name="student"
    )
    nie = models.BigIntegerField(_("NIE"), unique=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)

    class Meta:
        verbose_name = _("estudiante")
        verbose_name_plural = _("estudiantes")
        constraints = [models.CheckConstraint(condition=Q(nie__gt=0), name="student_nie_positive")]

    def __str__(self) -> str:
        return f"{self.nie}"


class Guardian(models.Model):
    """A person responsible for a student. The guardian ``RoleGrant`` over the student's person
    (core/accounts/scopes.py) remains what gives an account access; this row records the
    relationship, also for guardians without an account."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardians")
    person = models.ForeignKey(
        "accounts.Person", on_delete=models.PROTECT, related_name="guarded_students"
    )
    relationship = models.CharField(_("parentesco"), max_length=20, choices=Relationship.choices)
    is_primary = models.BooleanField(_("responsable principal"), default=False)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)

    class Meta:
        verbose_name = _("responsable")
        verbose_name_plural = _("responsables")
        constraints = [
            models.UniqueConstraint(fields=["student", "person"], name="guardian_unique_pair"),
            models.UniqueConstraint(
                fields=["student"], condition=Q(is_primary=True), name="guardian_one_primary"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.student_id}"


class WithdrawalMotive(models.Model):
    """The coded catalogue of withdrawal motives (23 + «otras», shipped by migration)."""

    code = models.CharField(_("código"), max_length=10, unique=True)
    name = models.CharField(_("nombre"), max_length=120)
    kind = models.CharField(_("tipo"), max_length=20, choices=MotiveKind.choices)
    position = models.PositiveSmallIntegerField(_("orden"))
    is_active = models.BooleanField(_("vigente"), default=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("motivo de retiro")
        verbose_name_plural = _("motivos de retiro")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Enrollment(EnrollmentLifecycle, FSMModelMixin, models.Model):
    """Matrícula: one student in one section for one school year.

    ``school`` and ``school_year`` repeat the section's so that the one-current-enrollment
    constraint, scoping and statistics need no join (and so a distributed database can place
    rows by school).
    """

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="enrollments")
    section = models.ForeignKey(
        "schools.Section", on_delete=models.PROTECT, related_name="enrollments"
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="enrollments"
    )
    school_year = models.ForeignKey(
        "schools.SchoolYear", on_delete=models.PROTECT, related_name="enrollments"
    )
    enrolled_on = models.DateField(_("fecha de matrícula"))
    is_repeater = models.BooleanField(_("repite grado"), default=False)
    # The enrollment this one continues (a transfer or a section change).
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        ordering = ["school_year", "section", "student"]
        verbose_name = _("matrícula")
        verbose_name_plural = _("matrículas")
        indexes = [
            models.Index(fields=["section", "status"], name="enrollment_section_status"),
            models.Index(fields=["school", "school_year"], name="enrollment_school_year"),
            models.Index(fields=["student", "school_year"], name="enrollment_student_year"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school_year"],
                condition=Q(status__in=CURRENT_STATUSES),
                name="enrollment_one_current_per_year",
            ),
            models.CheckConstraint(
                name="enrollment_withdrawal_has_motive",
                condition=~Q(status__in=[EnrollmentStatus.WITHDRAWN, EnrollmentStatus.TRANSFERRED])
                | Q(withdrawal_motive__isnull=False, ended_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} @ {self.section_id} ({self.school_year_id})"
