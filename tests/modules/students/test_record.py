"""The academic record: a student's enrollments across years and schools, at a fixed number of
queries, with what other modules contribute per year."""

from datetime import date

import pytest

from core.accounts.models import User
from modules.schools.services import school_year_create, section_create
from modules.students import selectors
from modules.students.selectors import academic_record, register_record_contributor
from modules.students.services import enrollment_close, enrollment_create

pytestmark = pytest.mark.django_db


def _history(campus, student, years):
    """One promoted year per school year from 2026 on, moving up a grade each year."""
    grades = ["G1", "G2", "G3", "G4"]
    for offset in range(years):
        year = 2026 + offset
        if year != 2026:
            school_year_create(year=year, start_date=date(year, 2, 1), end_date=date(year, 11, 12))
        section = section_create(
            school=campus["almendros"],
            school_year=year,
            grade=grades[offset],
            name="R",
            shift="matutino",
        )
        enrollment = enrollment_create(actor=campus["director"], student=student, section=section)
        enrollment_close(actor=campus["director"], enrollment=enrollment, promoted=True)


@pytest.mark.parametrize("years", [1, 4])
def test_the_record_costs_the_same_queries_for_one_or_four_years(
    campus, make_student, years, django_assert_num_queries
):
    student = make_student()
    _history(campus, student, years)
    officer = User.objects.get(pk=campus["officer"].pk)

    # grants, the student (scope as a subquery), the enrollments with school, section and grade;
    # the closed years' results (modules.academics registers that contributor: one query)
    with django_assert_num_queries(4):
        record = academic_record(officer, student_id=student.pk)

    assert [(y.school_year, y.status) for y in record.years] == [
        (2026 + n, "promoted") for n in range(years)
    ]
    assert [y.grade for y in record.years] == ["1.º grado", "2.º grado", "3.º grado", "4.º grado"][
        :years
    ]


def test_a_contributor_adds_to_every_year(campus, make_student, monkeypatch):
    monkeypatch.setattr(selectors, "_RECORD_CONTRIBUTORS", {})
    student = make_student()
    _history(campus, student, 2)

    def grades(years):
        for year in years:
            year.extras["average"] = f"avg-{year.school_year}"

    register_record_contributor("grades", grades)
    record = academic_record(campus["director"], student_id=student.pk)

    assert [y.extras for y in record.years] == [{"average": "avg-2026"}, {"average": "avg-2027"}]


def test_the_record_of_a_student_outside_the_scope_is_a_404(campus, make_student):
    from django.http import Http404

    student = make_student()
    _history(campus, student, 1)

    with pytest.raises(Http404):
        academic_record(campus["other_officer"], student_id=student.pk)
