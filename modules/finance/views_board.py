"""Pages of the school board (CDE, or CECE in subsidised schools): its members with their
offices and terms; the director (or the department) creates the board for a term, adds members
by DUI and ends a member's term. School staff, the department and auditors read it.

Thin: parse, call one selector or service, render. A refusal shows its reason next to what
was typed and changes nothing; a school or board outside the actor's scope is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.accounts.choices import Role
from core.exceptions import Conflict
from modules.schools.models import School

from . import selectors, services
from .forms_funds import BoardForm, EndTermForm, MemberForm
from .views_funds import refuse

BOARD_MANAGERS = (Role.DIRECTOR, Role.DEPARTMENTAL_OFFICER)


def can_act(user: Any, roles: Any, school: School) -> bool:
    """Whether ``user`` holds one of ``roles`` over ``school`` (no query: grants are cached)."""
    try:
        services.acting_grant(user, roles, school=school)
    except PermissionDenied:
        return False
    return True


def school_choice(request: HttpRequest, url_name: str, title: str) -> HttpResponse:
    """Straight to the school's page when the user manages one; else a list to choose."""
    schools = list(selectors.schools_managed(request.user))
    if not schools:
        raise PermissionDenied
    if len(schools) == 1:
        return redirect(url_name, pk=schools[0].pk)
    context = {"schools": schools, "url_name": url_name, "title": title}
    return render(request, "finance/school_choice.html", context)


@require_GET
@login_required
def board_home(request: HttpRequest) -> HttpResponse:
    return school_choice(request, "finance:board", _("Organismo de administración escolar"))


def _board_page(
    request: HttpRequest, school: School, *, status: int = 200, **forms: Any
) -> HttpResponse:
    boards = selectors.boards_of(school)
    today = timezone.localdate()
    current = next((b for b in boards if b.term_start <= today <= b.term_end), None)
    manage = can_act(request.user, BOARD_MANAGERS, school)
    context = {
        "school": school,
        "boards": boards,
        "current": current,
        "today": today,
        "manage": manage,
        "board_form": forms.get("board_form") or BoardForm(),
        "member_form": forms.get("member_form") or MemberForm(),
        "member_board": forms.get("member_board") or current,
        "end_form": EndTermForm(),
    }
    return render(request, "finance/board.html", context, status=status)


@require_GET
@login_required
def board_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _board_page(request, selectors.finance_school_get(request.user, pk))


@require_POST
@login_required
def board_create(request: HttpRequest, pk: int) -> HttpResponse:
    school = selectors.finance_school_get(request.user, pk, roles=BOARD_MANAGERS)
    form = BoardForm(request.POST)
    if form.is_valid():
        try:
            services.board_create(
                actor=request.user,
                school=school,
                term_start=form.cleaned_data["term_start"],
                term_end=form.cleaned_data["term_end"],
                kind=form.cleaned_data["kind"] or None,
                request=request,
            )
        except (ValidationError, Conflict, PermissionDenied) as error:
            refuse(form, error)
        else:
            messages.success(request, _("Organismo creado: agregue a sus miembros."))
            return redirect("finance:board", pk=pk)
    return _board_page(request, school, status=400, board_form=form)


@require_POST
@login_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    board = selectors.board_get(request.user, pk)
    school = School.objects.select_related("municipality").get(pk=board.school_id)
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            member = services.board_member_enrol(
                actor=request.user, board=board, request=request, **form.cleaned_data
            )
        except (ValidationError, Conflict, PermissionDenied) as error:
            refuse(form, error)
        else:
            messages.success(
                request,
                _("%(name)s es ahora %(role)s del organismo.")
                % {"name": member.person, "role": member.get_role_display()},
            )
            return redirect("finance:board", pk=school.pk)
    return _board_page(request, school, status=400, member_form=form, member_board=board)


@require_POST
@login_required
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(request.user, pk)
    form = EndTermForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Escriba la fecha como dd/mm/aaaa."))
    else:
        try:
            services.board_member_end_term(
                actor=request.user, member=member, on=form.cleaned_data["on"], request=request
            )
        except (ValidationError, Conflict, PermissionDenied) as error:
            for message in _messages(error):
                messages.error(request, message)
        else:
            messages.success(request, _("Período del miembro terminado."))
    return redirect("finance:board", pk=member.board.school_id)


def _messages(error: Exception) -> list[str]:
    if isinstance(error, Conflict):
        return [error.reason]
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error) or _("No tiene permiso para esta acción.")]
