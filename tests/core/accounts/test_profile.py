"""The profile page: person data, active role grants, and changing the password."""

import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from core.accounts.choices import Role, ScopeKind
from core.accounts.services import role_grant
from core.audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, DepartmentFactory, SchoolFactory

from .helpers import api_login, web_login

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")
NEW_PASSWORD = "un río de palabras largas"


def _change(client: Client, current: str, new: str, confirm: str | None = None):
    return client.post(
        PROFILE,
        {
            "current_password": current,
            "new_password": new,
            "new_password_confirm": new if confirm is None else confirm,
        },
    )


def test_anonymous_is_sent_to_login(client):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={PROFILE}"


def test_profile_shows_person_data_and_active_grants_with_scope_names(client, make_user):
    department = DepartmentFactory(code="97", name="Departamento de Prueba")
    school = SchoolFactory(name="Centro Escolar Los Almendros")
    account = make_user(
        role=Role.DEPARTMENTAL_OFFICER,
        scope_kind=ScopeKind.DEPARTMENT,
        target=department,
        first_names="Ana María",
        last_names="Pérez López",
    )
    role_grant(user=account, role=Role.DIRECTOR, scope_kind=ScopeKind.SCHOOL, target=school)
    client.force_login(account)

    response = client.get(PROFILE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Ana María Pérez López" in html
    assert account.dui in html
    assert "Departamento: Departamento de Prueba" in html
    assert f"Centro educativo: {school.code} Centro Escolar Los Almendros" in html
    assert [g.role for g in response.context["grants"]] == ["departmental_officer", "director"]
    assert "recomendamos 15 o más" in html  # hint where passwords are set


def test_expired_grants_are_not_listed(client, make_user):
    account = make_user(role=Role.CITIZEN)
    today = timezone.localdate()
    role_grant(
        user=account,
        role=Role.TEACHER,
        valid_from=today - datetime.timedelta(days=30),
        valid_until=today - datetime.timedelta(days=1),
    )
    client.force_login(account)

    response = client.get(PROFILE)

    assert [g.role for g in response.context["grants"]] == ["citizen"]


@pytest.mark.parametrize("grant_count", [1, 4])
def test_profile_query_count_does_not_grow_with_grants(
    client, make_user, django_assert_num_queries, grant_count
):
    account = make_user(role=Role.CITIZEN)
    for _ in range(grant_count - 1):
        role_grant(
            user=account,
            role=Role.DIRECTOR,
            scope_kind=ScopeKind.SCHOOL,
            target=SchoolFactory(),
        )
    client.force_login(account)
    client.get(PROFILE)  # the first request stamps the session; measure a steady one

    # 1 user (auth middleware; the session comes from the cache), 1 user+person (selector), 1
    # grants with their
    # targets joined (selector); the layout adds 1 grants for the navigation (core context
    # processor) and 1 unread-inbox COUNT (notifications context processor). The activity stamp
    # is recent, so the session is not written.
    with django_assert_num_queries(5):
        response = client.get(PROFILE)

    assert len(response.context["grants"]) == grant_count


# --- Changing the password -------------------------------------------------------------------


def test_wrong_current_password_changes_nothing(client, user):
    client.force_login(user)
    before = user.password

    response = _change(client, "no-es-la-actual", NEW_PASSWORD)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "current_password": ["La contraseña actual no es correcta."]
    }
    user.refresh_from_db()
    assert user.password == before
    assert not AuditEvent.objects.filter(action="account.password_changed").exists()


@pytest.mark.parametrize(
    ("new", "confirm", "errors"),
    [
        (
            "corta",
            None,
            {
                "new_password": [
                    "La contraseña es demasiado corta. Debe contener por lo menos 8 caracteres."
                ]
            },
        ),
        ("password123", None, {"new_password": ["Esta contraseña es demasiado común."]}),
        (
            NEW_PASSWORD,
            NEW_PASSWORD + "x",
            {"new_password_confirm": ["Las dos contraseñas nuevas no coinciden."]},
        ),
    ],
)
def test_new_password_is_validated(client, user, new, confirm, errors):
    client.force_login(user)
    before = user.password

    response = _change(client, DEFAULT_PASSWORD, new, confirm)

    assert response.context["form"].errors == errors
    user.refresh_from_db()
    assert user.password == before


def test_password_change_keeps_this_session_and_ends_the_others(user):
    this, other = Client(), Client()
    web_login(this, user.dui, DEFAULT_PASSWORD)
    web_login(other, user.dui, DEFAULT_PASSWORD)
    other_key = other.cookies["sessionid"].value
    token = api_login(Client(), user.dui, DEFAULT_PASSWORD).json()["token"]
    assert other.get(PROFILE).status_code == 200

    response = _change(this, DEFAULT_PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == PROFILE
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # This browser stays signed in.
    assert this.get(PROFILE).status_code == 200
    assert this.session[SESSION_KEY] == str(user.pk)
    # The other browser's session no longer authenticates, and is flushed on its next use.
    denied = other.get(PROFILE)
    assert denied.status_code == 302
    assert denied["Location"].startswith(reverse("accounts:login"))
    assert not Session.objects.filter(session_key=other_key).exists()
    # API tokens are sessions too.
    assert AuthToken.objects.filter(user=user).count() == 0
    me = Client().get(reverse("v1:me"), HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 401


def test_password_change_is_audited_without_the_password(client, user):
    client.force_login(user)

    _change(client, DEFAULT_PASSWORD, NEW_PASSWORD)

    event = AuditEvent.objects.get(action="account.password_changed")
    assert event.chain_key == f"accounts.user:{user.pk}"
    assert event.actor_id == user.pk
    assert event.payload == {"api_tokens_revoked": 0, "by_administrator": False, "usable": True}
    assert NEW_PASSWORD not in str(event.payload)


def test_new_password_with_spaces_is_kept_exactly(client, user):
    client.force_login(user)
    spaced = "  espacios al inicio y al final  "

    _change(client, DEFAULT_PASSWORD, spaced)

    user.refresh_from_db()
    assert user.check_password(spaced)
    assert not user.check_password(spaced.strip())
