"""The guardian's pages, "Mis hijos" (/academico/mis-hijos/), phone first: the children, and per
child the current enrollment, the month's attendance, grades, conduct and academic record.

Thin: one family read per part (modules/academics/family.py). Another child's id answers 404.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from modules.students.choices import EnrollmentStatus
from modules.students.selectors import academic_record

from . import family


def month_param(raw: str | None) -> date | None:
    """``2026-02`` → 1 February 2026; anything else → None (the latest month is shown)."""
    try:
        return date.fromisoformat(f"{raw}-01") if raw else None
    except ValueError:
        return None


@login_required
def children(request: HttpRequest) -> HttpResponse:
    rows = family.child_list(request.user)
    return render(request, "academics/family_children.html", {"children": rows})


@login_required
def child(request: HttpRequest, pk: int) -> HttpResponse:
    found = family.child_get(request.user, pk)
    enrollment = found.enrollment
    context = {"child": found, "student": found.student, "enrollment": enrollment}
    if enrollment is not None:
        attendance = family.attendance_month(enrollment, month_param(request.GET.get("mes")))
        months = attendance.months
        position = months.index(attendance.month) if attendance.month else -1
        context.update(
            attendance=attendance,
            previous_month=months[position - 1] if position > 0 else None,
            next_month=months[position + 1] if 0 <= position < len(months) - 1 else None,
            grades=family.child_grades(enrollment),
            conduct=family.child_conduct(enrollment),
        )
    context["record"] = academic_record(request.user, student_id=found.student.pk)
    context["statuses"] = EnrollmentStatus.choices
    context["extra_sections"] = family.child_sections(request.user, found)
    return render(request, "academics/family_child.html", context)
