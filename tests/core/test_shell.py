"""The web shell: base layout, role-dependent navigation, the per-role home and the error pages."""

import datetime
import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from core.accounts.scopes import active_grants
from core.accounts.services import role_grant
from tests.factories import DepartmentFactory, SchoolFactory

HOME = "/"


def panel(html: str, role: str) -> str:
    """The HTML of one role panel of the home page ('' when absent)."""
    match = re.search(rf'<section [^>]*data-role="{role}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def panel_roles(html: str) -> list[str]:
    return re.findall(r'<section [^>]*role-panel" data-role="([a-z_]+)"', html)


# --- Home: access ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_shows_anonymous_visitors_the_public_page(client):
    # When an anonymous visitor opens the home page
    response = client.get(HOME)

    # Then they get the public page (tests/core/test_public_home.py), not the login wall
    assert response.status_code == 200
    assert response.templates[0].name == "public_home.html"
    assert f'href="{reverse("accounts:login")}"' in response.content.decode()


# --- Home: one panel per role ---------------------------------------------------------------


@pytest.mark.django_db
def test_technician_home_links_to_the_workqueue(client, make_user):
    # Given a technician
    user = make_user(role="technician", first_names="Ana María", last_names="López")
    client.force_login(user)

    # When they open the home page
    response = client.get(HOME)

    # Then the technician panel is the only one, greets them by name, and links to the Bandeja
    html = response.content.decode()
    assert response.status_code == 200
    assert panel_roles(html) == ["technician"]
    assert "Hola, Ana María López" in html
    technician = panel(html, "technician")
    assert '<h2 id="panel-technician">Técnico</h2>' in technician
    assert f'<a href="{reverse("work:bandeja")}">Bandeja</a>' in technician
    assert "próximamente" not in technician
    assert response.context["primary_role"] == "technician"


@pytest.mark.django_db
def test_auditor_home_links_to_the_audit_pages(client, make_user):
    client.force_login(make_user(role="auditor"))

    html = client.get(HOME).content.decode()

    assert panel_roles(html) == ["auditor"]
    assert f'<a href="{reverse("audit:event_list")}">Auditoría</a>' in panel(html, "auditor")


def panel_links(html: str, role: str) -> list[tuple[str, str]]:
    """(href, text) of every link in one role panel, in order."""
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', panel(html, role))


@pytest.mark.django_db
def test_supervisor_home_offers_every_page_the_navigation_offers(client, make_user):
    # Given a help desk supervisor
    client.force_login(make_user(role="supervisor"))

    # When they open the home page
    html = client.get(HOME).content.decode()

    # Then their panel links to the Bandeja, the case search and the reports, and no longer
    # promises queue follow-up as "coming soon" (the reports and the team load now exist)
    supervisor = panel(html, "supervisor")
    assert panel_links(html, "supervisor") == [
        (reverse("work:bandeja"), "Bandeja"),
        (reverse("helpdesk:search"), "Buscar casos"),
        (reverse("helpdesk:reports"), "Reportes"),
        (reverse("diagrams:index"), "Diagramas de los trámites"),
    ]
    assert "próximamente" not in supervisor
    assert "Colas y equipos" not in supervisor


@pytest.mark.django_db
def test_technician_home_links_to_the_case_search_and_the_diagrams(client, make_user):
    client.force_login(make_user(role="technician"))

    html = client.get(HOME).content.decode()

    assert panel_links(html, "technician") == [
        (reverse("work:bandeja"), "Bandeja"),
        (reverse("helpdesk:search"), "Buscar casos"),
        (reverse("diagrams:index"), "Diagramas de los trámites"),
    ]


@pytest.mark.django_db
def test_guardian_home_links_to_the_catalogue_like_a_citizen(client, make_user):
    # Given a guardian (who requests trámites for their children)
    client.force_login(make_user(role="guardian"))

    html = client.get(HOME).content.decode()

    # Then their panel starts where a citizen's does: the catalogue, then their requests, and
    # then their children's page, which now exists: a link, never "próximamente"
    links = panel_links(html, "guardian")
    assert links == [
        (reverse("helpdesk:catalogue"), "Trámites"),
        (reverse("helpdesk:my_tickets"), "Mis trámites"),
        (reverse("academics:family"), "Mis hijos"),
    ]
    assert "próximamente" not in panel(html, "guardian")


@pytest.mark.parametrize(
    ("role", "working_label"), [("teacher", "Mis secciones"), ("director", "Mis centros")]
)
def test_school_staff_homes_promise_nothing_that_already_exists(
    client, make_user, role, working_label
):
    # Given a teacher or a director, whose daily pages (sections, school) now exist
    client.force_login(make_user(role=role))

    html = client.get(HOME).content.decode()

    # Then their panel links to the working page and no card says it is still to come
    staff = panel(html, role)
    assert working_label in [label for _url, label in panel_links(html, role)]
    assert "próximamente" not in staff


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["ministry_officer", "finance_reviewer"])
def test_budget_reviewers_homes_link_to_the_budgets_page(client, make_user, role):
    # Given a ministry officer or a finance reviewer (school finances now exist)
    client.force_login(make_user(role=role))

    html = client.get(HOME).content.decode()

    # Then their panel links to the budgets page, not to a "próximamente" card
    assert (reverse("finance:budgets"), "Presupuestos") in panel_links(html, role)
    assert 'Presupuestos <span class="badge">próximamente</span>' not in html


