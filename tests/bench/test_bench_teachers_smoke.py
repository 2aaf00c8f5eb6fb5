"""The teachers' benchmark generator and runner work end to end at a tiny scale (PostgreSQL only:
the generator streams rows with COPY), and the generated timetable keeps every constraint."""

import io

import pytest
from django.db.models import Count

from bench.academic import AcademicOptions, generate_academic
from bench.generate import BenchError
from bench.teachers import TeacherOptions, TeacherRunOptions, generate_teachers, run_teachers
from modules.schools.models import Section
from modules.teachers.models import Appointment, SubjectAssignment, Teacher, TimetableSlot

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TINY = 0.001  # 6 schools, 45 sections; 50 teachers


@pytest.fixture
def geography():
    from modules.schools.geography import geography_upsert
    from modules.schools.models import Department, Municipality

    geography_upsert(Department, Municipality)


def test_generate_then_run_one_pass(geography):
    generate_academic(AcademicOptions(scale=TINY, grades=False), out=io.StringIO())
    out = io.StringIO()

    report = generate_teachers(TeacherOptions(scale=TINY), out=out)

    sections = Section.objects.filter(study_plan__isnull=False).count()
    assert Teacher.objects.count() == report.counts["teachers"] == max(50, sections)
    assert Appointment.objects.count() == report.counts["appointments"]
    assert SubjectAssignment.objects.count() == report.counts["subject_assignments"] > sections
    assert TimetableSlot.objects.count() == report.counts["timetable_periods"] == sections * 25
    # Each slot's teacher is its assignment's; nobody is in two places at once.
    assert not TimetableSlot.objects.exclude(teacher_id=models_teacher_of_assignment()).exists()
    assert not (
        TimetableSlot.objects.values("teacher", "school_year", "shift", "weekday", "period")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .exists()
    )
    # Every homeroom teacher is appointed at the school of their section.
    assert not SubjectAssignment.objects.exclude(
        teacher__appointments__school_id=models_school_of_section()
    ).exists()
    assert "Done in" in out.getvalue()

    with pytest.raises(BenchError):
        generate_teachers(TeacherOptions(scale=TINY), out=io.StringIO())

    printed = io.StringIO()
    results = run_teachers(TeacherRunOptions(repeat=2, warmup=1), out=printed)
    assert [r.key for r in results] == ["staff_page", "teacher_timetable"]
    assert all(set(r.statuses) == {200} for r in results)
    assert all(r.queries_min == r.queries_max == 6 for r in results)  # the session from the cache


def models_teacher_of_assignment():
    from django.db.models import F

    return F("assignment__teacher_id")


def models_school_of_section():
    from django.db.models import F

    return F("section__school_id")
