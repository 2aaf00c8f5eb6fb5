"""The accounts admin: DUI login (covered by axes), and writes that go through the services."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from core.accounts.models import Person, RoleGrant, User
from core.audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, PersonFactory, SchoolFactory, make_dui

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(make_user) -> tuple[Client, User]:
    from core.accounts.services import user_update_access

    admin_user = make_user(role="administrator")
    user_update_access(user=admin_user, actor=None, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin_user)
    return client, admin_user


def test_admin_login_form_asks_for_the_dui(client):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 200
    assert "DUI" in response.content.decode()


@override_settings(AXES_FAILURE_LIMIT=2)
def test_admin_login_is_covered_by_axes(client, make_user):
    staff = make_user()
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    url = reverse("admin:login")

    for _ in range(2):
        client.post(url, {"username": staff.dui, "password": "mala"}, REMOTE_ADDR="10.3.3.3")
    refused = client.post(
        url, {"username": staff.dui, "password": DEFAULT_PASSWORD}, REMOTE_ADDR="10.3.3.3"
    )

    assert refused.status_code == 429
    staff.refresh_from_db()
    assert staff.last_login is None


def test_changelists_render(admin_client):
    client, _ = admin_client
    for name in ("accounts_person", "accounts_user", "accounts_rolegrant"):
        response = client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 200, name
    filtered = client.get(
        reverse("admin:accounts_user_changelist"), {"role_grants__role": "citizen"}
    )
    assert filtered.status_code == 200


def test_user_change_page_shows_grants_inline(admin_client, make_user):
    client, _ = admin_client
    account = make_user(role="teacher")

    response = client.get(reverse("admin:accounts_user_change", args=[account.pk]))

    assert response.status_code == 200
    assert "Docente" in response.content.decode()


def test_adding_a_user_goes_through_the_service(admin_client):
    client, admin_user = admin_client
    dui = make_dui(77_000_001)

    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "dui": dui.replace("-", ""),
            "first_names": "Rosa",
            "last_names": "Mejía",
            "email": "rosa@example.sv",
            "password1": "una clave larga y buena",
            "password2": "una clave larga y buena",
        },
    )

    assert response.status_code == 302
    created = User.objects.select_related("person").get(dui=dui)
    assert created.person.full_name == "Rosa Mejía"
    assert created.check_password("una clave larga y buena")
    event = AuditEvent.objects.get(action="account.created", object_id=str(created.pk))
    assert event.actor_id == admin_user.pk


def test_adding_a_user_with_a_weak_password_creates_nothing(admin_client):
    client, _ = admin_client
    dui = make_dui(77_000_002)

    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "dui": dui,
            "first_names": "Rosa",
            "last_names": "Mejía",
            "password1": "password123",
            "password2": "password123",
        },
    )

    assert response.status_code == 200
    assert not User.objects.filter(dui=dui).exists()
    assert not Person.objects.filter(dui=dui).exists()


def test_deactivating_a_user_in_the_admin_is_audited(admin_client, user):
    client, admin_user = admin_client

    response = client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {
            "is_staff": "",
            "is_superuser": "",
            "groups": [],
            "user_permissions": [],
            "role_grants-TOTAL_FORMS": "1",
            "role_grants-INITIAL_FORMS": "1",
            "role_grants-MIN_NUM_FORMS": "0",
            "role_grants-MAX_NUM_FORMS": "1000",
            "role_grants-0-id": str(user.role_grants.get().pk),
            "role_grants-0-user": str(user.pk),
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active is False
    event = AuditEvent.objects.get(action="account.access_changed", object_id=str(user.pk))
    assert event.actor_id == admin_user.pk
    assert (event.from_state, event.to_state) == ("active", "inactive")


def test_setting_a_password_in_the_admin_is_audited_with_the_admin_as_actor(admin_client, user):
    client, admin_user = admin_client

    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {
            "password1": "otra clave larga y buena",
            "password2": "otra clave larga y buena",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("otra clave larga y buena")
    event = AuditEvent.objects.get(action="account.password_changed")
    assert event.actor_id == admin_user.pk
    assert event.payload["by_administrator"] is True


def test_granting_and_revoking_a_role_in_the_admin_is_audited(admin_client, user):
    client, admin_user = admin_client
    school = SchoolFactory()

    response = client.post(
        reverse("admin:accounts_rolegrant_add"),
        {
            "user": str(user.pk),
            "role": "director",
            "scope_kind": "school",
            "school": str(school.pk),
            "valid_from": "2026-01-01",
        },
    )

    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=user, role="director")
    assert grant.school == school
    assert grant.granted_by == admin_user
    granted = AuditEvent.objects.get(action="role.granted", payload__grant_id=grant.pk)
    assert granted.actor_id == admin_user.pk

    response = client.post(
        reverse("admin:accounts_rolegrant_delete", args=[grant.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    revoked = AuditEvent.objects.get(action="role.revoked")
    assert revoked.payload["grant_id"] == grant.pk
    assert revoked.actor_id == admin_user.pk


def test_a_grant_whose_scope_does_not_match_is_refused(admin_client, user):
    client, _ = admin_client

    response = client.post(
        reverse("admin:accounts_rolegrant_add"),
        {
            "user": str(user.pk),
            "role": "director",
            "scope_kind": "school",
            "valid_from": "2026-01-01",
        },
    )

    assert response.status_code == 200
    assert not RoleGrant.objects.filter(user=user, role="director").exists()


def test_person_edit_goes_through_the_service(admin_client):
    client, admin_user = admin_client
    person = PersonFactory(first_names="Juan", last_names="Pérez")

    response = client.post(
        reverse("admin:accounts_person_change", args=[person.pk]),
        {
            "first_names": "Juan Carlos",
            "last_names": "Pérez",
            "birth_date": "",
            "sex": "M",
            "email": person.email,
            "phone": "",
        },
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.first_names == "Juan Carlos"
    event = AuditEvent.objects.get(action="person.updated")
    assert event.payload == {"fields": ["first_names", "sex"]}
    assert event.actor_id == admin_user.pk