@pytest.mark.django_db
def test_auditor_home_links_to_the_process_pages(client, make_user):
    client.force_login(make_user(role="auditor"))

    html = client.get(HOME).content.decode()

    assert panel_links(html, "auditor") == [
        (reverse("audit:event_list"), "Auditoría"),
        (reverse("process:list"), "Procesos"),
        (reverse("titles:list"), "Títulos"),
        (reverse("diagrams:index"), "Diagramas de los trámites"),
        (reverse("finance:budgets"), "Presupuestos"),
    ]


@pytest.mark.django_db
def test_staff_administrator_home_links_to_admin_and_audit(client, make_user):
    # Given an administrator with access to Django's admin
    user = make_user(role="administrator")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)

    html = client.get(HOME).content.decode()

    administrator = panel(html, "administrator")
    assert panel_roles(html) == ["administrator"]
    assert '<a href="/admin/">Administración</a>' in administrator
    assert f'<a href="{reverse("audit:event_list")}">Auditoría</a>' in administrator


@pytest.mark.django_db
def test_administrator_without_staff_flag_gets_no_link_into_the_admin(client, make_user):
    # Given an administrator role holder whom the admin would turn away (not is_staff)
    client.force_login(make_user(role="administrator"))

    html = client.get(HOME).content.decode()

    # Then the admin entry is text, not a link to a login wall
    administrator = panel(html, "administrator")
    assert 'href="/admin/"' not in html
    assert 'Administración <span class="badge">próximamente</span>' in administrator


@pytest.mark.django_db
def test_user_without_grants_gets_the_citizen_panel(client, make_user):
    client.force_login(make_user())

    response = client.get(HOME)

    html = response.content.decode()
    assert panel_roles(html) == ["citizen"]
    assert response.context["primary_role"] == "citizen"
    assert "No tiene roles asignados." in html


@pytest.mark.django_db
def test_user_with_several_roles_sees_the_most_senior_panel_first(client, make_user):
    # Given a teacher who is also an auditor
    user = make_user(role="teacher")
    role_grant(user=user, role="auditor")
    client.force_login(user)

    response = client.get(HOME)

    # Then the auditor panel is primary (first, accented) and the teacher panel follows
    html = response.content.decode()
    assert panel_roles(html) == ["auditor", "teacher"]
    assert 'class="card card--accent role-panel" data-role="auditor"' in html
    assert response.context["primary_role_label"] == "Auditor"


