"""What apps register from ``AppConfig.ready()``: navigation, home panels, the beat schedule and
the demo-data steps. Core lists none of them itself."""

import re
from importlib import import_module

import pytest
from django.urls import reverse

from core.celery import app as celery_app
from core.demo import LAYERS, DemoContext, demo_steps, register_demo_step
from core.periodic import beat_schedule
from core.shell import _NAV, nav_entries, register_nav_entry

HOME = "/"


def nav_of(html: str) -> list[str]:
    nav = re.search(r'<nav id="navegacion-principal".*?</nav>', html, re.S).group(0)
    return re.findall(r"<li><a [^>]*>([^<]+)</a></li>", nav)


# --- Navigation ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "links"),
    [
        (
            "citizen",
            [
                "Inicio",
                "Centros educativos",
                "Trámites",
                "Mis trámites",
                "Transparencia",
                "Mi perfil",
            ],
        ),
        (
            "guardian",
            [
                "Inicio",
                "Centros educativos",
                "Mis hijos",
                "Trámites",
                "Mis trámites",
                "Transparencia",
                "Mi perfil",
            ],
        ),
        (
            "auditor",
            [
                "Inicio",
                "Centros educativos",
                "Trámites",
                "Presupuestos",
                "Títulos",
                "Procesos",
                "Auditoría",
                "Transparencia",
                "Mi perfil",
            ],
        ),
        (
            "teacher",
            [
                "Inicio",
                "Centros educativos",
                "Mis secciones",
                "Mi ficha docente",
                "Licencias",
                "Trámites",
                "Bandeja",
                "Transparencia",
                "Mi perfil",
            ],
        ),
        (
            "director",
            [
                "Inicio",
                "Centros educativos",
                "Mis secciones",
                "Mis centros",
                "Trámites",
                "Finanzas del centro",
                "Bandeja",
                "Matrícula",
                "Personal docente",
                "Transparencia",
                "Mi perfil",
            ],
        ),
        (
            "departmental_officer",
            [
                "Inicio",
                "Centros educativos",
                "Mis centros",
                "Trámites",
                "Presupuestos",
                "Transferencias",
                "Bandeja",
                "Títulos",
                "Personal docente",
                "Transparencia",
                "Importaciones",
                "Mi perfil",
            ],
        ),
        (
            "ministry_officer",
            [
                "Inicio",
                "Centros educativos",
                "Trámites",
                "Presupuestos",
                "Transferencias",
                "Bandeja",
                "Títulos",
                "Personal docente",
                "Transparencia",
                "Importaciones",
                "Mi perfil",
            ],
        ),
        (
            "technician",
            [
                "Inicio",
                "Centros educativos",
                "Trámites",
                "Bandeja",
                "Buscar casos",
                "Transparencia",
                "Mi perfil",
            ],
        ),
        (
            "supervisor",
            [
                "Inicio",
                "Centros educativos",
                "Trámites",
                "Bandeja",
                "Buscar casos",
                "Reportes",
                "Transparencia",
                "Mi perfil",
            ],
        ),
        (
            "administrator",
            [
                "Inicio",
                "Centros educativos",
                "Trámites",
                "Reportes",
                "Auditoría",
                "Transparencia",
                "Importaciones",
                "Mi perfil",
            ],
        ),
        (
            "registrar",
            [
                "Inicio",
                "Centros educativos",
                "Trámites",
                "Bandeja",
                "Títulos",
                "Transparencia",
                "Mi perfil",
            ],
        ),
        (
            "treasurer",
            [
                "Inicio",
                "Centros educativos",
                "Trámites",
                "Finanzas del centro",
                "Bandeja",
                "Transparencia",
                "Mi perfil",
            ],
        ),
        (
            "hr_officer",
            [
                "Inicio",
                "Centros educativos",
                "Trámites",
                "Bandeja",
                "Personal docente",
                "Transparencia",
                "Mi perfil",
            ],
        ),
        (
            "finance_reviewer",
            [
                "Inicio",
                "Centros educativos",
                "Trámites",
                "Presupuestos",
                "Bandeja",
                "Transparencia",
                "Mi perfil",
            ],
        ),
        (
            "title_authenticator",
            ["Inicio", "Centros educativos", "Trámites", "Bandeja", "Transparencia", "Mi perfil"],
        ),
        (
            "print_centre",
            ["Inicio", "Centros educativos", "Trámites", "Bandeja", "Transparencia", "Mi perfil"],
        ),
    ],
)
def test_each_role_sees_the_entries_apps_registered_for_it(client, make_user, role, links):
    client.force_login(make_user(role=role))

    assert nav_of(client.get(HOME).content.decode()) == links


@pytest.mark.django_db
def test_anonymous_visitors_see_only_the_public_entries(client):
    html = client.get(reverse("accounts:login")).content.decode()

    assert nav_of(html) == [
        "Inicio",
        "Centros educativos",
        "Trámites",
        "Transparencia",
        "Ingresar",
    ]


