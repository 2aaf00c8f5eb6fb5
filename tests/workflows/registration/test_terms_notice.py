"""The first-login notice ("aviso de conformidad")."""

import pytest
from django.urls import reverse

from .helpers import actions

pytestmark = pytest.mark.django_db

NOTICE = "/registro/aviso-de-conformidad/"


@pytest.fixture(autouse=True)
def _notice_on(settings):
    settings.SIGES_TERMS_NOTICE_REQUIRED = True


def test_first_request_after_login_goes_to_the_notice(client, citizen):
    client.force_login(citizen)

    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response["Location"] == f"{NOTICE}?next=%2Fcuentas%2Fperfil%2F"


def test_accepting_records_it_once_and_returns_to_the_page(client, citizen):
    client.force_login(citizen)
    page = client.get(NOTICE, {"next": "/cuentas/perfil/"})

    response = client.post(NOTICE, {"accept": "on", "next": "/cuentas/perfil/"})

    assert page.status_code == 200
    assert "Aviso de conformidad" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == "/cuentas/perfil/"
    citizen.refresh_from_db()
    assert citizen.terms_accepted_at is not None
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert actions(action="account.terms_accepted") == ["account.terms_accepted"]


def test_not_ticking_the_box_records_nothing(client, citizen):
    client.force_login(citizen)

    response = client.post(NOTICE, {"next": "/"})

    assert response.status_code == 200
    assert "Marque la casilla para continuar." in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.terms_accepted_at is None
    assert actions(action="account.terms_accepted") == []


def test_an_outside_next_url_is_ignored(client, citizen):
    client.force_login(citizen)

    response = client.post(NOTICE, {"accept": "on", "next": "https://malo.example.com/"})

    assert response["Location"] == reverse("home")


@pytest.mark.parametrize(
    "path", ["/api/v1/terms/", "/static/css/siges.css", "/salud/"], ids=["api", "static", "health"]
)
def test_api_assets_and_health_are_not_redirected(client, citizen, path):
    client.force_login(citizen)

    response = client.get(path)

    assert response.status_code != 302


def test_logout_works_before_accepting(client, citizen):
    client.force_login(citizen)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_anonymous_visitors_are_not_redirected(client):
    assert client.get(reverse("registration:register")).status_code == 200
