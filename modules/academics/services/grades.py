"""Saving a section's grade grid for one subject, validated against the plan's scale."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.exceptions import Conflict

from ..models import GradeEntry, RecoveryGrade
from ..promotion import subject_outcomes
from ..scales import ScaleValue, scale_parse
from ..selectors import grade_values, grading_context, promotion_rule_for
from .access import check_can_write, check_section_open

# (enrollment id, period id) → the text typed in that cell.
Cell = tuple[int, int]


@dataclass
class GridResult:
    """What a save did; ``errors`` by cell when nothing was saved."""

    created: int = 0
    updated: int = 0
    cleared: int = 0
    errors: dict[Cell, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _as_payload(value: ScaleValue | None) -> str | None:
    if value is None:
        return None
    return str(value.score) if value.score is not None else value.concept


@transaction.atomic
def grades_save(
    *,
    actor: Any,
    section: Any,
    subject_id: int,
    cells: Mapping[Cell, str],
    request: Any = None,
) -> GridResult:
    """Validate every typed cell against the scale and save the grid, all or nothing.

    An empty cell clears the grade. If any cell is invalid nothing is written and the result
    carries one Spanish message per bad cell, so the page shows the grid again with what was
    typed. Changes are audited with the values before and after.
    """
    role = check_can_write(actor, section)
    check_section_open(section)
    context = grading_context(section)
    if subject_id not in context.subjects:
        raise ValidationError(_("La asignatura no pertenece al plan de estudio de la sección."))
    enrolled = context.enrollment_ids
    result = GridResult()
    parsed: dict[Cell, ScaleValue | None] = {}
    for (enrollment_id, period_id), raw in cells.items():
        if enrollment_id not in enrolled or period_id not in context.periods:
            raise ValidationError(_("La celda no pertenece a la sección o al plan de estudio."))
        text = (raw or "").strip()
        if not text:
            parsed[(enrollment_id, period_id)] = None
            continue
        try:
            parsed[(enrollment_id, period_id)] = scale_parse(context.scale, text)
        except ValidationError as error:
            result.errors[(enrollment_id, period_id)] = " ".join(error.messages)
    if result.errors:
        return result

    existing = {
        (grade.enrollment_id, grade.period_id): grade
        for grade in GradeEntry.objects.select_for_update().filter(
            enrollment_id__in=enrolled, subject_id=subject_id, period_id__in=context.periods
        )
    }
    to_create: list[GradeEntry] = []
    to_update: list[GradeEntry] = []
    to_delete: list[int] = []
    changes: list[dict[str, Any]] = []
    for (enrollment_id, period_id), value in parsed.items():
        grade = existing.get((enrollment_id, period_id))
        before = _as_payload(ScaleValue(grade.score, grade.concept)) if grade else None
        after = _as_payload(value)
        if before == after:
            continue
        changes.append(
            {"enrollment": enrollment_id, "period": period_id, "before": before, "after": after}
        )
        if value is None:
            to_delete.append(grade.pk)
        elif grade is None:
            to_create.append(
                GradeEntry(
                    enrollment_id=enrollment_id,
                    subject_id=subject_id,
                    period_id=period_id,
                    score=value.score,
                    concept=value.concept,
                    entered_by=actor,
                )
            )
        else:
            grade.score, grade.concept, grade.entered_by = value.score, value.concept, actor
            to_update.append(grade)
    if not changes:
        return result
    now = timezone.now()
    for grade in to_update:
        grade.updated_at = now  # bulk_update does not apply auto_now
    if to_create:
        GradeEntry.objects.bulk_create(to_create)
    if to_update:
        GradeEntry.objects.bulk_update(to_update, ["score", "concept", "entered_by", "updated_at"])
    if to_delete:
        GradeEntry.objects.filter(pk__in=to_delete).delete()
    result.created, result.updated, result.cleared = len(to_create), len(to_update), len(to_delete)
    audit_record(
        action="grades.saved",
        obj=section,
        chain_key=f"academics.grades:section:{section.pk}",
        actor=actor,
        role=role,
        request=request,
        payload={"subject": subject_id, "changes": changes},
    )
    return result


@transaction.atomic
def recovery_record(
    *, actor: Any, enrollment: Any, subject_id: int, text: str, request: Any = None
) -> RecoveryGrade:
    """Record a Media recovery result for a subject the student failed (docs/domain.md §4).

    Refused unless the section's promotion rule allows recovery and the student failed at least
    one and at most that many subjects.
    """
    section = enrollment.section
    role = check_can_write(actor, section)
    check_section_open(section)
    context = grading_context(section)
    if enrollment.pk not in context.enrollment_ids or subject_id not in context.subjects:
        raise ValidationError(_("La matrícula o la asignatura no pertenecen a la sección."))
    rule = promotion_rule_for(section)
    values = grade_values(context)
    outcomes, finals = subject_outcomes(context, enrollment.pk, values, {}, rule)
    failed = {outcome.subject_id for outcome in outcomes if not outcome.passed_regular}
    if finals.get(subject_id) is None or subject_id not in failed:
        raise Conflict(
            _("Solo se registra recuperación de una asignatura reprobada con nota final."),
            code="recovery_not_failed",
        )
    if len(failed) > rule.max_recovery_subjects:
        raise Conflict(
            _(
                "El estudiante reprobó %(failed)d asignatura(s); la recuperación se permite "
                "hasta %(limit)d."
            )
            % {"failed": len(failed), "limit": rule.max_recovery_subjects},
            code="recovery_not_allowed",
        )
    value = scale_parse(context.scale, text)
    existing = (
        RecoveryGrade.objects.select_for_update()
        .filter(enrollment=enrollment, subject_id=subject_id)
        .first()
    )
    before = str(existing.score) if existing else None
    if existing is None:
        existing = RecoveryGrade.objects.create(
            enrollment=enrollment, subject_id=subject_id, score=value.score, entered_by=actor
        )
    else:
        existing.score, existing.entered_by = value.score, actor
        existing.save(update_fields=["score", "entered_by", "updated_at"])
    audit_record(
        action="grades.recovery_recorded",
        obj=existing,
        chain_key=f"academics.grades:section:{section.pk}",
        actor=actor,
        role=role,
        request=request,
        payload={
            "enrollment": enrollment.pk,
            "subject": subject_id,
            "before": before,
            "after": str(value.score),
        },
    )
    return existing
