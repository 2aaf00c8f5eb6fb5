"""The teachers importer (docs/imports.md §11): a good file, each bad column, idempotent
re-import, all or nothing, departmental scope, templates, and a fixed number of queries per
batch."""

import io
from datetime import date

import pytest
from django.urls import reverse

from core.accounts.dui import dui_check_digit
from core.accounts.models import Person
from core.imports import engine
from core.imports.lifecycles import JobStatus
from core.imports.registry import ImportContext, get_importer
from modules.teachers.models import Appointment, Teacher
from modules.teachers.services import teacher_create

from .conftest import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = (
    "nip,dui,nombres,apellidos,fecha_nacimiento,sexo,especialidad,nivel_escalafon,"
    "categoria_escalafon,codigo_centro,cargo,turno,tipo_contrato,financiamiento,fecha_inicio,"
    "fecha_fin"
)


def dui(n: int) -> str:
    body = f"{n:08d}"
    return f"{body}-{dui_check_digit(body)}"


def row(n: int, **changes: str) -> str:
    values = {
        "nip": str(100000 + n),
        "dui": dui(7100000 + n),
        "nombres": f"Docente {n}",
        "apellidos": "Martínez Flores",
        "fecha_nacimiento": "14/03/1985",
        "sexo": "F",
        "especialidad": "Matemática",
        "nivel_escalafon": "1",
        "categoria_escalafon": "3",
        "codigo_centro": "IMP-001",
        "cargo": "docente",
        "turno": "matutino",
        "tipo_contrato": "ley_salarios",
        "financiamiento": "fondo_general",
        "fecha_inicio": "01/02/2020",
        "fecha_fin": "",
    }
    values.update(changes)
    return ",".join(values.values())


def rows(count: int) -> list[str]:
    return [row(n) for n in range(1, count + 1)]


def snapshot() -> tuple:
    return (
        list(
            Teacher.objects.order_by("nip").values_list(
                "nip", "specialty", "escalafon_level", "escalafon_category", "person__first_names"
            )
        ),
        list(
            Appointment.objects.order_by("pk").values_list(
                "teacher__nip", "school__code", "position", "contract_type", "end_date"
            )
        ),
        Person.objects.count(),
    )


def test_a_good_file_creates_teachers_with_their_appointments(campus, upload, start):
    job = upload(campus["admin"], "teachers", csv_bytes(HEADER, rows(3)))
    assert job.status == JobStatus.READY, list(job.row_errors.values_list("message", flat=True))
    assert Teacher.objects.count() == 0  # the dry run writes nothing

    job = start(campus["admin"], job)

    assert job.status == JobStatus.DONE
    assert (job.created_count, job.updated_count, job.unchanged_count) == (3, 0, 0)
    teacher = Teacher.objects.select_related("person").get(nip="100001")
    assert teacher.person.dui == dui(7100001)
    assert teacher.person.birth_date == date(1985, 3, 14)
    assert (teacher.specialty, teacher.escalafon_level, teacher.escalafon_category) == (
        "Matemática",
        "1",
        3,
    )
    appointment = teacher.appointments.get()
    assert appointment.school == campus["almendros"]
    assert (appointment.position, appointment.shift, appointment.start_date) == (
        "docente",
        "matutino",
        date(2020, 2, 1),
    )
    assert appointment.end_date is None


