"""Demo work for ``manage.py seed_demo`` (DEMO ONLY): one leave request waiting for the demo
director's decision, and one approved by the director waiting for the demo HR officer to
register it, both of DEMO-001's staff (modules/teachers/demo.py).

Created through the real services. Idempotent: a requester with a demo request gets no other.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from viewflow.workflow.models import Task

from core.accounts.models import User
from core.demo import DemoContext
from modules.teachers.demo import DEMO_DIRECTOR_DUI, DEMO_TEACHER_DUI, demo_dui
from modules.teachers.models import LeaveType

from .flows import LeaveRequestFlow
from .models import LeaveRequest
from .services import hr_step, leave_request_start

# A minimal valid PDF standing in for a medical certificate.
DEMO_EVIDENCE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _open_task(process: LeaveRequest, node: object) -> Task:
    return Task.objects.get(process=process, flow_task=node, status__in=["NEW", "ASSIGNED"])


def seed_leave_requests(context: DemoContext) -> None:
    today = timezone.localdate()
    teacher = User.objects.filter(dui=DEMO_TEACHER_DUI).first()
    colleague = User.objects.filter(dui=demo_dui(0)).first()
    director = User.objects.filter(dui=DEMO_DIRECTOR_DUI).first()
    if teacher is None or colleague is None or director is None:
        return
    if not LeaveRequest.objects.filter(requester=teacher).exists():
        leave_request_start(
            actor=teacher,
            leave_type=LeaveType.objects.get(code="personal"),
            start_date=today + timedelta(days=7),
            end_date=today + timedelta(days=8),
            reason="Trámite familiar fuera del departamento.",
        )
        context.count("leave requests")
    if not LeaveRequest.objects.filter(requester=colleague).exists():
        process = leave_request_start(
            actor=colleague,
            leave_type=LeaveType.objects.get(code="enfermedad"),
            start_date=today,
            end_date=today + timedelta(days=2),
            reason="Incapacidad médica por tres días.",
            evidence=SimpleUploadedFile(
                "incapacidad.pdf", DEMO_EVIDENCE, content_type="application/pdf"
            ),
        )
        hr_step(
            actor=director,
            task=_open_task(process, LeaveRequestFlow.director_approve),
            data={"decision": "approve", "comment": "Presentó la constancia médica."},
        )
        context.count("leave requests")
