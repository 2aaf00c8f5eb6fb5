"""Admin: geography is read-only (shipped data); schools are saved through the services."""

import pytest

from core.audit.models import AuditEvent
from modules.schools.models import Department, School


@pytest.fixture
def admin_client(client, make_user):
    from core.accounts.services import user_create
    from tests.factories import PersonFactory

    person = PersonFactory()
    superuser = user_create(
        dui=person.dui,
        password="clave-admin-prueba",
        person=person,
        is_staff=True,
        is_superuser=True,
    )
    client.force_login(superuser)
    client.user = superuser
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/schools/department/",
        "/admin/schools/department/1/change/",
        "/admin/schools/municipality/",
        "/admin/schools/district/",
        "/admin/schools/school/",
        "/admin/schools/school/add/",
        "/admin/schools/section/",
    ],
)
def test_admin_pages_open(admin_client, geography, url):
    assert admin_client.get(url).status_code == 200


def test_geography_cannot_be_added_or_deleted_in_the_admin(admin_client, geography):
    department = Department.objects.get(code="06")

    add = admin_client.post("/admin/schools/department/add/", {"code": "15", "name": "Nuevo"})
    delete = admin_client.post(
        f"/admin/schools/department/{department.pk}/delete/", {"post": "yes"}
    )

    assert (add.status_code, delete.status_code) == (403, 403)
    assert Department.objects.count() == 14


def test_adding_a_school_in_the_admin_goes_through_the_service(admin_client, geography):
    response = admin_client.post(
        "/admin/schools/school/add/",
        {
            "code": "10001",
            "name": "Centro Escolar Desde el Admin",
            "sector": "public",
            "classification": "centro_escolar",
            "zone": "rural",
            "municipality": geography["ss_centro"].pk,
            "is_active": "on",
            "sections-TOTAL_FORMS": "0",
            "sections-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    school = School.objects.get(code="10001")
    event = AuditEvent.objects.get(chain_key=f"schools.school:{school.pk}")
    assert (event.action, event.actor_id) == ("school.created", admin_client.user.pk)


def test_changing_a_school_in_the_admin_is_audited(admin_client, make_school, geography):
    school = make_school(code="10001", name="Nombre viejo")

    response = admin_client.post(
        f"/admin/schools/school/{school.pk}/change/",
        {
            "name": "Nombre nuevo",
            "sector": "public",
            "classification": "centro_escolar",
            "zone": "urban",
            "municipality": geography["ss_centro"].pk,
            "is_active": "on",
            "sections-TOTAL_FORMS": "0",
            "sections-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    school.refresh_from_db()
    assert (school.code, school.name) == ("10001", "Nombre nuevo")
    event = AuditEvent.objects.filter(chain_key=f"schools.school:{school.pk}").latest("seq")
    assert event.action == "school.updated"
    assert event.actor_id == admin_client.user.pk
    assert event.payload == {"before": {"name": "Nombre viejo"}, "after": {"name": "Nombre nuevo"}}
