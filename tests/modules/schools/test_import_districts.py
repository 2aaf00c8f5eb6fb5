"""``manage.py import_districts``: upsert by code, all or nothing, errors in Spanish by line."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.audit.models import AuditEvent
from modules.schools.models import District
from modules.schools.services import DISTRICT_CATALOGUE_CHAIN

HEADER = "department_code,municipality_code,code,name\n"


def write_csv(tmp_path, body: str, name: str = "distritos.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def run_import(path) -> str:
    out = StringIO()
    call_command("import_districts", str(path), stdout=out)
    return out.getvalue()


def stored_districts():
    return list(District.objects.order_by("code").values_list("code", "name", "municipality__code"))


def test_good_file_creates_every_district(geography, tmp_path):
    path = write_csv(tmp_path, "06,0604,060401,Mejicanos\n06,0604,060402,San Salvador\n")

    output = run_import(path)

    assert "2 creados, 0 actualizados, 0 sin cambios" in output
    assert stored_districts() == [
        ("060401", "Mejicanos", "0604"),
        ("060402", "San Salvador", "0604"),
    ]
    event = AuditEvent.objects.get(chain_key=DISTRICT_CATALOGUE_CHAIN)
    assert event.action == "district.catalogue_imported"
    assert event.payload == {"source": "distritos.csv", "rows": 2, "created": 2, "updated": 0}


def test_rerun_creates_no_duplicates_and_records_nothing(geography, tmp_path):
    path = write_csv(tmp_path, "06,0604,060401,Mejicanos\n06,0604,060402,San Salvador\n")
    run_import(path)

    output = run_import(path)

    assert "0 creados, 0 actualizados, 2 sin cambios" in output
    assert District.objects.count() == 2
    assert AuditEvent.objects.filter(chain_key=DISTRICT_CATALOGUE_CHAIN).count() == 1


def test_rerun_updates_a_changed_row_by_code(geography, tmp_path):
    run_import(write_csv(tmp_path, "06,0604,060401,Mejicanos\n"))

    output = run_import(write_csv(tmp_path, "06,0603,060401,Ilopango\n", name="v2.csv"))

    assert "0 creados, 1 actualizados, 0 sin cambios" in output
    assert stored_districts() == [("060401", "Ilopango", "0603")]


def test_a_bad_row_imports_nothing_and_names_its_line(geography, tmp_path):
    # Given a file whose third line points at a municipality that does not exist
    path = write_csv(
        tmp_path,
        "06,0604,060401,Mejicanos\n06,9999,999901,Inventado\n06,0604,060402,San Salvador\n",
    )

    # When it is imported, then the command fails listing the bad line in Spanish
    with pytest.raises(CommandError) as error:
        run_import(path)

    assert str(error.value).splitlines() == [
        "No se importó ningún distrito: el archivo tiene errores.",
        "Línea 3: el municipio «9999» no existe.",
    ]
    # and not even the good rows were written
    assert District.objects.count() == 0
    assert not AuditEvent.objects.filter(chain_key=DISTRICT_CATALOGUE_CHAIN).exists()


def test_a_bad_row_leaves_an_existing_catalogue_untouched(geography, tmp_path):
    run_import(write_csv(tmp_path, "06,0604,060401,Mejicanos\n"))
    path = write_csv(
        tmp_path, "06,0604,060401,Renombrado\n06,9999,999901,Inventado\n", name="bad.csv"
    )

    with pytest.raises(CommandError):
        run_import(path)

    assert stored_districts() == [("060401", "Mejicanos", "0604")]


def test_every_problem_is_reported_with_its_line(geography, tmp_path):
    path = write_csv(
        tmp_path,
        "05,0604,060401,Mejicanos\n"  # line 2: municipality 0604 is in department 06
        "06,0604,6041,Corto\n"  # line 3: code not 6 digits
        "06,0604,060402,\n"  # line 4: no name
        "06,0604,060403,Mejicanos\n"  # line 5: same name as line 2 in that municipality
        "06,0604,060401,Otro\n",  # line 6: same code as line 2
    )

    with pytest.raises(CommandError) as error:
        run_import(path)

    assert str(error.value).splitlines()[1:] == [
        "Línea 3: el código de distrito «6041» debe tener 6 dígitos.",
        "Línea 4: falta el nombre del distrito.",
        "Línea 5: el distrito «Mejicanos» ya aparece en la línea 2.",
        "Línea 6: el código «060401» ya aparece en la línea 2.",
    ]
    assert District.objects.count() == 0


def test_department_mismatch_is_reported(geography, tmp_path):
    path = write_csv(tmp_path, "05,0604,060401,Mejicanos\n")

    with pytest.raises(CommandError) as error:
        run_import(path)

    assert str(error.value).splitlines()[1:] == [
        "Línea 2: el municipio «0604» pertenece al departamento «06», no al «05».",
    ]
    assert District.objects.count() == 0


def test_a_name_taken_by_another_stored_district_is_reported(geography, tmp_path):
    run_import(write_csv(tmp_path, "06,0604,060401,Mejicanos\n"))

    with pytest.raises(CommandError) as error:
        run_import(write_csv(tmp_path, "06,0604,060499,Mejicanos\n", name="dup.csv"))

    assert str(error.value).splitlines()[1:] == [
        "Línea 2: ya existe el distrito «Mejicanos» en ese municipio (código 060401).",
    ]
    assert stored_districts() == [("060401", "Mejicanos", "0604")]


def test_missing_columns_and_missing_file_are_reported(geography, tmp_path):
    bad_header = tmp_path / "sin_columnas.csv"
    bad_header.write_text("codigo,nombre\n060401,Mejicanos\n", encoding="utf-8")

    with pytest.raises(CommandError) as error:
        run_import(bad_header)
    assert "Línea 1: faltan las columnas municipality_code, code, name." in str(error.value)

    with pytest.raises(CommandError) as error:
        run_import(tmp_path / "no_existe.csv")
    assert "No se encontró el archivo" in str(error.value)
    assert District.objects.count() == 0


def test_default_file_imports_the_262_shipped_districts(geography):
    out = StringIO()

    call_command("import_districts", stdout=out)

    assert "262 creados, 0 actualizados, 0 sin cambios" in out.getvalue()
    assert District.objects.count() == 262
    assert District.objects.values("municipality").distinct().count() == 44
    assert District.objects.get(name="Santa Tecla").municipality.name == "La Libertad Sur"
