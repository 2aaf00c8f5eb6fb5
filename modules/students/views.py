"""The director's enrollment pages (/matricula/), phone first: the school's sections with their
enrollment counts, a section's roster, enroll (existing student or new child), withdraw with a
motive, change section, and receive a student transferred from another school.

Pages are thin: forms parse, services act, selectors read. Outside the director's school: 404.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.accounts.choices import ScopeKind
from core.accounts.scopes import grants_with_roles, load_grant_targets
from core.exceptions import Conflict
from modules.schools.models import School, Section

from .choices import CURRENT_STATUSES, EnrollmentStatus
from .forms import EnrollForm, ReceiveForm, TransferForm, WithdrawForm
from .models import Enrollment
from .selectors import WRITE_ROLES, enrollment_get, enrollment_rows, section_current_counts
from .services import (
    enrollment_create,
    enrollment_transfer,
    enrollment_withdraw,
    student_register_child,
)


def _director_schools(request: HttpRequest) -> list[School]:
    grants = [
        grant
        for grant in grants_with_roles(request.user, WRITE_ROLES)
        if grant.scope_kind == ScopeKind.SCHOOL
    ]
    # The schools themselves, in one query (the grants were read without their targets).
    schools = [grant.school for grant in load_grant_targets(grants)]
    if not schools:
        raise Http404
    return schools


def _school(request: HttpRequest) -> School:
    """The director's school (``?centro=<code>`` when they direct several)."""
    schools = _director_schools(request)
    code = request.GET.get("centro", "")
    return next((s for s in schools if s.code == code), schools[0])


def _current_sections(school: School) -> QuerySet[Section]:
    return (
        Section.objects.filter(school=school, school_year__is_current=True)
        .select_related("grade")
        .order_by("grade__position", "name", "shift")
    )


def _section(request: HttpRequest, pk: int) -> Section:
    school_ids = {school.pk for school in _director_schools(request)}
    section = Section.objects.select_related("grade", "school").filter(pk=pk).first()
    if section is None or section.school_id not in school_ids:
        raise Http404
    return section


def _form_error(form: Any, exc: ValidationError | Conflict) -> None:
    if isinstance(exc, Conflict):
        form.add_error(None, exc.reason)
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def director_home(request: HttpRequest) -> HttpResponse:
    school = _school(request)
    sections = list(_current_sections(school))
    counts = section_current_counts(s.pk for s in sections)
    rows = [(section, counts.get(section.pk, 0)) for section in sections]
    context = {"school": school, "schools": _director_schools(request), "rows": rows}
    return render(request, "students/director_home.html", context)


@login_required
def section_roster(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section(request, pk)
    rows = list(enrollment_rows(request.user, section_id=section.pk))
    current = [row for row in rows if row.status in CURRENT_STATUSES]
    labels = dict(EnrollmentStatus.choices)
    ended = [(row, labels[row.status]) for row in rows if row.status not in CURRENT_STATUSES]
    context = {"section": section, "current": current, "ended": ended}
    return render(request, "students/section_roster.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def enroll(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section(request, pk)
    form = EnrollForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            student = data.get("student") or student_register_child(
                actor=request.user,
                first_names=data["first_names"],
                last_names=data["last_names"],
                birth_date=data["birth_date"],
                sex=data["sex"],
            )
            enrollment_create(
                actor=request.user,
                student=student,
                section=section,
                provisional=data["provisional"],
            )
        except (ValidationError, Conflict) as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s quedó matriculado (NIE %(nie)s).")
                % {"name": student.person.full_name, "nie": student.nie},
            )
            return redirect("students:section", pk=section.pk)
    return render(request, "students/enroll.html", {"section": section, "form": form})


def _enrollment_for_director(request: HttpRequest, pk: int) -> Enrollment:
    return enrollment_get(request.user, pk=pk, roles=WRITE_ROLES)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = _enrollment_for_director(request, pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enrollment_withdraw(
                actor=request.user,
                enrollment=enrollment,
                motive=data["motive"],
                on=data["on"],
                note=data["note"],
            )
        except (ValidationError, Conflict) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("El retiro quedó registrado."))
            return redirect("students:section", pk=enrollment.section_id)
    context = {"enrollment": enrollment, "form": form}
    return render(request, "students/withdraw.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = _enrollment_for_director(request, pk)
    sections = _current_sections(enrollment.school).exclude(pk=enrollment.section_id)
    form = TransferForm(request.POST or None, sections=sections)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enrollment_transfer(
                actor=request.user,
                enrollment=enrollment,
                to_section=data["to_section"],
                motive=data["motive"],
                on=data["on"],
                note=data["note"],
            )
        except (ValidationError, Conflict) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("El cambio de sección quedó registrado."))
            return redirect("students:section", pk=data["to_section"].pk)
    context = {"enrollment": enrollment, "form": form}
    return render(request, "students/transfer.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def receive(request: HttpRequest) -> HttpResponse:
    school = _school(request)
    form = ReceiveForm(request.POST or None, sections=_current_sections(school))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Looked up by exact NIE only: the receiving school does not see the other school's
        # lists, just the one current enrollment it is taking over.
        origin = (
            Enrollment.objects.select_related("student__person")
            .filter(student__nie=data["nie"], status__in=CURRENT_STATUSES)
            .exclude(school=school)
            .first()
        )
        if origin is None:
            form.add_error(
                "nie", _("Ese NIE no tiene una matrícula vigente en otro centro educativo.")
            )
        else:
            try:
                enrollment_transfer(
                    actor=request.user,
                    enrollment=origin,
                    to_section=data["to_section"],
                    motive=data["motive"],
                    on=data["on"],
                    note=data["note"],
                )
            except (ValidationError, Conflict) as exc:
                _form_error(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s fue recibido por traslado.")
                    % {"name": origin.student.person.full_name},
                )
                return redirect("students:section", pk=data["to_section"].pk)
    return render(request, "students/receive.html", {"school": school, "form": form})


__all__ = ["director_home", "enroll", "receive", "section_roster", "transfer", "withdraw"]
