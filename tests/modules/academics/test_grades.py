"""The grade grid: validation against numeric and conceptual scales, all or nothing, audited."""

from decimal import Decimal

import pytest
from django.db import connection

from core.accounts.choices import Role
from core.audit.models import AuditEvent
from modules.academics.models import GradeEntry
from modules.academics.selectors import section_get
from modules.academics.services import grades_save
from tests.factories import create_user

from .conftest import enroll, make_section

pytestmark = pytest.mark.django_db

# On PostgreSQL an audit append takes the chain's advisory lock with the read of its head (one
# round trip for both) and, holding it, inserts without a savepoint (two fewer): two queries
# fewer than elsewhere.
AUDIT_ON_POSTGRESQL = -2 * int(connection.vendor == "postgresql")


def _plan(section):
    plan = section.study_plan
    return list(plan.subjects.all()), list(plan.periods.all())


def _grades():
    return sorted(GradeEntry.objects.values_list("enrollment_id", "period_id", "score", "concept"))


def test_numeric_grades_are_saved_with_the_scale_precision(section, teacher):
    (student,) = enroll(section, 1)
    (math, *_), (first, second, third) = _plan(section)

    result = grades_save(
        actor=teacher,
        section=section,
        subject_id=math.pk,
        cells={
            (student.pk, first.pk): "7,5",
            (student.pk, second.pk): "10",
            (student.pk, third.pk): "",
        },
    )

    assert (result.ok, result.created, result.updated) == (True, 2, 0)
    assert _grades() == [
        (student.pk, first.pk, Decimal("7.50"), ""),
        (student.pk, second.pk, Decimal("10.00"), ""),
    ]
    event = AuditEvent.objects.get(action="grades.saved")
    assert event.payload["changes"] == [
        {"enrollment": student.pk, "period": first.pk, "before": None, "after": "7.5"},
        {"enrollment": student.pk, "period": second.pk, "before": None, "after": "10.0"},
    ]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("10.5", "La calificación debe estar entre 0 y 10."),
        ("-1", "La calificación debe estar entre 0 y 10."),
        ("siete", "«siete» no es un número."),
        ("NaN", "«NaN» no es un número."),
    ],
)
def test_an_invalid_numeric_grade_saves_nothing_and_says_why(section, teacher, typed, message):
    first_student, second_student = enroll(section, 2)
    (math, *_), (first, *_) = _plan(section)
    grades_save(
        actor=teacher,
        section=section,
        subject_id=math.pk,
        cells={(first_student.pk, first.pk): "6"},
    )
    before = _grades()

    result = grades_save(
        actor=teacher,
        section=section,
        subject_id=math.pk,
        cells={(first_student.pk, first.pk): "8", (second_student.pk, first.pk): typed},
    )

    assert result.ok is False
    assert result.errors == {(second_student.pk, first.pk): message}
    assert _grades() == before


def test_a_typed_grade_is_rounded_to_the_scale_precision_with_its_rounding_mode(section, teacher):
    (student,) = enroll(section, 1)
    (math, *_), (first, second, _third) = _plan(section)

    grades_save(
        actor=teacher,
        section=section,
        subject_id=math.pk,
        cells={(student.pk, first.pk): "7.25", (student.pk, second.pk): "4,94"},
    )

    assert _grades() == [
        (student.pk, first.pk, Decimal("7.30"), ""),
        (student.pk, second.pk, Decimal("4.90"), ""),
    ]


def test_a_conceptual_scale_takes_its_concept_codes(db):
    section = make_section(grade_code="P4")
    teacher = create_user(role=Role.TEACHER, scope_kind="section", target=section)
    first_child, second_child = enroll(section, 2)
    (subject, *_), (first, *_) = _plan(section)

    result = grades_save(
        actor=teacher,
        section=section,
        subject_id=subject.pk,
        cells={(first_child.pk, first.pk): "lh", (second_child.pk, first.pk): "EP"},
    )

    assert result.ok is True
    assert _grades() == [
        (first_child.pk, first.pk, None, "LH"),
        (second_child.pk, first.pk, None, "EP"),
    ]


def test_a_number_on_a_conceptual_scale_is_refused(db):
    section = make_section(grade_code="P4")
    teacher = create_user(role=Role.TEACHER, scope_kind="section", target=section)
    (child,) = enroll(section, 1)
    (subject, *_), (first, *_) = _plan(section)

    result = grades_save(
        actor=teacher, section=section, subject_id=subject.pk, cells={(child.pk, first.pk): "8"}
    )

    assert result.errors == {(child.pk, first.pk): "Use uno de estos conceptos: EX, LH, EP, NL."}
    assert _grades() == []


@pytest.mark.parametrize("size", [10, 45])
def test_saving_a_grid_costs_the_same_at_any_size(
    section, teacher, size, django_assert_num_queries
):
    students = enroll(section, size)
    (math, *_), periods = _plan(section)
    cells = {(student.pk, period.pk): "8" for student in students for period in periods}
    section = section_get(teacher, section.pk)  # as the page reads it: with plan, scale, closing

    # subjects, periods, scale concepts, students (4) · stored grades, locked (1) · one INSERT
    # for every cell (1) · audit: head, savepoint, insert, release (4) · the service's savepoint
    # and release (2, only inside the test's transaction)
    with django_assert_num_queries(12 + AUDIT_ON_POSTGRESQL):
        result = grades_save(actor=teacher, section=section, subject_id=math.pk, cells=cells)

    assert result.created == size * len(periods)
