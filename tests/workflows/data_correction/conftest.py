"""Fixtures of the data-correction process: the shipped trámite (loaded by the migrations),
a technician on the team of its queue, identity officers, and a school with its teacher and
director; requests are created through ``helpdesk.services.ticket_create`` like the portal."""

from datetime import date

import pytest
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from viewflow.workflow.models import Task

from core.accounts.choices import Role, ScopeKind, Sex
from core.accounts.services import person_create, role_grant
from helpdesk.catalogue import load_catalogue
from helpdesk.models import Service, Team
from helpdesk.services import ticket_create
from tests.factories import DepartmentFactory, SchoolFactory, SectionFactory
from workflows.data_correction.flows import DataCorrectionFlow
from workflows.data_correction.models import DataCorrection
from workflows.data_correction.services import correction_step

SERVICE_CODE = "correccion-de-datos-personales"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def service(db):
    # The migrations ship the catalogue; a transactional test may have flushed it, so load
    # what is missing again (the loader only creates missing rows).
    load_catalogue(django_apps)
    return Service.objects.select_related("queue").get(code=SERVICE_CODE)


@pytest.fixture
def technician(make_user, service):
    user = make_user(role=Role.TECHNICIAN)
    team = Team.objects.create(name="Registro académico")
    team.queues.add(service.queue)
    team.members.add(user)
    return user


@pytest.fixture
def ministry_officer(make_user):
    return make_user(role=Role.MINISTRY_OFFICER)


@pytest.fixture
def school(db):
    return SchoolFactory(code="CE-0101")


@pytest.fixture
def departmental_officer(make_user, school):
    return make_user(
        role=Role.DEPARTMENTAL_OFFICER,
        scope_kind=ScopeKind.DEPARTMENT,
        target=school.municipality.department,
    )


@pytest.fixture
def far_officer(make_user):
    return make_user(
        role=Role.DEPARTMENTAL_OFFICER, scope_kind=ScopeKind.DEPARTMENT, target=DepartmentFactory()
    )


@pytest.fixture
def teacher(make_user, school):
    section = SectionFactory(school=school)
    return make_user(role=Role.TEACHER, scope_kind=ScopeKind.SECTION, target=section)


@pytest.fixture
def director(make_user, school):
    return make_user(role=Role.DIRECTOR, scope_kind=ScopeKind.SCHOOL, target=school)


@pytest.fixture
def requester(make_user):
    return make_user(
        role=Role.CITIZEN, first_names="Carmen Elena", last_names="Rivas Molina", sex=Sex.FEMALE
    )


@pytest.fixture
def child(db):
    return person_create(
        first_names="Sofía Marisol",
        last_names="Hernández Rivas",
        birth_date=date(2016, 3, 14),
        sex=Sex.FEMALE,
    )


@pytest.fixture
def guardian(make_user, child):
    user = make_user(first_names="José Antonio", last_names="Hernández Portillo")
    role_grant(user=user, role=Role.GUARDIAN, scope_kind=ScopeKind.PERSON, target=child)
    return user


def evidence(name: str = "partida.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def answers(**overrides):
    data = {
        "registro": "propio",
        "dato": "nombres",
        "valor_actual": "Carmen Elena",
        "valor_correcto": "Carmen Helena",
    }
    data.update(overrides)
    return data


def request_correction(requester, service, **overrides):
    """A citizen asks for a correction with evidence attached, as the portal does."""
    return ticket_create(
        requester=requester,
        service=service,
        data=answers(**overrides),
        files={"respaldo": evidence()},
        description="Mi nombre está mal escrito.",
    )


def correction_of(ticket) -> DataCorrection:
    return DataCorrection.objects.get(ticket=ticket)


def open_task(process, node) -> Task:
    return Task.objects.get(process_id=process.pk, flow_task=node, status__in=["NEW", "ASSIGNED"])


def check(actor, process, verdict="forward", reason=""):
    task = open_task(process, DataCorrectionFlow.check_evidence)
    return correction_step(actor=actor, task=task, data={"verdict": verdict, "reason": reason})


def decide(actor, process, node=None, decision="approve", comment=""):
    task = open_task(process, node or DataCorrectionFlow.approve)
    return correction_step(actor=actor, task=task, data={"decision": decision, "comment": comment})
