"""A runnable tour of how SIGES tests are written. Read it before writing a test.

1. pytest functions, laid out as given / when / then.
2. State is set up through services (``create_user`` calls ``user_create`` and ``role_grant``),
   never by saving rows by hand, so tests exercise the paths production uses.
3. Assertions are exact: the status code AND what changed in the database AND, on a denial,
   that nothing changed.
4. Every list asserts its query count exactly, as a context manager, at two data sizes, with a
   comment saying where each query comes from.
5. PostgreSQL-only behaviour is marked ``postgres`` (skipped with a reason on SQLite).
"""

import pytest
from django.urls import reverse

from core.accounts.choices import Role, ScopeKind
from core.accounts.scopes import scope_filter
from core.audit.models import AuditEvent
from core.audit.verify import verify
from core.exceptions import Conflict
from core.workflow import transition
from modules.schools.models import School
from modules.schools.selectors import SCHOOL_PATHS
from tests.factories import MunicipalityFactory, SchoolFactory
from tests.workflowapp.models import PermitStatus
from tests.workflowapp.services import permit_create

pytestmark = pytest.mark.django_db


def test_scoped_reads_only_see_the_actors_department(make_user):
    # Given two schools in two departments and a technician of the first department.
    home, away = MunicipalityFactory(), MunicipalityFactory()
    inside = SchoolFactory(municipality=home)
    SchoolFactory(municipality=away)
    technician = make_user(
        role=Role.TECHNICIAN, scope_kind=ScopeKind.DEPARTMENT, target=home.department
    )

    # When the technician's selector runs.
    visible = scope_filter(
        technician, School.objects.all(), roles=[Role.TECHNICIAN], paths=SCHOOL_PATHS
    )

    # Then only the school inside the grant's department is there.
    assert list(visible) == [inside]


def test_a_list_costs_the_same_queries_whatever_its_size(make_user, django_assert_num_queries):
    auditor = make_user(role=Role.AUDITOR)
    for size in (2, 20):
        SchoolFactory.create_batch(size)
        # One query for the grants (cached on the user object afterwards), one for the rows
        # with their municipality joined: 2 at any size, so no N+1 hides in the loop.
        auditor.__dict__.pop("_siges_active_grants", None)
        with django_assert_num_queries(2):
            rows = list(
                scope_filter(
                    auditor,
                    School.objects.select_related("municipality"),
                    roles=[Role.AUDITOR],
                    paths=SCHOOL_PATHS,
                )
            )
            names = [school.municipality.name for school in rows]
        assert len(names) == School.objects.count()


def test_a_denied_page_changes_nothing_but_records_the_denial(client, make_user):
    # Given a citizen who is logged in.
    citizen = make_user(role=Role.CITIZEN)
    client.force_login(citizen)
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    # When they open the auditors' page.
    response = client.get(reverse("audit:event_list"))

    # Then they get 403, and the only new row anywhere in the audit trail is the denial itself.
    assert response.status_code == 403
    new = AuditEvent.objects.exclude(pk__in=before)
    assert list(new.values_list("action", "actor_id")) == [("access.denied", citizen.pk)]


def test_an_illegal_transition_is_a_conflict_and_leaves_no_trace(make_user):
    # Given a draft permit without attachments (its "submit" condition fails).
    requester = make_user(role=Role.CITIZEN)
    permit = permit_create(requester=requester, attachments=0)
    events_before = AuditEvent.objects.count()

    # When the requester tries to submit it.
    with pytest.raises(Conflict) as excinfo:
        transition(actor=requester, obj=permit, name="submit")

    # Then the reason is the condition's own Spanish sentence and nothing changed.
    assert excinfo.value.reason == "La solicitud no tiene documentos adjuntos."
    permit.refresh_from_db()
    assert permit.status == PermitStatus.DRAFT
    assert AuditEvent.objects.count() == events_before


def test_every_change_extends_a_verifiable_chain(make_user):
    # Given a permit that went through a transition (through the one transition path).
    requester = make_user(role=Role.CITIZEN)
    permit = permit_create(requester=requester, attachments=1)
    transition(actor=requester, obj=permit, name="submit")

    # Then its chain holds the event with both states, and the whole history verifies.
    event = AuditEvent.objects.get(object_id=str(permit.pk), action__endswith=".submit")
    assert (event.from_state, event.to_state) == (PermitStatus.DRAFT, PermitStatus.SUBMITTED)
    assert verify().ok


@pytest.mark.postgres
def test_postgres_only_behaviour_is_marked():
    # Runs only with DATABASE_URL=postgres://…; on SQLite pytest reports the skip and its reason.
    from django.db import connection

    assert connection.vendor == "postgresql"
