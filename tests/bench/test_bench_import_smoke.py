"""The import benchmark works end to end at a tiny size (PostgreSQL only: the benchmark refuses
other databases), and running it twice starts from a clean slate."""

import pytest

from bench.imports import NIE_BASE, ImportBenchOptions, import_students
from core.imports.models import ImportJob
from modules.students.models import Enrollment, Student

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def geography():
    from modules.schools.geography import geography_upsert
    from modules.schools.models import Department, Municipality

    geography_upsert(Department, Municipality)


def test_import_students_bench_times_each_phase(geography, capsys):
    import_students(ImportBenchOptions(rows=90))
    import_students(ImportBenchOptions(rows=90))

    printed = capsys.readouterr().out
    assert printed.count("  importación ") == 2
    assert printed.count("reimportación") == 2
    assert "sin cambios 90" in printed
    assert Student.objects.filter(nie__gt=NIE_BASE).count() == 90
    assert Enrollment.objects.filter(status="active").count() == 90
    assert ImportJob.objects.filter(status="done").count() == 4
