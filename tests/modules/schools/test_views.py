"""The public school directory (/centros/) and a school's public page."""

import pytest
from django.urls import reverse

from modules.schools.services import school_update

DIRECTORY = "/centros/"


def test_directory_url_is_namespaced():
    assert reverse("schools:directory") == DIRECTORY
    assert reverse("schools:detail", args=["10001"]) == "/centros/10001/"


@pytest.mark.parametrize("rows", [3, 8])
def test_directory_query_count_does_not_grow_with_rows(
    client, make_school, rows, django_assert_num_queries
):
    for _ in range(rows):
        make_school()

    # 5 queries whatever the number of rows: count for the paginator, the department, municipality
    # and level choices, and one page of schools with municipality, department and district
    # joined (select_related). Anonymous visitors cost no session or user query.
    with django_assert_num_queries(5):
        response = client.get(DIRECTORY)

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == rows


@pytest.mark.parametrize("rows", [2, 6])
def test_filtered_htmx_query_count_does_not_grow_with_rows(
    client, make_school, geography, rows, django_assert_num_queries
):
    for _ in range(rows):
        make_school(municipality=geography["ss_este"])
    make_school(municipality=geography["ll_sur"])

    # 7 queries: validating the chosen department and municipality (2), the department choices,
    # the municipality choices narrowed to that department, the level choices, the count and
    # the page.
    with django_assert_num_queries(7):
        response = client.get(
            DIRECTORY, {"departamento": "06", "municipio": "0603"}, HTTP_HX_REQUEST="true"
        )

    assert response.status_code == 200
    assert response.templates[0].name == "schools/_directory.html"
    assert "<html" not in response.content.decode()
    assert response.context["page"].paginator.count == rows


def test_directory_lists_active_schools_with_their_place(client, make_school, geography, district):
    make_school(code="10001", name="Centro Escolar Los Almendros", district=district)
    school_update(school=make_school(code="10002", name="Centro Escolar Cerrado"), is_active=False)

    response = client.get(DIRECTORY)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Centro Escolar Los Almendros" in content
    assert "Mejicanos, San Salvador Centro, San Salvador" in content
    assert 'href="/centros/10001/"' in content
    assert "Centro Escolar Cerrado" not in content
    assert "Se encontró 1 centro educativo." in content
    assert '<html lang="es"' in content


def test_directory_search_and_filters_narrow_the_results(client, make_school, geography):
    make_school(code="10001", name="Centro Escolar Los Almendros")
    make_school(code="20001", name="Centro Escolar Los Laureles", municipality=geography["ll_sur"])

    by_name = client.get(DIRECTORY, {"q": "laureles"})
    by_department = client.get(DIRECTORY, {"departamento": "06"})

    assert [s.code for s in by_name.context["page"].object_list] == ["20001"]
    assert [s.code for s in by_department.context["page"].object_list] == ["10001"]
    # once a department is chosen only its municipalities are offered
    choices = by_department.context["filter"].form.fields["municipio"].queryset
    assert list(choices.values_list("code", flat=True)) == ["0601", "0602", "0603", "0604", "0605"]


def test_directory_ignores_bad_input(client, make_school):
    make_school(code="10001")

    response = client.get(DIRECTORY, {"departamento": "<script>", "zona": "x", "page": "abc"})

    assert response.status_code == 200
    assert [s.code for s in response.context["page"].object_list] == ["10001"]
    assert "<script>" not in response.content.decode()


def test_directory_paginates_and_keeps_the_filters(client, make_school):
    for number in range(25):
        make_school(code=f"1{number:04d}", name=f"Centro Escolar {number:02d}")

    first = client.get(DIRECTORY, {"q": "Centro"})
    second = client.get(DIRECTORY, {"q": "Centro", "page": "2"})

    assert len(first.context["page"].object_list) == 20
    assert 'href="?q=Centro&amp;page=2"' in first.content.decode()
    assert [s.name for s in second.context["page"].object_list] == [
        f"Centro Escolar {n}" for n in range(20, 25)
    ]