def test_labels_are_accepted_and_a_teacher_may_have_several_appointments(campus, upload, start):
    content = csv_bytes(
        HEADER,
        [
            row(1),
            row(1, turno="Vespertino", cargo="Director", tipo_contrato="Contrato",
                financiamiento="Recursos propios", fecha_fin="31/12/2026"),
        ],
    )  # fmt: skip

    job = start(campus["admin"], upload(campus["admin"], "teachers", content))

    assert job.status == JobStatus.DONE
    assert (job.created_count, job.updated_count, job.unchanged_count) == (2, 0, 0)
    assert Teacher.objects.count() == 1
    second = Appointment.objects.get(shift="vespertino")
    assert (second.position, second.contract_type, second.funding, second.end_date) == (
        "director",
        "contrato",
        "recursos_propios",
        date(2026, 12, 31),
    )


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("nip", "12-34"),
        ("nip", "123"),
        ("dui", "04567891-2"),  # wrong check digit
        ("dui", ""),
        ("nombres", ""),
        ("apellidos", ""),
        ("fecha_nacimiento", "03-14-1985"),
        ("fecha_nacimiento", "14/03/2999"),
        ("sexo", "X"),
        ("especialidad", "x" * 121),
        ("nivel_escalafon", "3"),
        ("categoria_escalafon", "7"),
        ("categoria_escalafon", "tres"),
        ("codigo_centro", "NO-EXISTE"),
        ("cargo", "conserje"),
        ("turno", "madrugada"),
        ("tipo_contrato", "verbal"),
        ("financiamiento", "loteria"),
        ("fecha_inicio", "2020/02/01"),
        ("fecha_inicio", ""),
        ("fecha_fin", "31/02/2026"),
        ("fecha_fin", "01/01/2019"),  # before the start
    ],
)
def test_each_bad_column_is_reported_on_its_row_and_column(campus, upload, column, value):
    job = upload(
        campus["admin"], "teachers", csv_bytes(HEADER, [row(1), row(2, **{column: value})])
    )

    assert job.status == JobStatus.REJECTED
    errors = list(job.row_errors.values_list("row", "column"))
    assert errors == [(3, column)]
    assert job.row_errors.get().hint  # every problem says how to fix it
    assert Teacher.objects.count() == 0


def test_repeated_or_conflicting_keys_are_reported_on_the_later_row(campus, upload):
    content = csv_bytes(
        HEADER,
        [
            row(1),
            row(1),  # the same appointment twice
            row(1, nombres="Otra", turno="vespertino"),  # same NIP, other personal data
            row(2, dui=dui(7100001)),  # another NIP with the first row's DUI
        ],
    )

    job = upload(campus["admin"], "teachers", content)

    assert list(job.row_errors.values_list("row", "column")) == [
        (3, "fecha_inicio"),
        (4, "nip"),
        (5, "dui"),
    ]


def test_a_dui_of_another_teacher_is_refused(campus, upload):
    person = Person.objects.create(first_names="Ya", last_names="Docente", dui=dui(7100002))
    teacher_create(person=person, nip="99999", escalafon_level="1", escalafon_category=2)

    job = upload(campus["admin"], "teachers", csv_bytes(HEADER, [row(2)]))

    error = job.row_errors.get()
    assert (error.row, error.column) == (2, "dui")
    assert "99999" in error.message


def test_a_registered_person_becomes_a_teacher(campus, upload, start):
    person = Person.objects.create(first_names="Rosa", last_names="Antes", dui=dui(7100001))

    job = start(campus["admin"], upload(campus["admin"], "teachers", csv_bytes(HEADER, [row(1)])))

    assert job.status == JobStatus.DONE
    person.refresh_from_db()
    assert person.teacher.nip == "100001"
    assert person.first_names == "Docente 1"
    assert Person.objects.count() == 1 + Person.objects.exclude(pk=person.pk).count()


def test_re_importing_the_same_file_changes_nothing(campus, upload, start):
    content = csv_bytes(HEADER, [*rows(3), row(1, turno="vespertino")])
    start(campus["admin"], upload(campus["admin"], "teachers", content))
    before = snapshot()

    again = start(campus["admin"], upload(campus["admin"], "teachers", content))

    assert again.status == JobStatus.DONE
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 4)
    assert snapshot() == before


def test_a_changed_row_updates_only_that_teacher(campus, upload, start):
    start(campus["admin"], upload(campus["admin"], "teachers", csv_bytes(HEADER, rows(3))))
    changed = rows(3)
    changed[1] = row(2, categoria_escalafon="2", fecha_fin="31/12/2030")

    job = start(campus["admin"], upload(campus["admin"], "teachers", csv_bytes(HEADER, changed)))

    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 2)
    teacher = Teacher.objects.get(nip="100002")
    assert teacher.escalafon_category == 2
    assert teacher.appointments.get().end_date == date(2030, 12, 31)
    assert Teacher.objects.get(nip="100001").escalafon_category == 3


