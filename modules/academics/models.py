"""Attendance, grades, the conduct ledger and year closings of sections (docs/domain.md §4).

Every row hangs off an enrollment (student, section, year), so scoping and the student's
academic record follow the enrollment. Writes go through ``modules.academics.services``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import AttendanceStatus, YearOutcome


class AttendanceDay(models.Model):
    """The header of one section's attendance on one class day, with its counts."""

    section = models.ForeignKey(
        "schools.Section", on_delete=models.PROTECT, related_name="attendance_days"
    )
    date = models.DateField(_("fecha"))
    present = models.PositiveSmallIntegerField(_("presentes"), default=0)
    absent = models.PositiveSmallIntegerField(_("ausentes"), default=0)
    justified = models.PositiveSmallIntegerField(_("justificadas"), default=0)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    taken_at = models.DateTimeField(_("registrada"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modificada"), auto_now=True)

    class Meta:
        ordering = ["section", "-date"]
        verbose_name = _("asistencia de sección")
        verbose_name_plural = _("asistencias de sección")
        constraints = [
            models.UniqueConstraint(fields=["section", "date"], name="attendance_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.section_id} {self.date:%Y-%m-%d}"


class AttendanceRecord(models.Model):
    """One student's attendance on one section day.

    ``date`` repeats the day's: it is the partition key on PostgreSQL (core/partitions.py), and
    the foreign key to the day there is ``(day, date)``, so the two cannot disagree.
    """

    day = models.ForeignKey(AttendanceDay, on_delete=models.CASCADE, related_name="records")
    date = models.DateField(_("fecha"))
    enrollment = models.ForeignKey(
        "students.Enrollment", on_delete=models.PROTECT, related_name="attendance"
    )
    presence = models.CharField(
        _("asistencia"),
        max_length=10,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.PRESENT,
    )
    reason = models.CharField(_("motivo"), max_length=200, blank=True)

    class Meta:
        ordering = ["day", "enrollment"]
        verbose_name = _("asistencia de estudiante")
        verbose_name_plural = _("asistencias de estudiantes")
        constraints = [
            models.UniqueConstraint(fields=["day", "enrollment"], name="attendance_record_unique"),
            models.CheckConstraint(
                name="attendance_justified_has_reason",
                condition=~models.Q(presence=AttendanceStatus.JUSTIFIED) | ~models.Q(reason=""),
            ),
        ]
        indexes = [models.Index(fields=["enrollment", "day"])]

    def __str__(self) -> str:
        return f"{self.enrollment_id} {self.presence}"


class GradeEntry(models.Model):
    """One student's grade in one subject and grading period: a score or a concept."""

    enrollment = models.ForeignKey(
        "students.Enrollment", on_delete=models.PROTECT, related_name="grades"
    )
    subject = models.ForeignKey("schools.Subject", on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey("schools.GradingPeriod", on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("nota"), max_digits=5, decimal_places=2, null=True, blank=True)
    concept = models.CharField(_("concepto"), max_length=20, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(_("modificada"), auto_now=True)

    class Meta:
        ordering = ["enrollment", "subject", "period"]
        verbose_name = _("calificación")
        verbose_name_plural = _("calificaciones")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "subject", "period"], name="grade_unique_per_period"
            ),
            models.CheckConstraint(
                name="grade_score_or_concept",
                condition=models.Q(score__isnull=False, concept="")
                | models.Q(score__isnull=True) & ~models.Q(concept=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id} {self.subject_id} {self.period_id}"


class RecoveryGrade(models.Model):
    """A Media recovery exam result for one failed subject (docs/domain.md §4)."""

    enrollment = models.ForeignKey(
        "students.Enrollment", on_delete=models.PROTECT, related_name="recoveries"
    )
    subject = models.ForeignKey("schools.Subject", on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("nota de recuperación"), max_digits=5, decimal_places=2)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(_("modificada"), auto_now=True)

    class Meta:
        verbose_name = _("recuperación")
        verbose_name_plural = _("recuperaciones")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "subject"], name="recovery_unique")
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id} {self.subject_id}"


class ConductEntry(models.Model):
    """One line of the school-conduct ledger, with the reason (append only): deméritos, or
    méritos (a recognition). Only deméritos count towards the promotion limit (docs/domain.md
    §4); a line carries one or the other, never both."""

    enrollment = models.ForeignKey(
        "students.Enrollment", on_delete=models.PROTECT, related_name="conduct"
    )
    date = models.DateField(_("fecha"))
    demerits = models.PositiveSmallIntegerField(_("deméritos"), default=0)
    merits = models.PositiveSmallIntegerField(_("méritos"), default=0)
    reason = models.CharField(_("motivo"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    recorded_at = models.DateTimeField(_("registrado"), auto_now_add=True)

    class Meta:
        ordering = ["enrollment", "date", "pk"]
        verbose_name = _("registro de conducta")
        verbose_name_plural = _("registros de conducta")
        constraints = [
            models.CheckConstraint(
                name="conduct_merits_or_demerits",
                condition=models.Q(demerits__gt=0, merits=0) | models.Q(demerits=0, merits__gt=0),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id} -{self.demerits} +{self.merits}"


class PromotionRule(models.Model):
    """Promotion rules as data, per education level and Bachillerato track.

    The row for the grade's (level, track) applies; the passing mark is not here, it comes from
    the study plan's grading scale. Media: 2 recovery subjects in General, 3 in Técnico.
    """

    level = models.ForeignKey("schools.Level", on_delete=models.PROTECT, related_name="+")
    track = models.CharField(_("bachillerato"), max_length=10, blank=True, default="")
    max_recovery_subjects = models.PositiveSmallIntegerField(
        _("asignaturas con derecho a recuperación"), default=0
    )
    demerit_limit = models.PositiveSmallIntegerField(_("límite de deméritos"), default=15)

    class Meta:
        verbose_name = _("regla de promoción")
        verbose_name_plural = _("reglas de promoción")
        constraints = [
            models.UniqueConstraint(fields=["level", "track"], name="promotion_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.level_id}/{self.track}"


class SectionClosing(models.Model):
    """A section's closed school year: after it, grades and attendance are read only."""

    section = models.OneToOneField(
        "schools.Section", on_delete=models.PROTECT, related_name="closing"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("cerrado"), auto_now_add=True)
    promoted = models.PositiveSmallIntegerField(_("promovidos"))
    not_promoted = models.PositiveSmallIntegerField(_("no promovidos"))

    class Meta:
        verbose_name = _("cierre de año de sección")
        verbose_name_plural = _("cierres de año de sección")

    def __str__(self) -> str:
        return str(self.section_id)


class YearResult(models.Model):
    """The outcome of one enrollment at its section's closing, with the reasons (frozen)."""

    closing = models.ForeignKey(SectionClosing, on_delete=models.PROTECT, related_name="results")
    enrollment = models.OneToOneField(
        "students.Enrollment", on_delete=models.PROTECT, related_name="year_result"
    )
    outcome = models.CharField(_("resultado"), max_length=12, choices=YearOutcome.choices)
    reasons = models.JSONField(_("motivos"), default=list)
    failed_subjects = models.PositiveSmallIntegerField(_("asignaturas reprobadas"), default=0)
    demerits = models.PositiveSmallIntegerField(_("deméritos"), default=0)

    class Meta:
        ordering = ["closing", "enrollment"]
        verbose_name = _("resultado del año")
        verbose_name_plural = _("resultados del año")

    def __str__(self) -> str:
        return f"{self.enrollment_id} {self.outcome}"


class SubjectResult(models.Model):
    """One subject's final result for one enrollment, frozen when the section's year closes."""

    enrollment = models.ForeignKey(
        "students.Enrollment", on_delete=models.PROTECT, related_name="subject_results"
    )
    subject = models.ForeignKey("schools.Subject", on_delete=models.PROTECT, related_name="+")
    final_score = models.DecimalField(
        _("nota final"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    final_concept = models.CharField(_("concepto final"), max_length=20, blank=True)
    recovery_score = models.DecimalField(
        _("nota de recuperación"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("aprobada"))

    class Meta:
        ordering = ["enrollment", "subject"]
        verbose_name = _("resultado por asignatura")
        verbose_name_plural = _("resultados por asignatura")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "subject"], name="subject_result_unique")
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id} {self.subject_id}"
