"""Fixtures of the titles process: a school with a final-year bachillerato section of promoted
students, its registrar and director, the departmental officer, an authenticating officer, the
print centre, and the registered signatories (director, Minister, authenticator). Everything is
created through the services."""

from __future__ import annotations

import importlib
from datetime import date
from io import BytesIO

import pytest
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from viewflow.workflow.models import Task

from core.accounts.choices import Role, ScopeKind
from core.accounts.services import person_create
from modules.documents.choices import MotiveKind, SignatoryKind
from modules.documents.models import Motive, TitleDefinition
from modules.documents.services import signatory_register
from modules.schools.models import Grade
from modules.students.services import enrollment_close, enrollment_create, student_create
from modules.teachers.choices import ContractType, Funding, Position
from modules.teachers.models import Appointment, Teacher
from modules.teachers.services import appointment_create, teacher_create
from tests.factories import SchoolFactory, SectionFactory
from tests.national_data import ensure_national_data
from workflows.titles.flows import TitleFlow
from workflows.titles.models import TitleProcess
from workflows.titles.services import titles_request, titles_step


@pytest.fixture(scope="session")
def pki_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("titles-pki")


@pytest.fixture(autouse=True)
def _titles_settings(settings, tmp_path, pki_dir):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SIGES_TITLES_TEST_PKI_DIR = pki_dir
    settings.SIGES_TITLES_SIGNING_PKCS12 = ""
    settings.SIGES_TITLES_ALLOW_TEST_CERTIFICATE = True


def signature_png(seed: int = 1) -> bytes:
    image = Image.new("RGB", (240, 80), "white")
    ImageDraw.Draw(image).line(
        [(10, 60), (80, 15 + seed), (150, 55), (230, 20)], fill="navy", width=4
    )
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def signature_upload(seed: int = 1) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"firma{seed}.png", signature_png(seed), content_type="image/png")


@pytest.fixture
def catalogues(db):
    """The shipped definitions and motives (a transactional test may have flushed them)."""
    ensure_national_data()
    if not TitleDefinition.objects.exists():
        importlib.import_module("modules.documents.migrations.0002_catalogues").load(
            django_apps, None
        )


@pytest.fixture
def school(catalogues):
    return SchoolFactory(code="CE-7001", name="Instituto Nacional de Prueba")


@pytest.fixture
def section(school):
    return SectionFactory(school=school, grade=Grade.objects.get(code="BG2"), name="A")


@pytest.fixture
def registrar(make_user, school):
    return make_user(role=Role.REGISTRAR, scope_kind=ScopeKind.SCHOOL, target=school)


@pytest.fixture
def director(make_user, school):
    return make_user(role=Role.DIRECTOR, scope_kind=ScopeKind.SCHOOL, target=school)


@pytest.fixture
def officer(make_user, school):
    return make_user(
        role=Role.DEPARTMENTAL_OFFICER,
        scope_kind=ScopeKind.DEPARTMENT,
        target=school.municipality.department,
    )


@pytest.fixture
def authenticator(make_user):
    return make_user(role=Role.TITLE_AUTHENTICATOR)


@pytest.fixture
def printer(make_user):
    return make_user(role=Role.PRINT_CENTRE)


def appoint_director(person, school, *, start=date(2020, 1, 1), end=None) -> Appointment:
    """A director appointment of ``person`` at ``school`` in the teachers module (the request
    guard reads it), giving the person the teacher facet first when needed."""
    teacher = Teacher.objects.filter(person=person).first() or teacher_create(
        person=person,
        nip=f"9{person.pk:06d}",
        escalafon_level="2",
        escalafon_category=2,
        specialty="Administración Escolar",
    )
    return appointment_create(
        teacher=teacher, school=school, position=Position.DIRECTOR, shift="matutino",
        contract_type=ContractType.SALARY_LAW, funding=Funding.GENERAL_FUND,
        start_date=start, end_date=end,
    )  # fmt: skip


@pytest.fixture
def signatories(director, authenticator, school, director_appointment):
    signatory_register(
        actor=None, kind=SignatoryKind.DIRECTOR, person=director.person, user=director,
        school=school, position="Director", signature=signature_upload(1),
        valid_from=date(2020, 1, 1),
    )  # fmt: skip
    minister = person_create(first_names="Elena Beatriz", last_names="Campos Aguirre")
    signatory_register(
        actor=None, kind=SignatoryKind.MINISTER, person=minister, position="Ministra",
        signature=signature_upload(2), valid_from=date(2020, 1, 1),
    )  # fmt: skip
    signatory_register(
        actor=None, kind=SignatoryKind.AUTHENTICATOR, person=authenticator.person,
        user=authenticator, position="Titular de auténtica", signature=signature_upload(3),
        valid_from=date(2020, 1, 1),
    )  # fmt: skip


@pytest.fixture
def director_appointment(director, school):
    return appoint_director(director.person, school)


NAMES = [
    ("Andrea Guadalupe", "Portillo Menjívar"),
    ("José Rodrigo", "Ayala Figueroa"),
    ("Karen Lisseth", "Orellana Bonilla"),
    ("Mauricio Ernesto", "Chávez Lemus"),
]


def enroll(director, section, names, promoted=True):
    students = []
    for first, last in names:
        student = student_create(person=person_create(first_names=first, last_names=last))
        enrollment = enrollment_create(
            actor=director, student=student, section=section, enrolled_on=date(2026, 1, 20)
        )
        if promoted is not None:
            enrollment_close(actor=director, enrollment=enrollment, promoted=promoted)
        students.append(student)
    return students


@pytest.fixture
def graduates(director, section):
    return enroll(director, section, NAMES)


def exclusion_motive() -> Motive:
    return Motive.objects.filter(kind=MotiveKind.EXCLUSION).order_by("position").first()


def open_task(process, node) -> Task:
    return Task.objects.get(process_id=process.pk, flow_task=node, status__in=["NEW", "ASSIGNED"])


def request_titles(registrar, section, student_ids=None) -> TitleProcess:
    return titles_request(
        actor=registrar,
        kind="first_issue",
        school=section.school,
        section=section,
        student_ids=student_ids,
    )


def verify(officer, process, excluded="", motive=None, decision="confirm", note=""):
    task = open_task(process, TitleFlow.verify)
    data = {"decision": decision, "excluded": excluded, "note": note}
    if motive is not None:
        data["motive"] = str(motive.pk)
    return titles_step(actor=officer, task=task, data=data)


def confirm_step(actor, process, node):
    return titles_step(actor=actor, task=open_task(process, node), data={"confirm": "on"})
