"""Fixtures of the HR trámites: a school with a teacher who has an account and a teacher
record, its director, the department's HR officer, and people of another school and department."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from viewflow.workflow.models import Task

from core.accounts.choices import Role
from modules.teachers.models import LeaveType
from modules.teachers.services import appointment_create, teacher_create
from tests.factories import DepartmentFactory, MunicipalityFactory, SchoolFactory, create_user
from workflows.hr.flows import LeaveRequestFlow
from workflows.hr.services import hr_step, leave_request_start

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
_nips = iter(range(5_000_000, 6_000_000))


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def give_teacher_record(user, school):
    teacher = teacher_create(
        person=user.person, nip=str(next(_nips)), escalafon_level="1", escalafon_category=4
    )
    appointment_create(
        teacher=teacher,
        school=school,
        position="docente",
        shift="matutino",
        contract_type="ley_salarios",
        funding="fondo_general",
        start_date=date(2020, 1, 15),
    )
    return teacher


@pytest.fixture
def school(db):
    return SchoolFactory()


@pytest.fixture
def teacher_user(school):
    user = create_user(role=Role.TEACHER, scope_kind="school", target=school)
    give_teacher_record(user, school)
    return user


@pytest.fixture
def director(school):
    return create_user(role=Role.DIRECTOR, scope_kind="school", target=school)


@pytest.fixture
def hr_officer(school):
    return create_user(
        role=Role.HR_OFFICER, scope_kind="department", target=school.municipality.department
    )


@pytest.fixture
def departmental_officer(school):
    return create_user(
        role=Role.DEPARTMENTAL_OFFICER,
        scope_kind="department",
        target=school.municipality.department,
    )


@pytest.fixture
def far_school(db):
    return SchoolFactory(municipality=MunicipalityFactory(department=DepartmentFactory()))


@pytest.fixture
def far_director(far_school):
    return create_user(role=Role.DIRECTOR, scope_kind="school", target=far_school)


@pytest.fixture
def far_hr_officer(far_school):
    return create_user(
        role=Role.HR_OFFICER, scope_kind="department", target=far_school.municipality.department
    )


def evidence(name="constancia.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def request_leave(user, *, code="enfermedad", days=3, start=None, with_evidence=True):
    start = start or timezone.localdate() + timedelta(days=1)
    return leave_request_start(
        actor=user,
        leave_type=LeaveType.objects.get(code=code),
        start_date=start,
        end_date=start + timedelta(days=days - 1),
        reason="Incapacidad",
        evidence=evidence() if with_evidence else None,
    )


def open_task(process, node):
    return Task.objects.filter(process=process, flow_task=node).exclude(status="DONE").get()


def decide(user, process, decision="approve", comment=""):
    node = (
        LeaveRequestFlow.department_approve
        if process.by_director
        else LeaveRequestFlow.director_approve
    )
    return hr_step(
        actor=user, task=open_task(process, node), data={"decision": decision, "comment": comment}
    )


def register(user, process):
    return hr_step(actor=user, task=open_task(process, LeaveRequestFlow.register), data={})
