"""The accounts API: token login by DUI, token logout, /me/, and their schema."""

import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from knox.models import AuthToken
from rest_framework.settings import api_settings

from core.accounts.choices import Role, ScopeKind
from core.accounts.services import role_grant, user_update_access
from tests.factories import DEFAULT_PASSWORD, DepartmentFactory, SchoolFactory

from .helpers import FORMAT_ERROR, api_login

pytestmark = pytest.mark.django_db

ME = reverse("v1:me")
LOGOUT = reverse("v1:auth-logout")
INVALID = {"detail": "DUI o contraseña incorrectos.", "code": "invalid_login"}


def _token_for(user) -> str:
    response = api_login(Client(), user.dui, DEFAULT_PASSWORD)
    assert response.status_code == 200
    return response.json()["token"]


def _auth(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


def test_token_login_returns_token_and_expiry_from_knox_settings(client, user):
    before = timezone.now()

    response = api_login(client, user.dui, DEFAULT_PASSWORD)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expiry"}
    ttl = settings.REST_KNOX["TOKEN_TTL"]
    expiry = parse_datetime(body["expiry"])
    assert before + ttl <= expiry <= timezone.now() + ttl
    token_row = AuthToken.objects.get(user=user)
    assert token_row.expiry == expiry
    assert body["token"] not in (token_row.digest, token_row.token_key)  # stored hashed
    # A token client gets no session: no cookie, no orphan session row.
    assert "sessionid" not in response.cookies
    assert Session.objects.count() == 0


def test_token_login_accepts_the_dui_without_hyphen(client, user):
    response = api_login(client, user.dui.replace("-", ""), DEFAULT_PASSWORD)

    assert response.status_code == 200


def test_unknown_dui_and_wrong_password_get_identical_answers(client, user):
    unknown = api_login(client, "12345678-4", DEFAULT_PASSWORD)
    wrong_check = api_login(client, "12345678-5", DEFAULT_PASSWORD)
    wrong_password = api_login(client, user.dui, "otra-clave-distinta")

    for response in (unknown, wrong_check, wrong_password):
        assert response.status_code == 400
        assert response.json() == INVALID
    assert unknown.content == wrong_password.content == wrong_check.content
    assert AuthToken.objects.count() == 0


def test_password_is_not_trimmed_by_the_api(client, make_user):
    spaced = "  clave con espacios  "
    account = make_user(password=spaced)

    assert api_login(client, account.dui, spaced.strip()).status_code == 400
    assert api_login(client, account.dui, spaced).status_code == 200


def test_malformed_dui_is_a_field_error(client):
    response = client.post(
        reverse("v1:auth-token"),
        {"dui": "no-es-dui", "password": "x"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {"dui": [FORMAT_ERROR]}


def test_missing_fields_are_reported(client):
    response = client.post(reverse("v1:auth-token"), {}, content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()) == {"dui", "password"}


def test_token_login_is_throttled_under_the_login_scope(client, user, monkeypatch):
    # The rate is read per request (core.throttling.LiveScopedRateThrottle).
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "login": "2/min"}
    monkeypatch.setattr(api_settings, "DEFAULT_THROTTLE_RATES", rates)

    codes = [api_login(client, user.dui, "mala-clave").status_code for _ in range(3)]

    assert codes == [400, 400, 429]


def test_me_with_a_token_returns_person_and_active_roles(client, make_user):
    department = DepartmentFactory(code="96", name="Departamento Uno")
    account = make_user(
        role=Role.DEPARTMENTAL_OFFICER,
        scope_kind=ScopeKind.DEPARTMENT,
        target=department,
        first_names="Luis",
        last_names="Alvarado",
        email="luis@example.sv",
    )
    grant = account.role_grants.get()
    token = _token_for(account)

    response = client.get(ME, **_auth(token))

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "id": account.pk,
        "person": {
            "full_name": "Luis Alvarado",
            "first_names": "Luis",
            "last_names": "Alvarado",
            "dui_masked": "*****" + account.dui[-4:],
            "email": "luis@example.sv",
            "phone": "",
            "birth_date": None,
            "sex": "",
        },
        "roles": [
            {
                "id": grant.pk,
                "role": "departmental_officer",
                "role_label": "Funcionario departamental",
                "scope_kind": "department",
                "scope_kind_label": "Departamento",
                "scope_target_id": department.pk,
                "scope_label": "Departamento: Departamento Uno",
                "valid_from": grant.valid_from.isoformat(),
                "valid_until": None,
            }
        ],
    }
    assert account.dui not in response.content.decode()


@pytest.mark.parametrize("grant_count", [1, 3])
def test_me_query_count_does_not_grow_with_roles(
    client, make_user, django_assert_num_queries, grant_count
):
    account = make_user(role=Role.CITIZEN)
    for _ in range(grant_count - 1):
        role_grant(
            user=account, role=Role.DIRECTOR, scope_kind=ScopeKind.SCHOOL, target=SchoolFactory()
        )
    token = _token_for(account)

    # knox: 1 token lookup (with user), 1 cleanup scan of the user's other tokens; then
    # 1 user+person and 1 grants with their targets joined.
    with django_assert_num_queries(4):
        response = client.get(ME, **_auth(token))

    assert len(response.json()["roles"]) == grant_count


def test_me_needs_authentication(client):
    assert client.get(ME).status_code == 401


def test_me_works_with_the_web_session_too(client, user):
    client.force_login(user)

    assert client.get(ME).status_code == 200


def test_expired_token_is_refused_and_removed(client, user):
    token = _token_for(user)
    past_expiry = timezone.now() + settings.REST_KNOX["TOKEN_TTL"] + datetime.timedelta(seconds=1)

    with mock.patch("django.utils.timezone.now", return_value=past_expiry):
        response = client.get(ME, **_auth(token))

    assert response.status_code == 401
    assert AuthToken.objects.filter(user=user).count() == 0


def test_token_just_before_expiry_still_works(client, user):
    token = _token_for(user)
    almost = timezone.now() + settings.REST_KNOX["TOKEN_TTL"] - datetime.timedelta(seconds=30)

    with mock.patch("django.utils.timezone.now", return_value=almost):
        assert client.get(ME, **_auth(token)).status_code == 200


def test_logout_revokes_only_the_token_used(client, user):
    used, other = _token_for(user), _token_for(user)

    response = client.post(LOGOUT, **_auth(used))

    assert response.status_code == 204
    assert client.get(ME, **_auth(used)).status_code == 401
    assert client.get(ME, **_auth(other)).status_code == 200
    assert AuthToken.objects.filter(user=user).count() == 1


def test_logout_needs_a_token_not_a_session(client, user):
    _token_for(user)
    client.force_login(user)

    response = client.post(LOGOUT)

    assert response.status_code == 401
    assert AuthToken.objects.filter(user=user).count() == 1


def test_deactivated_account_token_is_refused(client, user):
    token = _token_for(user)

    user_update_access(user=user, actor=None, is_active=False)

    assert client.get(ME, **_auth(token)).status_code == 401
    assert AuthToken.objects.filter(user=user).count() == 0


def test_token_limit_revokes_the_oldest_token(client, user, settings):
    limit = settings.REST_KNOX["TOKEN_LIMIT_PER_USER"]
    tokens = [_token_for(user) for _ in range(limit + 1)]

    assert AuthToken.objects.filter(user=user).count() == limit
    assert client.get(ME, **_auth(tokens[0])).status_code == 401
    assert client.get(ME, **_auth(tokens[-1])).status_code == 200


def test_schema_documents_the_accounts_endpoints(client):
    response = client.get(reverse("api-schema"), {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    token_op = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert token_op["operationId"] == "auth_token_create"
    # 401 only for a browser session that expired (core.api_schema documents it everywhere).
    assert set(token_op["responses"]) == {"200", "400", "401", "429"}
    assert "/api/v1/auth/logout/" in schema["paths"]
    assert schema["paths"]["/api/v1/me/"]["get"]["operationId"] == "me_retrieve"
    components = schema["components"]["schemas"]
    assert set(components["TokenObtainInputRequest"]["properties"]) == {"dui", "password", "otp"}
    assert set(components["TokenObtainOutput"]["properties"]) == {"token", "expiry"}
    assert "dui" not in components["MePerson"]["properties"]