def test_a_failure_in_a_later_batch_leaves_nothing(campus, upload, start, monkeypatch):
    job = upload(campus["admin"], "teachers", csv_bytes(HEADER, rows(6)))
    assert job.status == JobStatus.READY
    monkeypatch.setattr(engine, "BATCH_SIZE", 2)
    # Between the dry run and the import, the DUI of row 6 is given to another teacher.
    person = Person.objects.create(first_names="Otra", last_names="Persona", dui=dui(7100005))
    teacher_create(person=person, nip="99999", escalafon_level="1", escalafon_category=2)
    before = snapshot()

    job = start(campus["admin"], job)

    assert job.status == JobStatus.FAILED
    assert "fila 6" in job.message
    assert snapshot() == before


def test_rows_of_one_teacher_across_batches_are_imported_once(campus, upload, start, monkeypatch):
    monkeypatch.setattr(engine, "BATCH_SIZE", 2)
    content = csv_bytes(HEADER, [row(1), row(2), row(1, turno="vespertino")])

    job = start(campus["admin"], upload(campus["admin"], "teachers", content))

    assert job.status == JobStatus.DONE
    assert Teacher.objects.count() == 2
    assert Appointment.objects.filter(teacher__nip="100001").count() == 2


def test_a_departmental_officer_imports_only_their_departments_schools(campus, upload, start):
    content = csv_bytes(HEADER, [row(1), row(2, codigo_centro="IMP-002")])

    refused = upload(campus["officer"], "teachers", content)

    assert refused.status == JobStatus.REJECTED
    error = refused.row_errors.get()
    assert (error.row, error.column) == (3, "codigo_centro")
    assert "fuera de su alcance" in error.message
    assert Teacher.objects.count() == 0
    job = start(
        campus["officer"], upload(campus["officer"], "teachers", csv_bytes(HEADER, [row(1)]))
    )
    assert job.status == JobStatus.DONE
    assert Appointment.objects.get().school == campus["almendros"]


def test_a_director_may_not_import_teachers(campus, client):
    client.force_login(campus["director"])
    response = client.post(
        reverse("v1:import-list"),
        {"kind": "teachers", "file": io.BytesIO(csv_bytes(HEADER, [row(1)]))},
    )
    assert response.status_code == 403
    assert Teacher.objects.count() == 0


def test_a_clean_workbook_is_imported(campus, upload, start):
    values = row(1).split(",")
    values[4] = date(1985, 3, 14)  # a real date cell
    values[0] = 100001  # a number cell
    content = xlsx_bytes([HEADER.split(","), values])

    job = start(campus["admin"], upload(campus["admin"], "teachers", content, "docentes.xlsx"))

    assert job.status == JobStatus.DONE
    assert Teacher.objects.get().person.birth_date == date(1985, 3, 14)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_downloads_with_the_columns(campus, client, fmt):
    client.force_login(campus["admin"])
    response = client.get(reverse("imports:template", args=["teachers", fmt]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    keys = get_importer("teachers").column_keys()
    if fmt == "csv":
        assert body.decode("utf-8-sig").splitlines()[0] == ",".join(keys)
    else:
        import openpyxl

        sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
        assert [c.value for c in next(sheet.iter_rows())] == keys


def test_the_columns_page_lists_the_teacher_columns(campus, client):
    client.force_login(campus["admin"])
    response = client.get(reverse("imports:home"))
    assert response.status_code == 200
    assert "Docentes y nombramientos" in response.content.decode()


@pytest.mark.parametrize("size", [5, 40])
def test_a_batch_is_prepared_in_a_fixed_number_of_queries(
    campus, upload, start, django_assert_num_queries, size
):
    # Half of the batch exists already (teachers with appointments), half is new.
    start(campus["admin"], upload(campus["admin"], "teachers", csv_bytes(HEADER, rows(size))))
    importer = get_importer("teachers")
    ctx = ImportContext(actor=campus["admin"], departments=None)
    batch = [
        dict(zip(HEADER.split(","), row(n).split(","), strict=True)) for n in range(1, 2 * size)
    ]
    # schools, teachers with their people, people by DUI, appointments of the known teachers
    with django_assert_num_queries(4):
        importer.prepare(ctx, batch)
        for item in batch:
            importer.parse(ctx, item)
