"""Pages of the teachers module: the staff of a school, a teacher's record, timetables.

Thin: parse, call one selector or service, render. Outside the actor's scope: 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.accounts.scopes import has_role
from core.exceptions import Conflict

from . import selectors
from .choices import MAX_PERIOD, Weekday
from .models import SubjectAssignment
from .services import timetable_slot_add, timetable_slot_remove

WEEKDAYS = [day for day in Weekday if day <= Weekday.FRIDAY]


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    schools = selectors.staff_schools(request.user)
    if not schools:
        own = selectors.teacher_of(request.user)
        if own is not None:
            return redirect("teachers:detail", pk=own.pk)
    if len(schools) == 1 and not has_role(request.user, selectors.STAFF_ROLES[1:]):
        return redirect("teachers:school", pk=schools[0].pk)
    return render(request, "teachers/home.html", {"schools": schools})


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    own = selectors.teacher_of(request.user)
    if own is None:
        raise Http404
    return redirect("teachers:detail", pk=own.pk)


@login_required
@require_GET
def school_staff(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.school_for_staff(request.user, pk=pk)
    staff = selectors.school_staff(school=school, day=_day(request.GET.get("fecha")))
    return render(request, "teachers/school_staff.html", {"staff": staff, "school": school})


def _day(raw: str | None) -> date:
    """The day the staff page shows (``?fecha=2026-03-02``); today when missing or invalid."""
    try:
        return date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@login_required
@require_GET
def teacher_detail(request: HttpRequest, pk: int) -> HttpResponse:
    teacher = selectors.teacher_get(request.user, pk=pk)
    record = selectors.teacher_record(teacher=teacher)
    return render(request, "teachers/teacher_detail.html", {"record": record, "teacher": teacher})


def _grid(slots: list[Any], *, label: Any) -> list[dict[str, Any]]:
    """Rows of periods by columns of weekdays; each cell lists what happens then."""
    cells: dict[tuple[int, int], list[Any]] = {}
    for slot in slots:
        cells.setdefault((slot.period, slot.weekday), []).append(slot)
    last = max([slot.period for slot in slots], default=0)
    return [
        {
            "period": period,
            "cells": [
                [{"slot": slot, "text": label(slot)} for slot in cells.get((period, day), [])]
                for day in WEEKDAYS
            ],
        }
        for period in range(1, last + 1)
    ]


@login_required
@require_GET
def teacher_timetable(request: HttpRequest, pk: int) -> HttpResponse:
    teacher = selectors.teacher_get(request.user, pk=pk)
    year = selectors.current_year()
    slots = selectors.teacher_timetable(teacher=teacher, school_year=year.pk) if year else []
    grid = _grid(
        slots,
        label=lambda slot: (
            f"{slot.assignment.subject.name} · {slot.section.grade.name} {slot.section.name}"
            f" · {slot.section.school.code}"
        ),
    )
    context = {"teacher": teacher, "grid": grid, "weekdays": WEEKDAYS, "year": year}
    return render(request, "teachers/teacher_timetable.html", context)


def _can_edit(request: HttpRequest, section: Any) -> bool:
    return (
        selectors.assignment_scope(request.user, selectors.WRITE_ROLES)
        .filter(section=section)
        .exists()
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_timetable(request: HttpRequest, pk: int) -> HttpResponse:
    section = selectors.section_for_timetable(request.user, pk=pk)
    errors: list[str] = []
    if request.method == "POST":
        if not _can_edit(request, section):
            raise Http404
        try:
            if request.POST.get("quitar"):
                slot = section.timetable_slots.filter(pk=_int(request.POST.get("quitar"))).first()
                if slot is None:
                    raise Http404
                timetable_slot_remove(actor=request.user, slot=slot)
                messages.success(request, _("Se quitó la hora del horario."))
            else:
                assignment = SubjectAssignment.objects.filter(
                    section=section, pk=_int(request.POST.get("asignacion"))
                ).first()
                weekday, period = _int(request.POST.get("dia")), _int(request.POST.get("hora"))
                if assignment is None or weekday is None or period is None:
                    raise ValidationError(_("Elija la asignatura, el día y la hora."))
                timetable_slot_add(
                    actor=request.user, assignment=assignment, weekday=weekday, period=period
                )
                messages.success(request, _("Se agregó la hora al horario."))
            return redirect("teachers:section_timetable", pk=section.pk)
        except Conflict as error:
            errors = [error.reason]
        except ValidationError as error:
            errors = list(error.messages)
    slots = selectors.section_timetable(section=section)
    grid = _grid(
        slots,
        label=lambda slot: f"{slot.assignment.subject.name} · {slot.teacher.person.full_name}",
    )
    editable = _can_edit(request, section)
    assignments = (
        list(section.subject_assignments.select_related("subject", "teacher__person"))
        if editable
        else []
    )
    context = {
        "section": section,
        "grid": grid,
        "weekdays": WEEKDAYS,
        "errors": errors,
        "editable": editable,
        "assignments": assignments,
        "periods": range(1, MAX_PERIOD + 1),
    }
    return render(
        request, "teachers/section_timetable.html", context, status=409 if errors else 200
    )


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except (TypeError, ValueError):
        return None
