"""Promotion rules as data: who passes a subject, who may sit recovery, who is promoted.

Pure functions over plain values so the rules are tested without a database and the closing
service applies exactly the same decision the pages preview. Facts: docs/domain.md §4 (passing
mark from the grading scale, Media recovery up to 2 failed subjects in Bachillerato General and 3
in Técnico, 15 deméritos mean no promotion).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .scales import ScaleValue, scale_final, scale_passes

# Fallbacks when no rule row applies (docs/domain.md §4); the rule rows are the authority.
DEFAULT_DEMERIT_LIMIT = 15


@dataclass(frozen=True)
class Rule:
    """The promotion rule that applies to one section (from a ``PromotionRule`` row)."""

    max_recovery_subjects: int = 0
    demerit_limit: int = DEFAULT_DEMERIT_LIMIT


@dataclass(frozen=True)
class SubjectOutcome:
    """One subject's final result for one student."""

    subject_id: int
    final: Decimal | None  # numeric scales; None when not graded or conceptual
    passed_regular: bool
    recovery: Decimal | None = None
    passed_recovery: bool = False

    @property
    def passed(self) -> bool:
        return self.passed_regular or self.passed_recovery


@dataclass(frozen=True)
class Decision:
    promoted: bool
    reasons: tuple[str, ...]
    failed_subject_ids: tuple[int, ...]


def recovery_allowed(outcomes: Sequence[SubjectOutcome], rule: Rule) -> bool:
    """Recovery is open only to a student who failed at least one and at most the rule's limit."""
    failed = sum(1 for outcome in outcomes if not outcome.passed_regular)
    return 0 < failed <= rule.max_recovery_subjects


def decide(*, outcomes: Sequence[SubjectOutcome], demerits: int, rule: Rule) -> Decision:
    """Promote or hold one student whose every subject has a final result."""
    reasons: list[str] = []
    failed = tuple(outcome.subject_id for outcome in outcomes if not outcome.passed)
    if failed:
        reasons.append(_("Reprobó %(count)d asignatura(s).") % {"count": len(failed)})
    if demerits >= rule.demerit_limit:
        reasons.append(
            _("Acumula %(demerits)d deméritos de conducta (límite: %(limit)d).")
            % {"demerits": demerits, "limit": rule.demerit_limit}
        )
    return Decision(promoted=not reasons, reasons=tuple(reasons), failed_subject_ids=failed)


def subject_outcomes(
    context: Any, enrollment_id: int, values: Mapping, recoveries: Mapping, rule: Rule
) -> tuple[list[SubjectOutcome], dict[int, ScaleValue | None]]:
    """Each subject's outcome for one enrollment; the finals by subject (None: incomplete)."""
    scale = context.scale
    outcomes: list[SubjectOutcome] = []
    finals: dict[int, ScaleValue | None] = {}
    for subject_id in context.subjects:
        final = scale_final(
            scale,
            [values.get((enrollment_id, subject_id, period_id)) for period_id in context.periods],
        )
        finals[subject_id] = final
        if final is None:
            continue
        outcomes.append(
            SubjectOutcome(subject_id, final.score, passed_regular=scale_passes(scale, final))
        )
    # Recovery counts only for a student within the rule's limit of failed subjects.
    if recovery_allowed(outcomes, rule):
        outcomes = [
            outcome
            if outcome.passed_regular
            else SubjectOutcome(
                outcome.subject_id,
                outcome.final,
                passed_regular=False,
                recovery=recoveries.get((enrollment_id, outcome.subject_id)),
                passed_recovery=(
                    recoveries.get((enrollment_id, outcome.subject_id)) is not None
                    and scale_passes(
                        scale, ScaleValue(recoveries[(enrollment_id, outcome.subject_id)])
                    )
                ),
            )
            for outcome in outcomes
        ]
    return outcomes, finals
