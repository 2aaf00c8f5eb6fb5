"""Fixtures of the help-desk tests: a controllable clock, queues, services and the people who
request and work tickets. Configuration rows (policies, queues, teams) are plain data that
administrators create in the admin; tickets are always created through the services."""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone as dj_timezone

from core.calendar import is_business_day
from helpdesk.choices import AssignmentMode, FieldType
from helpdesk.models import Queue, Service, ServiceField, SlaPolicy, Team
from helpdesk.services import ticket_create
from tests.factories import DepartmentFactory

SV = ZoneInfo("America/El_Salvador")


class Clock:
    """``django.utils.timezone.now`` under test control (``advance`` = time travel)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def set(self, moment: datetime) -> datetime:
        self.now = moment
        return self.now

    def at(self, day_offset: int, hour: int, minute: int = 0) -> datetime:
        """A local wall-clock time ``day_offset`` days after the clean Monday."""
        day = self.monday + timedelta(days=day_offset)
        return datetime.combine(day, time(hour, minute), tzinfo=SV)


def _clean_monday() -> date:
    """The first Monday, at least two weeks from today, of a fortnight with no holiday.

    Always in the future: role grants are valid from the real today, so the fake clock must not
    go back before it; and free of holidays, so business-time arithmetic in tests stays simple.
    """
    day = dj_timezone.localdate() + timedelta(days=14)
    day += timedelta(days=(7 - day.weekday()) % 7)
    while not all(
        is_business_day(day + timedelta(days=offset))
        for offset in range(14)
        if (day + timedelta(days=offset)).weekday() < 5
    ):
        day += timedelta(days=7)
    return day


@pytest.fixture
def clock() -> Iterator[Clock]:
    monday = _clean_monday()
    start = Clock(datetime.combine(monday, time(9, 0), tzinfo=SV))
    start.monday = monday
    with mock.patch("django.utils.timezone.now", start):
        yield start


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sla_policy(db) -> SlaPolicy:
    # 2 business hours to first response, one business day (9 h) to resolution.
    return SlaPolicy.objects.create(
        code="prueba",
        name="Política de prueba",
        first_response_target=timedelta(hours=2),
        resolution_target=timedelta(hours=9),
    )


def make_queue(
    code: str = "pruebas",
    *,
    department=None,
    mode: str = AssignmentMode.MANUAL,
    escalation_queue: Queue | None = None,
) -> Queue:
    return Queue.objects.create(
        code=code,
        name=f"Cola {code}",
        department=department,
        assignment_mode=mode,
        escalation_queue=escalation_queue,
    )


def make_service(queue: Queue, policy: SlaPolicy, code: str = "consulta", **extra) -> Service:
    service = Service.objects.create(
        code=code, name=f"Servicio {code}", queue=queue, sla_policy=policy, **extra
    )
    ServiceField.objects.create(
        service=service, key="detalle", label="Detalle", field_type=FieldType.TEXT, order=1
    )
    return service


def make_team(queue: Queue, *members, name: str | None = None) -> Team:
    team = Team.objects.create(name=name or f"Equipo {queue.code} {Team.objects.count() + 1}")
    team.queues.add(queue)
    team.members.add(*members)
    return team


@pytest.fixture
def department(db):
    return DepartmentFactory(code="97", name="Departamento de prueba")


@pytest.fixture
def queue(db) -> Queue:
    return make_queue()


@pytest.fixture
def service(queue, sla_policy) -> Service:
    return make_service(queue, sla_policy)


@pytest.fixture
def requester(make_user):
    return make_user(role="citizen")


@pytest.fixture
def technician(make_user, queue):
    user = make_user(role="technician")
    make_team(queue, user)
    return user


@pytest.fixture
def supervisor(make_user):
    return make_user(role="supervisor")


def open_ticket(requester, service, *, detalle: str = "No puedo ingresar", **kwargs):
    return ticket_create(
        requester=requester,
        service=service,
        data={"detalle": detalle},
        description=kwargs.pop("description", "Necesito ayuda con mi cuenta."),
        **kwargs,
    )
