"""Closing a section's school year: every student promoted or held back, all or nothing."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.accounts.choices import Role
from core.audit.services import audit_record
from core.exceptions import Conflict
from modules.schools.models import Section
from modules.students.choices import EnrollmentStatus
from modules.students.models import Enrollment
from modules.students.services import enrollment_close

from ..choices import YearOutcome
from ..models import SectionClosing, SubjectResult, YearResult
from ..promotion import decide, subject_outcomes
from ..selectors import (
    demerit_totals,
    grade_values,
    grading_context,
    promotion_rule_for,
    recovery_values,
)
from .access import check_can_write

CLOSER_ROLES = (Role.DIRECTOR,)


@transaction.atomic
def section_year_close(*, actor: Any, section: Section, request: Any = None) -> SectionClosing:
    """Promote or hold back every active student of ``section`` and freeze the results.

    Refused (409, nothing written) when the year is already closed, the section has no study
    plan, an enrollment is still provisional, or any student lacks a grade of any subject and
    period. Each enrollment is closed by ``modules.students.services.enrollment_close`` (the
    ``promote`` or ``hold_back`` transition, through ``core.workflow``); any refusal rolls
    every one of them back.
    """
    role = check_can_write(actor, section, roles=CLOSER_ROLES)
    Section.objects.select_for_update().filter(pk=section.pk).first()
    if SectionClosing.objects.filter(section=section).exists():
        raise Conflict(_("El año lectivo de esta sección ya está cerrado."), code="section_closed")
    context = grading_context(section)
    if context.scale is None:
        raise Conflict(_("La sección no tiene plan de estudio asignado."), code="no_study_plan")
    if not context.subjects or not context.periods:
        raise Conflict(
            _("El plan de estudio de la sección no tiene asignaturas o períodos."),
            code="empty_study_plan",
        )
    enrollments = list(
        Enrollment.objects.filter(
            section=section, status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.PROVISIONAL]
        ).order_by("pk")
    )
    provisional = sum(1 for e in enrollments if e.status == EnrollmentStatus.PROVISIONAL)
    if provisional:
        raise Conflict(
            _("Hay %(count)d matrícula(s) provisional(es) sin confirmar en la sección.")
            % {"count": provisional},
            code="provisional_enrollments",
        )
    values = grade_values(context)
    recoveries = recovery_values(context)
    demerits = demerit_totals(context.enrollment_ids)
    rule = promotion_rule_for(section)

    decisions = {}
    finals_by_enrollment = {}
    missing_students = 0
    for enrollment in enrollments:
        outcomes, finals = subject_outcomes(context, enrollment.pk, values, recoveries, rule)
        if any(final is None for final in finals.values()):
            missing_students += 1
            continue
        finals_by_enrollment[enrollment.pk] = (finals, outcomes)
        decisions[enrollment.pk] = decide(
            outcomes=outcomes, demerits=demerits.get(enrollment.pk, 0), rule=rule
        )
    if missing_students:
        raise Conflict(
            _(
                "Faltan calificaciones de %(count)d estudiante(s); complete el cuadro de notas "
                "antes de cerrar el año."
            )
            % {"count": missing_students},
            code="grades_missing",
        )

    promoted = sum(1 for decision in decisions.values() if decision.promoted)
    closing = SectionClosing.objects.create(
        section=section,
        closed_by=actor,
        promoted=promoted,
        not_promoted=len(decisions) - promoted,
    )
    subject_rows = []
    for enrollment_id, (finals, outcomes) in finals_by_enrollment.items():
        by_subject = {outcome.subject_id: outcome for outcome in outcomes}
        for subject_id, final in finals.items():
            outcome = by_subject[subject_id]
            subject_rows.append(
                SubjectResult(
                    enrollment_id=enrollment_id,
                    subject_id=subject_id,
                    final_score=final.score,
                    final_concept=final.concept,
                    recovery_score=outcome.recovery,
                    passed=outcome.passed,
                )
            )
    SubjectResult.objects.bulk_create(subject_rows)
    YearResult.objects.bulk_create(
        YearResult(
            closing=closing,
            enrollment_id=enrollment_id,
            outcome=YearOutcome.PROMOTED if decision.promoted else YearOutcome.NOT_PROMOTED,
            reasons=list(decision.reasons),
            failed_subjects=len(decision.failed_subject_ids),
            demerits=demerits.get(enrollment_id, 0),
        )
        for enrollment_id, decision in decisions.items()
    )
    for enrollment in enrollments:
        decision = decisions[enrollment.pk]
        enrollment_close(actor=actor, enrollment=enrollment, promoted=decision.promoted)
    audit_record(
        action="section.year_closed",
        obj=section,
        chain_key=f"academics.closing:section:{section.pk}",
        actor=actor,
        role=role,
        request=request,
        payload={
            "closing": closing.pk,
            "promoted": closing.promoted,
            "not_promoted": closing.not_promoted,
        },
    )
    return closing
