"""What the academic module adds to a student's academic record (modules.students.selectors):
for each closed year, the outcome and each subject's final result. One query for the whole
record, whatever its length."""

from __future__ import annotations

from typing import Any

from .models import SubjectResult


def record_results(years: list[Any]) -> None:
    # A closing writes a YearResult and one SubjectResult per subject of the plan together,
    # so reading the subject results with their year's outcome finds every closed year.
    results: dict[int, dict[str, Any]] = {}
    for enrollment_id, outcome, name, score, concept, recovery, passed in (
        SubjectResult.objects.filter(enrollment_id__in=[year.enrollment_id for year in years])
        .order_by("enrollment_id", "subject__position")
        .values_list(
            "enrollment_id",
            "enrollment__year_result__outcome",
            "subject__name",
            "final_score",
            "final_concept",
            "recovery_score",
            "passed",
        )
    ):
        year = results.setdefault(enrollment_id, {"outcome": outcome, "subjects": []})
        year["subjects"].append(
            {
                "subject": name,
                "final": format(score, "f") if score is not None else concept,
                "recovery": format(recovery, "f") if recovery is not None else None,
                "passed": passed,
            }
        )
    for year in years:
        if year.enrollment_id in results:
            year.extras["results"] = results[year.enrollment_id]