@pytest.mark.django_db
def test_home_lists_role_grants_with_their_scope_target(client, make_user):
    # Given a technician over one department who is also a director of one school
    department = DepartmentFactory(name="Departamento de Prueba Norte")
    school = SchoolFactory(name="Centro Escolar Las Flores", code="10101")
    user = make_user(role="technician", scope_kind="department", target=department)
    role_grant(
        user=user,
        role="director",
        scope_kind="school",
        target=school,
        valid_until=datetime.date(2099, 12, 31),
    )
    client.force_login(user)

    html = client.get(HOME).content.decode()

    assert (
        "<strong>Técnico</strong>\n"
        '        <span class="muted">· Departamento: Departamento de Prueba Norte' in html
    )
    assert (
        "<strong>Director de centro educativo</strong>\n"
        '        <span class="muted">· Centro educativo: 10101 Centro Escolar Las Flores'
    ) in html
    assert html.count("Vigente hasta el") == 1
    assert "Vigente hasta el 31/12/2099" in html  # dd/mm/aaaa: core/formats/es/formats.py


@pytest.mark.django_db
def test_home_query_count_does_not_grow_with_grants(client, make_user, django_assert_num_queries):
    # Given a technician over one department, then over three
    user = make_user(role="technician", scope_kind="department", target=DepartmentFactory())
    client.force_login(user)
    client.get(HOME)  # the first request stamps the session; measure steady ones

    # The session from the cache, 1 user with their person (the name in the greeting;
    # DuiBackend.get_user), 1 grants, 1 their targets (one query per kind of target: the
    # departments here), 1 unread count (inbox link in the header,
    # notifications.context_processors) = 4; the activity stamp is recent, so the session is
    # not written.
    with django_assert_num_queries(4):
        assert client.get(HOME).status_code == 200

    for _ in range(2):
        role_grant(
            user=user, role="technician", scope_kind="department", target=DepartmentFactory()
        )
    assert len(active_grants(type(user).objects.get(pk=user.pk))) == 3
    with django_assert_num_queries(4):
        assert client.get(HOME).status_code == 200


# --- Navigation -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_navigation_offers_login_and_nothing_private(client):
    # Any page built on the layout will do; the 404 page needs no other app.
    html = client.get("/no-existe/").content.decode()
    nav = re.search(r"<nav id=\"navegacion-principal\".*?</nav>", html, re.S).group(0)

    assert f'<li><a href="{reverse("accounts:login")}">Ingresar</a></li>' in nav
    assert "Cerrar sesión" not in nav
    assert "Mi perfil" not in nav
    assert "Auditoría" not in nav


@pytest.mark.django_db
def test_signed_in_navigation_has_profile_and_logout_as_csrf_post(client, make_user):
    client.force_login(make_user(role="technician"))

    html = client.get(HOME).content.decode()
    nav = re.search(r"<nav id=\"navegacion-principal\".*?</nav>", html, re.S).group(0)

    assert f'<a href="{reverse("accounts:profile")}">Mi perfil</a>' in nav
    assert f'method="post" action="{reverse("accounts:logout")}"' in nav
    assert 'name="csrfmiddlewaretoken"' in nav
    assert '<a href="/" aria-current="page">Inicio</a>' in nav
    assert "Ingresar" not in nav
    assert "Auditoría" not in nav


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["auditor", "administrator"])
def test_audit_link_in_navigation_for_auditors_and_administrators(client, make_user, role):
    client.force_login(make_user(role=role))

    html = client.get(HOME).content.decode()

    assert f'<li><a href="{reverse("audit:event_list")}">Auditoría</a></li>' in html


@pytest.mark.django_db
def test_layout_has_skip_link_language_form_and_csrf_meta(client, make_user, settings):
    settings.LANGUAGES = [("es", "Español"), ("en", "English")]  # the form shows with 2+
    client.force_login(make_user(role="teacher"))

    html = client.get(HOME).content.decode()

    assert '<html lang="es">' in html
    assert '<a class="skip-link" href="#contenido">Saltar al contenido</a>' in html
    assert '<main id="contenido"' in html
    assert re.search(r'<meta name="csrf-token" content="[A-Za-z0-9]{32,}">', html)
    assert f'action="{reverse("set_language")}" method="post"' in html
    assert '<label for="id_footer_language">Idioma</label>' in html
    assert "GNU AGPL" in html


