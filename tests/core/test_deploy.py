"""A production deploy: collectstatic with the production settings and the first pages served
with DEBUG off (what `make deploy-check` runs in CI)."""

import os
import subprocess
import sys

from django.conf import settings
from django.contrib.staticfiles import finders

from tests.core.test_security_headers import PROD_ENV

TIMEOUT = 120


def _manage(args: list[str], static_root, extra_env: dict[str, str] | None = None):
    env = {
        **os.environ,
        **PROD_ENV,
        "DJANGO_SETTINGS_MODULE": "core.settings.prod",
        "DJANGO_STATIC_ROOT": str(static_root),
        **(extra_env or {}),
    }
    return subprocess.run(  # noqa: S603 - fixed command, no shell
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_collectstatic_with_production_settings_then_the_pages_answer_200(tmp_path):
    # Given production settings and an empty static root
    static_root = tmp_path / "static"

    # When collectstatic runs with the manifest storage
    collected = _manage(["collectstatic", "--noinput", "--verbosity", "1"], static_root)

    # Then it succeeds and writes the manifest, without viewflow's unused assets
    assert collected.returncode == 0, collected.stderr[-3000:]
    assert (static_root / "staticfiles.json").is_file()
    assert (static_root / "admin").is_dir()
    assert not (static_root / "viewflow").exists()

    # And the login page, the admin login and the API docs (with their assets) answer 200
    pages = _manage(["deploy_pages_check"], static_root)
    assert pages.returncode == 0, pages.stdout[-3000:] + pages.stderr[-3000:]
    lines = pages.stdout.splitlines()
    assert "200 /cuentas/ingresar/" in lines
    assert "200 /admin/login/" in lines
    assert "200 /api/docs/" in lines
    assert any(line.startswith("200 /static/css/siges.") for line in lines)
    # And the error pages answer their own status (viewflow's 400 page, which names viewflow's
    # static files, is replaced by ours)
    assert "404 /no-existe-esta-pagina/" in lines
    assert "400 / (Host: host-no-permitido.invalid)" in lines


def test_the_page_check_fails_when_the_static_files_were_not_collected(tmp_path):
    # Given production settings and no manifest (collectstatic never ran)
    # When the pages are loaded
    pages = _manage(["deploy_pages_check"], tmp_path / "empty")

    # Then the login page is a 500 and the check exits non-zero
    assert pages.returncode == 1
    assert pages.stdout.startswith("500 /cuentas/ingresar/")


def test_viewflow_static_files_are_not_served_but_other_apps_are():
    assert finders.find("viewflow/css/viewflow.min.css") is None
    assert str(finders.find("admin/css/base.css")).endswith("admin/css/base.css")


def test_a_bad_request_gets_our_spanish_400_page(client):
    response = client.get("/", HTTP_HOST="host-no-permitido.invalid")

    assert response.status_code == 400
    assert "Solicitud no válida" in response.text
    assert "viewflow" not in response.text
