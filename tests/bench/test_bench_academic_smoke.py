"""The academic benchmark's generator and runner work end to end at a tiny scale (PostgreSQL
only: the generator streams rows with COPY)."""

import io

import pytest
from django.db.models import Count, Sum

from bench.academic import AcademicOptions, generate_academic
from bench.academic_run import AcademicRunOptions, run_academic
from bench.generate import BenchError
from modules.academics.models import AttendanceDay, AttendanceRecord, GradeEntry
from modules.schools.models import School, Section
from modules.students.models import Enrollment, Student

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# 1/1000 of the country: 6 schools, 45 sections, 1,300 students.
TINY = 0.001


@pytest.fixture
def geography():
    """A transactional test before this one may have flushed the departments and municipalities
    the migrations ship (tests/conftest.py puts back the national structure itself)."""
    from modules.schools.geography import geography_upsert
    from modules.schools.models import Department, Municipality

    geography_upsert(Department, Municipality)


def test_generate_then_run_one_pass(geography):
    out = io.StringIO()
    report = generate_academic(AcademicOptions(scale=TINY), out=out)

    # Every row is there and consistent: one current enrollment per student, in its school.
    generated = School.objects.filter(code__startswith="BA")
    assert generated.count() == report.counts["schools"] == 6
    assert Section.objects.filter(school__in=generated).count() == report.counts["sections"] == 45
    assert Student.objects.count() == report.counts["students"] == 1300
    assert Enrollment.objects.filter(status="active").count() == 1300
    assert not Enrollment.objects.exclude(school_id=models_school_of_section()).exists()
    assert Student.objects.order_by("nie").first().nie == 10_000_000
    # A month of attendance: each section-day header counts exactly its rows.
    days = AttendanceDay.objects.count()
    assert days == report.counts["attendance_days"] == 45 * len(_class_days())
    assert (
        AttendanceRecord.objects.count() == report.counts["attendance_rows"] == 1300 * (days // 45)
    )
    totals = AttendanceDay.objects.aggregate(p=Sum("present"), a=Sum("absent"), j=Sum("justified"))
    assert totals["p"] + totals["a"] + totals["j"] == report.counts["attendance_rows"]
    assert totals["j"] == AttendanceRecord.objects.filter(presence="justified").count()
    assert not AttendanceRecord.objects.filter(presence="justified", reason="").exists()
    assert GradeEntry.objects.count() == report.counts["grades"] > 1300
    # At least one section of exactly 45 students for the attendance benchmark.
    assert (
        Section.objects.annotate(n=Count("enrollments")).filter(n=45, school__in=generated).exists()
    )
    printed = out.getvalue()
    assert "PostgreSQL COPY" in printed
    assert "Done in" in printed
    assert report.attendance_rate > 0
    assert report.reference_rate > 0

    # When the runner makes one pass over every operation…
    table = io.StringIO()
    results = run_academic(AcademicRunOptions(repeat=1, warmup=0), out=table)

    # …each answered without error, and recording the attendance changed nothing.
    keys = {r.key for r in results}
    assert {"attendance_record", "grade_grid", "directory_search", "director_school"} <= keys
    for result in results:
        assert result.n == 1
        assert set(result.statuses) == {200}, (result.key, result.statuses)
        assert result.queries_min > 0
    # Four in the service: enrolled with the class day, the header, every row (3 on the data)
    # and the audit event starting the header's chain (1); no savepoint. Around them, the
    # rolled-back run's own BEGIN and ROLLBACK.
    assert (
        "4 queries in the service (3 on the data, 1 for the audit event, 0 other), "
        "plus the benchmark's own BEGIN and ROLLBACK (2)"
    ) in table.getvalue()
    assert AttendanceDay.objects.count() == days
    assert "| operation" in table.getvalue()
    assert "≈26,000 attendance rows" in table.getvalue()


def test_generate_refuses_a_database_already_generated(geography):
    generate_academic(AcademicOptions(scale=TINY, grades=False), out=io.StringIO())

    with pytest.raises(BenchError, match="ya tiene centros generados"):
        generate_academic(AcademicOptions(scale=TINY), out=io.StringIO())

    assert School.objects.filter(code__startswith="BA").count() == 6


def models_school_of_section():
    from django.db.models import OuterRef, Subquery

    return Subquery(Section.objects.filter(pk=OuterRef("section_id")).values("school_id")[:1])


def _class_days():
    from bench.academic import class_days
    from modules.schools.models import Calendar

    calendar = Calendar.objects.get(school_year_id=2026, school__isnull=True)
    return class_days(calendar, 2026, 2)
