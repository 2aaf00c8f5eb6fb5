"""Demo data of the family module for ``manage.py seed_demo`` (core/demo.py): the demo teacher
becomes the homeroom teacher of the guardian's child's section (4.º grado A of DEMO-001), and the
demo guardian has a conversation waiting for the school's answer and an absence permission
waiting for a decision, both in the demo teacher's and director's Bandeja.

DEMO ONLY. Idempotent: the homeroom teacher is set only when the section has none; the
conversation and the request are found by the guardian, the child and their subject or reason.
Runs after the ``academics`` step (the child, her enrollment and her guardian link).
"""

from __future__ import annotations

from datetime import date

from core.accounts.choices import Role
from core.accounts.models import RoleGrant, User
from core.demo import DemoContext
from modules.schools.demo import DEMO_CHILD, DEMO_SCHOOL_YEAR
from modules.schools.services import section_update
from modules.students.models import Student

from .models import Conversation, PermissionRequest
from .services import conversation_open, permission_request

DEMO_SUBJECT = "Tareas de Matemática de la semana"
DEMO_MESSAGE = (
    "Buenas tardes. Sofía no anotó las tareas de Matemática de esta semana. "
    "¿Podrían indicarme qué ejercicios debe entregar el lunes? Gracias."
)
DEMO_REASON = "Control médico en la unidad de salud"
DEMO_DATES = (date(DEMO_SCHOOL_YEAR, 2, 23), date(DEMO_SCHOOL_YEAR, 2, 24))


def seed_family(context: DemoContext) -> None:
    child = (
        Student.objects.select_related("person")
        .filter(
            person__first_names=DEMO_CHILD["first_names"],
            person__last_names=DEMO_CHILD["last_names"],
            person__birth_date=DEMO_CHILD["birth_date"],
        )
        .first()
    )
    grant = (
        RoleGrant.objects.filter(role=Role.GUARDIAN, person__student=child)
        .select_related("user")
        .first()
        if child
        else None
    )
    if grant is None:
        return
    guardian = User.objects.get(pk=grant.user_id)
    enrollment = child.enrollments.select_related("section").order_by("-school_year_id").first()
    if enrollment is None:
        return
    section = enrollment.section
    teacher = (
        RoleGrant.objects.filter(role=Role.TEACHER, section=section)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if section.homeroom_teacher_id is None and teacher is not None:
        section_update(section=section, homeroom_teacher=teacher.user.person)
        context.count("homeroom teachers")
    if not Conversation.objects.filter(
        guardian=guardian, student=child, subject=DEMO_SUBJECT
    ).exists():
        conversation_open(
            actor=guardian, student_id=child.pk, subject=DEMO_SUBJECT, body=DEMO_MESSAGE
        )
        context.count("family conversations")
    if not PermissionRequest.objects.filter(
        guardian=guardian, student=child, reason=DEMO_REASON
    ).exists():
        permission_request(
            actor=guardian,
            student_id=child.pk,
            date_from=DEMO_DATES[0],
            date_to=DEMO_DATES[1],
            reason=DEMO_REASON,
        )
        context.count("absence permissions")