def test_directory_only_answers_get(client):
    assert client.post(DIRECTORY).status_code == 405


@pytest.mark.parametrize("attached", [1, 4])
def test_detail_page_query_count(client, make_school, attached, django_assert_num_queries):
    parent = make_school(code="10001", name="Centro Escolar Los Almendros")
    for _ in range(attached):
        make_school(attached_to=parent)

    # 3 queries: the school with its place, parent school and infrastructure joined, its
    # attached schools, and its offer (levels, grades and shifts of this year's sections).
    with django_assert_num_queries(3):
        response = client.get("/centros/10001/")

    assert response.status_code == 200
    assert len(response.context["attached"]) == attached


def test_detail_page_shows_the_school(client, make_school, district):
    parent = make_school(code="10001", name="Centro Escolar Los Almendros", district=district)
    make_school(
        code="10002",
        name="Parvularia Arcoíris",
        classification="parvularia",
        attached_to=parent,
        phone="2200-0002",
        address="Pasaje Arcoíris 3",
    )

    parent_page = client.get("/centros/10001/").content.decode()
    child_page = client.get("/centros/10002/").content.decode()

    assert "<h1>Centro Escolar Los Almendros</h1>" in parent_page
    assert "Mejicanos" in parent_page
    assert 'href="/centros/10002/">Parvularia Arcoíris</a>' in parent_page
    assert 'href="/centros/10001/">Centro Escolar Los Almendros</a>' in child_page
    assert 'href="tel:22000002"' in child_page


def test_detail_of_an_inactive_or_unknown_school_is_404(client, make_school):
    school_update(school=make_school(code="10001"), is_active=False)

    assert client.get("/centros/10001/").status_code == 404
    assert client.get("/centros/99999/").status_code == 404


def test_directory_filters_by_level_shift_and_infrastructure(client, make_school):
    from modules.schools.models import SchoolInfrastructure
    from modules.schools.services import section_create
    from tests.national_data import ensure_national_data

    ensure_national_data()
    basic_morning = make_school(name="Escuela Básica Mañana")
    media_night = make_school(name="Instituto Nocturno")
    make_school(name="Sin secciones")
    section_create(school=basic_morning, school_year=2026, grade="G3", name="A", shift="matutino")
    section_create(school=media_night, school_year=2026, grade="BG1", name="A", shift="nocturno")
    SchoolInfrastructure.objects.create(school=media_night, has_internet=True, has_water=True)
    SchoolInfrastructure.objects.create(school=basic_morning, has_water=True)

    def names(**params):
        response = client.get(DIRECTORY, params)
        return [school.name for school in response.context["page"].object_list]

    assert names(nivel="basica") == ["Escuela Básica Mañana"]
    assert names(nivel="media", turno="nocturno") == ["Instituto Nocturno"]
    assert names(turno="vespertino") == []
    assert names(servicios=["agua"]) == ["Escuela Básica Mañana", "Instituto Nocturno"]
    assert names(servicios=["agua", "internet"]) == ["Instituto Nocturno"]


def test_detail_page_shows_the_offer_of_the_current_year(client, make_school):
    from modules.schools.services import section_create
    from tests.national_data import ensure_national_data

    ensure_national_data()
    school = make_school(code="10009")
    for grade, name, shift in (
        ("G1", "A", "matutino"),
        ("G1", "B", "vespertino"),
        ("BG1", "A", "matutino"),
    ):
        section_create(school=school, school_year=2026, grade=grade, name=name, shift=shift)

    response = client.get("/centros/10009/")

    assert response.context["offer"] == {
        "Educación Básica": {"1.º grado": ["Matutino", "Vespertino"]},
        "Educación Media": {"1.º año de bachillerato": ["Matutino"]},
    }
    assert "Oferta educativa de este año" in response.content.decode()
