"""The family pages, phone first: a guardian writes to the school and asks for absence
permissions from the child's page in "Mis hijos" (the parts in templates/family/child_*.html);
the school answers on the conversation page and decides on the permission page, both reached
from the Bandeja. Thin: scoped selectors read (404 outside), services write; a closed
conversation or a decided request answers 409 (core middleware).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from modules.academics import family
from modules.students.choices import CURRENT_STATUSES

from . import selectors, services
from .choices import ConversationStatus, PermissionStatus
from .forms import ConversationForm, DecisionForm, MessageForm, PermissionForm


def child_part(actor: Any, child: family.Child) -> dict[str, Any]:
    """The "Mensajes" and "Permisos" parts of the child's page: two queries."""
    return {
        "child": child,
        "conversations": selectors.conversation_list_for_child(actor, child.student.pk),
        "permissions": selectors.permission_list_for_child(actor, child.student.pk),
        "conversation_form": ConversationForm(),
        "permission_form": PermissionForm(),
        # Only about a child with a current enrollment (the services answer 409 otherwise).
        "can_write": child.enrollment is not None and child.enrollment.status in CURRENT_STATUSES,
    }


def _child_url(student_id: int, anchor: str) -> str:
    return f"{reverse('academics:family_child', args=[student_id])}#{anchor}"


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


# How many of each the school's overview lists (newest first; the Bandeja has every open one).
OVERVIEW_LIMIT = 50


@login_required
def school_overview(request: HttpRequest) -> HttpResponse:
    """The school's side: the latest conversations and permission requests the actor answers,
    waiting ones first. Two queries."""
    if selectors.staff_q(request.user) is None:
        raise Http404
    conversations = selectors.conversation_list_staff(request.user).order_by(
        F("due_at").asc(nulls_last=True), "-last_message_at", "-pk"
    )[:OVERVIEW_LIMIT]
    permissions = selectors.permission_list_staff(request.user).order_by(
        F("due_at").asc(nulls_last=True), "-created_at", "-pk"
    )[:OVERVIEW_LIMIT]
    return render(
        request,
        "family/school_overview.html",
        {"conversations": list(conversations), "permissions": list(permissions)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def conversation_new(request: HttpRequest, student_id: int) -> HttpResponse:
    child = family.child_get(request.user, student_id)
    form = ConversationForm(request.POST or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.conversation_open(
                actor=request.user,
                student_id=child.student.pk,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                request=request,
            )
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, _("Mensaje enviado al centro escolar."))
            return redirect("family:conversation", pk=conversation.pk)
    return render(
        request,
        "family/conversation_new.html",
        {"child": child, "form": form, "errors": errors},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    """One conversation, for its family or for the school (404 for anyone else)."""
    found, is_family = selectors.conversation_get(request.user, pk)
    form = MessageForm(request.POST or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.message_post(
                actor=request.user,
                conversation=found,
                body=form.cleaned_data["body"],
                request=request,
            )
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, _("Respuesta enviada."))
            return redirect("family:conversation", pk=found.pk)
    return render(
        request,
        "family/conversation.html",
        {
            "conversation": found,
            "is_family": is_family,
            "thread": selectors.message_list(found),
            "form": form,
            "errors": errors,
            "is_open": found.status == ConversationStatus.OPEN,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def conversation_close(request: HttpRequest, pk: int) -> HttpResponse:
    found, _is_family = selectors.conversation_get(request.user, pk)
    services.conversation_close(actor=request.user, conversation=found, request=request)
    messages.success(request, _("Conversación cerrada."))
    return redirect("family:conversation", pk=found.pk)


@login_required
@require_http_methods(["GET", "POST"])
def permission_new(request: HttpRequest, student_id: int) -> HttpResponse:
    child = family.child_get(request.user, student_id)
    form = PermissionForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.permission_request(
                actor=request.user,
                student_id=child.student.pk,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, _("Permiso pedido; el centro le responderá."))
            return redirect(_child_url(child.student.pk, "permisos"))
    return render(
        request,
        "family/permission_new.html",
        {"child": child, "form": form, "errors": errors},
        status=400 if request.method == "POST" else 200,
    )


def _permission_get(request: HttpRequest, pk: int) -> tuple[Any, bool]:
    try:
        return selectors.permission_get_family(request.user, pk), True
    except Http404:  # not theirs as a family: the school's side, or 404
        return selectors.permission_get_staff(request.user, pk), False


@login_required
@require_http_methods(["GET", "POST"])
def permission(request: HttpRequest, pk: int) -> HttpResponse:
    """The request: the school decides it here, its family reads (and may cancel) it."""
    found, is_family = _permission_get(request, pk)
    form = DecisionForm(request.POST or None)
    errors: list[str] = []
    if request.method == "POST":
        if is_family:
            return redirect("family:permission", pk=found.pk)
        if form.is_valid():
            try:
                services.permission_decide(
                    actor=request.user,
                    permission=found,
                    approve=form.cleaned_data["decision"] == DecisionForm.APPROVE,
                    comment=form.cleaned_data["comment"],
                    request=request,
                )
            except ValidationError as error:
                errors = _errors(error)
            else:
                messages.success(request, _("Decisión registrada; la familia fue notificada."))
                return redirect("family:permission", pk=found.pk)
    return render(
        request,
        "family/permission.html",
        {
            "permission": found,
            "is_family": is_family,
            "form": form,
            "errors": errors,
            "pending": found.status == PermissionStatus.REQUESTED,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def permission_document(request: HttpRequest, pk: int) -> FileResponse:
    """The request's supporting document, for its family and the school only (404 otherwise)."""
    found = selectors.permission_get(request.user, pk)
    if not found.document:
        raise Http404
    try:
        handle = found.document.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=found.document_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=found.document_name or "documento"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def permission_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.permission_get_family(request.user, pk)
    services.permission_cancel(actor=request.user, permission=found, request=request)
    messages.success(request, _("Solicitud de permiso cancelada."))
    return redirect(_child_url(found.student_id, "permisos"))