@pytest.mark.django_db
def test_the_current_page_is_marked_in_the_navigation(client, make_user):
    client.force_login(make_user(role="director"))

    html = client.get(reverse("work:bandeja")).content.decode()

    assert '<li><a href="/bandeja/" aria-current="page">Bandeja</a></li>' in html


@pytest.fixture
def extra_entry():
    yield
    _NAV.pop("prueba", None)
    _NAV.pop("rota", None)


@pytest.mark.django_db
def test_a_registered_entry_shows_and_one_that_does_not_resolve_is_left_out(
    client, make_user, extra_entry
):
    register_nav_entry(
        key="prueba", label="Prueba", url_name="health", position=45, roles=["teacher"]
    )
    register_nav_entry(key="rota", label="Rota", url_name="no-existe:pagina", roles=["teacher"])
    client.force_login(make_user(role="teacher"))

    links = nav_of(client.get(HOME).content.decode())

    assert links[links.index("Bandeja") + 1] == "Prueba"
    assert "Rota" not in links
    assert [entry.key for entry in nav_entries()].count("prueba") == 1


# --- Home panels ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["teacher", "director", "departmental_officer", "ministry_officer"]
)
def test_every_role_with_work_has_the_bandeja_on_its_home_panel(client, make_user, role):
    client.force_login(make_user(role=role))

    html = client.get(HOME).content.decode()

    section = re.search(rf'<section [^>]*data-role="{role}".*?</section>', html, re.S).group(0)
    first_link = re.search(r'<li>\s*<a href="([^"]+)">([^<]+)</a>', section)
    assert first_link.groups() == ("/bandeja/", "Bandeja")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["auditor", "citizen", "guardian"])
def test_roles_without_work_get_no_bandeja_on_their_home(client, make_user, role):
    client.force_login(make_user(role=role))

    html = client.get(HOME).content.decode()

    assert "/bandeja/" not in html
    assert "Bandeja" not in html


# --- Beat schedule -------------------------------------------------------------------------------


EXPECTED_SCHEDULE = {
    "notifications-outbox-relay": {
        "task": "notifications.tasks.outbox_relay",
        "schedule": 30.0,
        "options": {"expires": 25.0},
    },
    "audit-checkpoint": {"task": "core.audit.tasks.audit_checkpoint_write", "schedule": 3600.0},
    "registration-expire-stale": {
        "task": "workflows.registration.tasks.expire_stale_registrations",
        "schedule": 600.0,
    },
    "password-reset-expire-stale": {
        "task": "workflows.password_reset.tasks.expire_stale_password_resets",
        "schedule": 600.0,
    },
    "helpdesk-sla-sweep": {
        "task": "helpdesk.tasks.sla_sweep",
        "schedule": 300.0,
        "options": {"expires": 240.0},
    },
    "processes-task-due-sweep": {
        "task": "core.processes.tasks.task_due_sweep",
        "schedule": 300.0,
        "options": {"expires": 240.0},
    },
    "finance-close-fiscal-years": {
        "task": "modules.finance.tasks.close_ended_fiscal_years",
        "schedule": 21600.0,
    },
    "finance-review-due-sweep": {
        "task": "modules.finance.tasks.review_due_sweep",
        "schedule": 300.0,
        "options": {"expires": 240.0},
    },
    "partitions-ensure": {
        "task": "core.tasks.partitions_ensure",
        "schedule": 86400.0,
        "options": {"expires": 3600.0},
    },
    "documents-title-generation-sweep": {
        "task": "modules.documents.tasks.title_generation_sweep",
        "schedule": 600.0,
        "options": {"expires": 300.0},
    },
}


def test_the_beat_schedule_is_what_the_apps_registered():
    schedule = beat_schedule()

    assert {name: schedule[name] for name in EXPECTED_SCHEDULE} == EXPECTED_SCHEDULE
    # Every registered task names a Celery task that exists.
    for entry in schedule.values():
        module, _, name = entry["task"].rpartition(".")
        task = getattr(import_module(module), name)
        assert task.name == entry["task"]


def test_celery_installs_the_registered_schedule_once_finalized(settings):
    celery_app.finalize()

    assert celery_app.conf.beat_schedule == beat_schedule()
    assert not hasattr(settings, "CELERY_BEAT_SCHEDULE")


# --- Demo steps ----------------------------------------------------------------------------------


def test_demo_steps_run_lowest_layer_first():
    steps = demo_steps()

    layers = [LAYERS.index(step.layer) for step in steps]
    assert layers == sorted(layers)
    assert [step.name for step in steps][:6] == [
        "geography",
        "schools",
        "accounts",
        "academics",
        "teachers",
        "finance",
    ]


def test_a_demo_step_of_an_unknown_layer_is_refused():
    with pytest.raises(ValueError, match="unknown layer"):
        register_demo_step("x", layer="plugins", run=lambda context: None)

    assert "x" not in [step.name for step in demo_steps()]


def test_the_demo_context_counts_what_steps_create():
    context = DemoContext()
    context.count("schools", 2)
    context.count("schools")
    context.count("teams", 0)

    assert context.created == {"schools": 3, "teams": 0}
