"""What the academic module adds to a student's academic record (modules.students.selectors):
for each closed year, the outcome and each subject's final result. Two queries for the whole
record, whatever its length."""

from __future__ import annotations

from typing import Any

from .models import SubjectResult, YearResult


def record_results(years: list[Any]) -> None:
    ids = [year.enrollment_id for year in years]
    outcomes = dict(
        YearResult.objects.filter(enrollment_id__in=ids).values_list("enrollment_id", "outcome")
    )
    subjects: dict[int, list[dict[str, Any]]] = {}
    for enrollment_id, name, score, concept, recovery, passed in (
        SubjectResult.objects.filter(enrollment_id__in=ids)
        .order_by("enrollment_id", "subject__position")
        .values_list(
            "enrollment_id",
            "subject__name",
            "final_score",
            "final_concept",
            "recovery_score",
            "passed",
        )
    ):
        subjects.setdefault(enrollment_id, []).append(
            {
                "subject": name,
                "final": format(score, "f") if score is not None else concept,
                "recovery": format(recovery, "f") if recovery is not None else None,
                "passed": passed,
            }
        )
    for year in years:
        if year.enrollment_id in outcomes:
            year.extras["results"] = {
                "outcome": outcomes[year.enrollment_id],
                "subjects": subjects.get(year.enrollment_id, []),
            }
