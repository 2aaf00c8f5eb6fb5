"""The public home page of anonymous visitors, and the Spanish error pages with DEBUG off."""

import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import include, path, reverse

HOME = "/"


def _boom(request):
    raise RuntimeError("fallo de prueba")


def _forbidden(request):
    raise PermissionDenied("Prueba de acceso denegado.")


# A URLconf with the real one plus two views that fail, to exercise the handlers end to end.
urlpatterns = [
    path("prueba-500/", _boom),
    path("prueba-403/", _forbidden),
    path("", include("core.urls")),
]


@pytest.mark.django_db
def test_public_home_says_what_siges_is_and_links_catalogue_directory_and_login(
    client, django_assert_num_queries
):
    # Given an anonymous visitor
    # When they open the home page (no session, so nothing to read from the database)
    with django_assert_num_queries(0):
        response = client.get(HOME)

    # Then they read what SIGES is and find the catalogue, the school directory and the login
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Bienvenida · SIGES</title>" in html
    assert "SIGES: sus trámites de educación, en línea" in html
    assert f'href="{reverse("helpdesk:catalogue")}">Ver el catálogo de trámites</a>' in html
    assert f'href="{reverse("schools:directory")}">Buscar un centro educativo</a>' in html
    assert f'href="{reverse("accounts:login")}">Ingresar con su DUI</a>' in html
    assert f'href="{reverse("registration:register")}">Crear una cuenta</a>' in html
    # and none of the signed-in panels
    assert "role-panel" not in html


@pytest.mark.django_db
def test_signed_in_users_still_get_their_role_home(client, make_user):
    client.force_login(make_user())

    response = client.get(HOME)

    assert response.status_code == 200
    assert response.templates[0].name == "home.html"


@pytest.mark.django_db
def test_404_with_debug_off_is_the_spanish_page(client, settings):
    settings.DEBUG = False

    response = client.get("/no-existe/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Página no encontrada</h1>" in html
    assert '<html lang="es">' in html


@pytest.mark.django_db
def test_500_with_debug_off_is_the_spanish_page_through_the_whole_stack(client, settings):
    # Given DEBUG off and a view that fails
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False

    # When a visitor opens it
    response = client.get("/prueba-500/")

    # Then Django's handler renders our 500 page (empty context, no navigation)
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Ocurrió un error en el servidor</h1>" in html
    assert '<html lang="es">' in html
    assert "navegacion-principal" not in html


@pytest.mark.django_db
def test_403_is_logged_once_as_a_warning_without_a_traceback(client, settings, caplog):
    # Given DEBUG off and a view that denies access
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__

    # When someone opens it
    with caplog.at_level(logging.DEBUG):
        response = client.get("/prueba-403/")

    # Then the Spanish 403 page answers, and exactly one log line records it, with no traceback
    assert response.status_code == 403
    assert "<h1>Acceso denegado</h1>" in response.content.decode()
    forbidden = [r for r in caplog.records if "/prueba-403/" in r.getMessage()]
    assert len(forbidden) == 1
    assert forbidden[0].levelno == logging.WARNING
    assert forbidden[0].exc_info is None
    assert forbidden[0].exc_text is None