def test_every_input_in_the_layout_has_a_label(settings):
    # The only visible form control of the layout is the language selector; its label is bound.
    settings.LANGUAGES = [("es", "Español"), ("en", "English")]
    html = render_to_string("base.html", {}, request=RequestFactory().get("/"))
    ids = re.findall(r'<(?:select|textarea|input(?![^>]*type="hidden"))[^>]*id="([^"]+)"', html)
    assert ids == ["id_footer_language"]
    for field_id in ids:
        assert f'<label for="{field_id}">' in html


def test_layout_assets_exist_in_static():
    for path in [
        "css/siges.css",
        "js/siges.js",
        "vendor/htmx/htmx.min.js",
        "vendor/htmx/LICENSE",
        "icons/siges.svg",
    ]:
        assert finders.find(path), path


@pytest.mark.django_db
def test_only_spanish_is_offered_by_default(client):
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es"' in html
    assert "language-form" not in html


@pytest.mark.django_db
def test_a_browser_preferring_english_still_gets_pages_labelled_spanish(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert '<html lang="es"' in response.content.decode()


@pytest.mark.django_db
def test_language_switch_is_public_and_sets_the_language(client, settings):
    settings.LANGUAGES = [("es", "Español"), ("en", "English")]
    # When an anonymous visitor picks English in the footer form
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("accounts:login")}
    )

    # Then they are sent back to the page they were on, now in English
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert response.cookies["django_language"].value == "en"


@pytest.mark.django_db
def test_health_check_is_public(client):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


# --- Messages -------------------------------------------------------------------------------


def _request_with_messages():
    request = RequestFactory().get("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_messages_use_status_for_success_and_alert_for_errors():
    request = _request_with_messages()
    messages.success(request, "Guardado.")
    messages.error(request, "No se pudo guardar.")
    messages.info(request, "Aviso.")

    html = render_to_string("includes/messages.html", {"messages": messages.get_messages(request)})

    assert re.search(r'class="alert alert-success"\s+role="status">Guardado.</p>', html)
    assert re.search(r'class="alert alert-error"\s+role="alert">No se pudo guardar.</p>', html)
    assert re.search(r'class="alert alert-info"\s+role="status">Aviso.</p>', html)


# --- Error pages ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_404_page_is_spanish_and_uses_the_layout(client):
    response = client.get("/no-existe-esta-pagina/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "<title>Página no encontrada · SIGES</title>" in html
    assert "<h1>Página no encontrada</h1>" in html
    assert '<link rel="stylesheet" href="/static/css/siges.css">' in html


@pytest.mark.parametrize(
    ("template", "heading"),
    [
        ("403.html", "<h1>Acceso denegado</h1>"),
        ("429.html", "<h1>Demasiados intentos</h1>"),
        ("404.html", "<h1>Página no encontrada</h1>"),
    ],
)
def test_error_pages_are_spanish(template, heading, rf):
    html = render_to_string(template, {}, request=rf.get("/"))

    assert heading in html
    assert '<html lang="es">' in html


@pytest.mark.django_db
def test_500_page_renders_without_context_and_without_the_database(rf, django_assert_num_queries):
    # Django's server_error renders 500.html with an empty context; it must not touch the DB
    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))

    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Ocurrió un error en el servidor</h1>" in html
    assert '<a class="btn btn-primary" href="/">Volver al inicio</a>' in html
    assert "Cerrar sesión" not in html


def test_every_role_has_its_own_place_on_the_home_page():
    from core.accounts.choices import Role
    from core.views import ROLE_PRIORITY

    # A role missing here would fall back to the citizen's panel on the home page.
    assert sorted(ROLE_PRIORITY) == sorted(Role.values)
    assert len(ROLE_PRIORITY) == len(set(ROLE_PRIORITY))


@pytest.mark.parametrize(
    ("role", "panel_link"),
    [
        ("registrar", "Títulos"),
        ("hr_officer", "Personal docente"),
        ("title_authenticator", "Bandeja"),
        ("print_centre", "Bandeja"),
    ],
)
def test_the_office_roles_home_shows_their_own_panel(client, make_user, role, panel_link):
    from core.accounts.choices import Role

    client.force_login(make_user(role=role))
    html = client.get(reverse("home")).content.decode()

    assert str(Role(role).label) in html
    assert panel_link in html
    assert "Mis trámites" not in html  # not the citizen's panel
