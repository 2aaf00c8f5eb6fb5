"""Thin HTML and API endpoints that fire a transition, to test how surfaces map domain errors."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.workflow import transition

from .models import Permit


@login_required
@require_POST
def permit_approve(request: HttpRequest, pk: int) -> HttpResponse:
    permit = get_object_or_404(Permit, pk=pk)
    transition(actor=request.user, obj=permit, name="approve", request=request)
    return HttpResponse(permit.get_status_display())


class PermitApproveAPI(APIView):
    def post(self, request: Request, pk: int) -> Response:
        permit = get_object_or_404(Permit, pk=pk)
        transition(actor=request.user, obj=permit, name="approve", request=request)
        return Response({"status": permit.status})
