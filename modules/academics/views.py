"""The teacher's and the director's pages: sections, attendance, grade grid, closing the year.

Thin: parse, call one selector or service, render. A refused save shows the page again with
the reason and with what was typed, so nothing is lost.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import Conflict
from modules.students.models import Enrollment

from . import selectors, sheet_defaults, summaries
from .choices import AttendanceStatus
from .forms import ConductForm, RecoveryForm
from .services import (
    Mark,
    attendance_record,
    conduct_record,
    grades_save,
    recovery_record,
    section_year_close,
)
from .services.access import writer_role


def _day(request: HttpRequest) -> date:
    raw = request.GET.get("fecha") or request.POST.get("fecha")
    if not raw:
        return timezone.localdate()
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise Http404 from exc


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


@login_required
def my_sections(request: HttpRequest) -> HttpResponse:
    sections = list(selectors.section_list_mine(request.user))
    today = timezone.localdate()
    for section in sections:
        section.class_today = selectors.has_class(section, today)
    return render(request, "academics/my_sections.html", {"sections": sections})


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    section = selectors.section_get(request.user, pk, roles=selectors.TEACHING_ROLES)
    day = _day(request)
    header, rows = selectors.attendance_sheet(section, day)
    if header is None and request.method == "GET":
        rows = sheet_defaults.with_defaults(section, day, rows)
    errors: list[str] = []
    if request.method == "POST":
        marks = {}
        typed = {}
        for row in rows:
            status = request.POST.get(f"estado-{row.enrollment_id}", AttendanceStatus.PRESENT)
            reason = request.POST.get(f"motivo-{row.enrollment_id}", "")
            typed[row.enrollment_id] = (status, reason)
            if status != AttendanceStatus.PRESENT:
                marks[row.enrollment_id] = Mark(status, reason)
        try:
            attendance_record(
                actor=request.user, section=section, day=day, marks=marks, request=request
            )
        except (Conflict, ValidationError) as error:
            errors = [error.reason] if isinstance(error, Conflict) else list(error.messages)
            rows = [
                selectors.AttendanceSheetRow(
                    row.enrollment_id, row.name, *typed.get(row.enrollment_id, ("present", ""))
                )
                for row in rows
            ]
        else:
            messages.success(request, _("Asistencia guardada."))
            return redirect(f"{reverse('academics:attendance', args=[section.pk])}?fecha={day}")
    return render(
        request,
        "academics/attendance.html",
        {
            "section": section,
            "day": day,
            "header": header,
            "rows": rows,
            "errors": errors,
            "statuses": AttendanceStatus,
            "today": timezone.localdate(),
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def grade_grid(request: HttpRequest, pk: int) -> HttpResponse:
    section = selectors.section_get(request.user, pk, roles=selectors.TEACHING_ROLES)
    context = selectors.grading_context(section)
    if not context.subjects:
        return render(request, "academics/grade_grid.html", {"section": section, "grid": None})
    subject_id = _int(request.GET.get("asignatura") or request.POST.get("asignatura"))
    if subject_id not in context.subjects:
        subject_id = next(iter(context.subjects))
    typed: dict[tuple[int, int], str] | None = None
    errors = {}
    general: list[str] = []
    if request.method == "POST":
        typed = {
            (enrollment_id, period_id): request.POST.get(f"nota-{enrollment_id}-{period_id}", "")
            for enrollment_id in context.students
            for period_id in context.periods
        }
        try:
            result = grades_save(
                actor=request.user,
                section=section,
                subject_id=subject_id,
                cells=typed,
                request=request,
            )
        except (Conflict, ValidationError) as error:
            general = [error.reason] if isinstance(error, Conflict) else list(error.messages)
        else:
            if result.ok:
                messages.success(request, _("Calificaciones guardadas."))
                url = reverse("academics:grades", args=[section.pk])
                return redirect(f"{url}?asignatura={subject_id}")
            errors = result.errors
            general = [
                ngettext(
                    "Hay %(count)d nota no válida: no se guardó nada. Corríjala y guarde de nuevo.",
                    "Hay %(count)d notas no válidas: no se guardó nada. Corríjalas y guarde de "
                    "nuevo.",
                    len(errors),
                )
                % {"count": len(errors)}
            ]
    grid = summaries.grade_grid(context, subject_id, typed=typed, errors=errors)
    return render(
        request,
        "academics/grade_grid.html",
        {"section": section, "grid": grid, "general_errors": general},
        status=400 if (errors or general) else 200,
    )


@login_required
def section_results(request: HttpRequest, pk: int) -> HttpResponse:
    section = selectors.section_get(request.user, pk)
    results = summaries.section_results(section)
    can_close = writer_role(request.user, section, roles=("director",)) is not None
    return render(
        request,
        "academics/section_results.html",
        {"section": section, "results": results, "can_close": can_close},
    )


@login_required
@require_POST
def section_close(request: HttpRequest, pk: int) -> HttpResponse:
    section = selectors.section_get(request.user, pk)
    try:
        section_year_close(actor=request.user, section=section, request=request)
    except Conflict as error:
        messages.error(request, error.reason)
    else:
        messages.success(request, _("Año lectivo cerrado."))
    return redirect("academics:results", pk=section.pk)


@login_required
def school_overview(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.school_get(request.user, pk)
    overview = summaries.school_overview(school)
    return render(request, "academics/school_overview.html", {"school": school, **overview})


@login_required
def my_schools(request: HttpRequest) -> HttpResponse:
    schools = list(selectors.school_list_mine(request.user))
    if len(schools) == 1:
        return redirect("academics:school", pk=schools[0].pk)
    return render(request, "academics/my_schools.html", {"schools": schools})


def _form_errors(form: Any, error: ValidationError | Conflict) -> None:
    if isinstance(error, Conflict):
        form.add_error(None, error.reason)
    elif hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def conduct(request: HttpRequest, pk: int) -> HttpResponse:
    """The section's conduct ledger: totals per student, the lines (of one student with
    ``?estudiante=<enrollment>``), and for its teachers and director a form to add deméritos."""
    section = selectors.section_get(request.user, pk)
    chosen = _int(request.GET.get("estudiante"))
    sheet = summaries.conduct_sheet(section, enrollment_id=chosen)
    students = [(row.enrollment_id, row.student) for row in sheet.students]
    if chosen not in dict(students):
        chosen = None
    can_write = writer_role(request.user, section) is not None and not _closed(section)
    form = ConductForm(
        request.POST or None, students=students, initial={"enrollment": chosen or ""}
    )
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            enrollment = Enrollment.objects.select_related("section").get(pk=data["enrollment"])
            enrollment.section = section  # the one read in scope, with its closing
            try:
                conduct_record(
                    actor=request.user,
                    enrollment=enrollment,
                    demerits=data["points"] if data["kind"] == ConductForm.DEMERITS else 0,
                    merits=data["points"] if data["kind"] == ConductForm.MERITS else 0,
                    reason=data["reason"],
                    day=data["day"],
                    request=request,
                )
            except (ValidationError, Conflict) as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Anotación de conducta registrada."))
                url = reverse("academics:conduct", args=[section.pk])
                return redirect(f"{url}?estudiante={enrollment.pk}")
    return render(
        request,
        "academics/conduct.html",
        {
            "section": section,
            "sheet": sheet,
            "form": form,
            "can_write": can_write,
            "chosen": chosen and dict(students)[chosen],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def recovery(request: HttpRequest, pk: int) -> HttpResponse:
    """Media recovery: the students who may sit it, each failed subject with a field for the
    recovery mark (one small form per subject, saved on its own)."""
    section = selectors.section_get(request.user, pk)
    can_write = writer_role(request.user, section) is not None and not _closed(section)
    errors: dict[tuple[int, int], str] = {}
    typed: dict[tuple[int, int], str] = {}
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        form = RecoveryForm(request.POST)
        if not form.is_valid():
            raise Http404  # only a tampered form lacks its hidden ids
        data = form.cleaned_data
        enrollment = (
            Enrollment.objects.filter(pk=data["enrollment"], section=section)
            .select_related("section")
            .first()
        )
        if enrollment is None:
            raise Http404
        enrollment.section = section
        try:
            recovery_record(
                actor=request.user,
                enrollment=enrollment,
                subject_id=data["subject"],
                text=data["value"],
                request=request,
            )
        except (ValidationError, Conflict) as error:
            key = (enrollment.pk, data["subject"])
            errors[key] = error.reason if isinstance(error, Conflict) else " ".join(error.messages)
            typed[key] = data["value"]
        else:
            messages.success(request, _("Recuperación registrada."))
            return redirect("academics:recovery", pk=section.pk)
    sheet = summaries.recovery_sheet(section)
    for student in sheet.students:
        for cell in student.cells:
            key = (student.enrollment_id, cell.subject_id)
            cell.error = errors.get(key, "")
            if key in typed:
                cell.recovery = typed[key]
    return render(
        request,
        "academics/recovery.html",
        {"section": section, "sheet": sheet, "can_write": can_write, "errors": errors.values()},
        status=400 if errors else 200,
    )


def _closed(section: Any) -> bool:
    return getattr(section, "closing", None) is not None
