"""The admin's index names every section (app) in Spanish."""

import re

import pytest

# Section names Django's admin would show in English for the third-party apps we install.
ENGLISH_SECTIONS = {
    "Authentication and Authorization",
    "Knox",
    "Axes",
    "Workflow",
    "Viewflow",
    "Anymail",
    "Sessions",
}


@pytest.mark.django_db
def test_admin_index_section_names_are_spanish(client, make_user):
    # Given a staff administrator
    admin = make_user(role="administrator")
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(admin)

    # When they open the admin
    response = client.get("/admin/")

    # Then every section caption is Spanish
    html = response.content.decode()
    captions = re.findall(r'<caption>\s*<a [^>]*class="section"[^>]*>([^<]+)</a>', html)
    assert response.status_code == 200
    assert captions, html[:500]
    assert not ENGLISH_SECTIONS & set(captions), captions
    assert {"Intentos de ingreso", "Tokens de la API", "Procesos y tareas"} <= set(captions)
