"""Opening a school's budget starts its process; the steps are worked on the task page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import Conflict
from core.parsers import plain_int
from modules.finance.selectors import schools_managed

from .services import budget_process_open


@require_POST
@login_required
def open_budget(request: HttpRequest) -> HttpResponse:
    school_pk = plain_int(request.POST.get("centro", ""))
    year = plain_int(request.POST.get("anio", ""))
    school = None
    if school_pk is not None:
        school = (
            schools_managed(request.user)
            .select_related("municipality")
            .filter(pk=school_pk)
            .first()
        )
    if school is None or year is None or not 2000 <= year <= 2100:
        messages.error(request, _("Elija un centro educativo a su cargo y un año válido."))
        return redirect("finance:mine")
    try:
        process = budget_process_open(actor=request.user, school=school, year=year, request=request)
    except (Conflict, PermissionDenied, ValidationError) as error:
        reason = getattr(error, "reason", "") or _("No puede abrir el presupuesto de este centro.")
        messages.error(request, reason)
        return redirect("finance:mine")
    messages.success(
        request,
        _("Presupuesto abierto: agregue las líneas y envíelo al director desde su Bandeja."),
    )
    return redirect("finance:budget", pk=process.budget_id)
