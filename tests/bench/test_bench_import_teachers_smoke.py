"""The teachers import benchmark works end to end at a tiny size (PostgreSQL only), and running
it twice starts from a clean slate."""

import pytest

from bench.import_teachers import import_teachers
from core.imports.models import ImportJob
from modules.teachers.models import Appointment, Teacher

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def geography():
    from modules.schools.geography import geography_upsert
    from modules.schools.models import Department, Municipality

    geography_upsert(Department, Municipality)


def test_import_teachers_bench_times_each_phase(geography, capsys):
    import_teachers(60)
    import_teachers(60)

    printed = capsys.readouterr().out
    assert printed.count("  importación ") == 2
    assert printed.count("reimportación") == 2
    assert "sin cambios 60" in printed
    assert Teacher.objects.filter(nip__startswith="9").count() == 60
    assert Appointment.objects.count() == 60
    assert ImportJob.objects.filter(kind="teachers", status="done").count() == 4
