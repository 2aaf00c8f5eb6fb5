"""Closing a section's year: promotion with recovery, the conduct ledger, all or nothing."""

import pytest
from django.core.exceptions import PermissionDenied

from core.accounts.choices import Role
from core.audit.models import AuditEvent
from core.exceptions import Conflict
from modules.academics.models import SectionClosing, SubjectResult, YearResult
from modules.academics.services import (
    conduct_record,
    grades_save,
    recovery_record,
    section_year_close,
)
from modules.students.models import Enrollment
from modules.students.selectors import academic_record
from tests.factories import create_user

from .conftest import enroll, make_section

pytestmark = pytest.mark.django_db


def _fill(section, teacher, marks_by_student):
    """Grade every subject and period; ``marks_by_student[i]`` maps subject position → mark."""
    subjects = list(section.study_plan.subjects.all())
    periods = list(section.study_plan.periods.all())
    students = list(
        Enrollment.objects.filter(section=section).order_by("pk").values_list("pk", flat=True)
    )
    for subject in subjects:
        cells = {}
        for index, enrollment_id in enumerate(students):
            mark = marks_by_student.get(index, {}).get(subject.position, "8")
            cells.update({(enrollment_id, period.pk): mark for period in periods})
        assert grades_save(actor=teacher, section=section, subject_id=subject.pk, cells=cells).ok
    return subjects


def _state():
    return (
        list(Enrollment.objects.order_by("pk").values_list("pk", "status")),
        SectionClosing.objects.count(),
        YearResult.objects.count(),
        SubjectResult.objects.count(),
    )


@pytest.fixture
def media(db):
    section = make_section(grade_code="BG1")
    teacher = create_user(role=Role.TEACHER, scope_kind="section", target=section)
    director = create_user(role=Role.DIRECTOR, scope_kind="school", target=section.school)
    return section, teacher, director


def test_closing_promotes_and_holds_back_through_the_enrollment_lifecycle(media):
    section, teacher, director = media
    passing, failing, misbehaving = enroll(section, 3)
    _fill(section, teacher, {1: {1: "3", 2: "4", 3: "2"}})
    conduct_record(actor=teacher, enrollment=misbehaving, demerits=10, reason="Agresión")
    conduct_record(actor=teacher, enrollment=misbehaving, demerits=5, reason="Reincidencia")

    closing = section_year_close(actor=director, section=section)

    assert (closing.promoted, closing.not_promoted) == (1, 2)
    assert dict(Enrollment.objects.values_list("pk", "status")) == {
        passing.pk: "promoted",
        failing.pk: "not_promoted",
        misbehaving.pk: "not_promoted",
    }
    assert YearResult.objects.get(enrollment=failing).reasons == ["Reprobó 3 asignatura(s)."]
    assert YearResult.objects.get(enrollment=misbehaving).reasons == [
        "Acumula 15 deméritos de conducta (límite: 15)."
    ]
    assert SubjectResult.objects.filter(enrollment=failing, passed=False).count() == 3
    assert AuditEvent.objects.filter(action="section.year_closed").count() == 1
    assert sorted(
        AuditEvent.objects.filter(
            object_type="students.enrollment", to_state__in=["promoted", "not_promoted"]
        ).values_list("object_id", "to_state")
    ) == sorted(
        [
            (str(passing.pk), "promoted"),
            (str(failing.pk), "not_promoted"),
            (str(misbehaving.pk), "not_promoted"),
        ]
    )


def test_media_general_recovery_of_two_failed_subjects_promotes(media):
    section, teacher, director = media
    (student,) = enroll(section, 1)
    subjects = _fill(section, teacher, {0: {1: "4", 2: "5"}})

    recovery_record(actor=teacher, enrollment=student, subject_id=subjects[0].pk, text="7")
    recovery_record(actor=teacher, enrollment=student, subject_id=subjects[1].pk, text="6")
    section_year_close(actor=director, section=section)

    student.refresh_from_db()
    assert student.status == "promoted"
    assert list(
        SubjectResult.objects.filter(enrollment=student, recovery_score__isnull=False)
        .order_by("subject__position")
        .values_list("final_score", "recovery_score", "passed")
    ) == [(4, 7, True), (5, 6, True)]


def test_recovery_is_refused_beyond_two_failed_subjects_in_general(media):
    section, teacher, _director = media
    (student,) = enroll(section, 1)
    subjects = _fill(section, teacher, {0: {1: "4", 2: "4", 3: "4"}})

    with pytest.raises(Conflict) as refused:
        recovery_record(actor=teacher, enrollment=student, subject_id=subjects[0].pk, text="9")

    assert refused.value.reason == (
        "El estudiante reprobó 3 asignatura(s); la recuperación se permite hasta 2."
    )


def test_technical_track_allows_recovery_of_three(db):
    section = make_section(grade_code="BT1")
    teacher = create_user(role=Role.TEACHER, scope_kind="section", target=section)
    director = create_user(role=Role.DIRECTOR, scope_kind="school", target=section.school)
    (student,) = enroll(section, 1)
    subjects = _fill(section, teacher, {0: {1: "4", 2: "4", 3: "4"}})

    for subject in subjects[:3]:
        recovery_record(actor=teacher, enrollment=student, subject_id=subject.pk, text="6")
    section_year_close(actor=director, section=section)

    student.refresh_from_db()
    assert student.status == "promoted"


def test_missing_grades_refuse_the_whole_closing(media):
    section, teacher, director = media
    enroll(section, 2)
    _fill(section, teacher, {})
    (late,) = enroll(section, 1)
    before = _state()

    with pytest.raises(Conflict) as refused:
        section_year_close(actor=director, section=section)

    assert refused.value.code == "grades_missing"
    assert late.pk in dict(before[0])
    assert _state() == before
    assert not AuditEvent.objects.filter(action="section.year_closed").exists()


def test_a_teacher_may_not_close_and_a_closed_year_is_read_only(media):
    section, teacher, director = media
    (student,) = enroll(section, 1)
    subjects = _fill(section, teacher, {})
    before = _state()

    with pytest.raises(PermissionDenied):
        section_year_close(actor=teacher, section=section)
    assert _state() == before

    section_year_close(actor=director, section=section)
    with pytest.raises(Conflict) as again:
        section_year_close(actor=director, section=section)
    assert again.value.code == "section_closed"
    with pytest.raises(Conflict):
        grades_save(
            actor=teacher,
            section=section,
            subject_id=subjects[0].pk,
            cells={(student.pk, section.study_plan.periods.first().pk): "2"},
        )


def test_the_academic_record_shows_the_closed_year(media):
    section, teacher, director = media
    (student,) = enroll(section, 1)
    _fill(section, teacher, {0: {1: "5"}})
    section_year_close(actor=director, section=section)

    record = academic_record(director, student_id=student.student_id)

    (year,) = record.years
    results = year.extras["results"]
    assert results["outcome"] == "not_promoted"
    assert results["subjects"][0] == {
        "subject": "Lenguaje y Literatura",
        "final": "5.00",
        "recovery": None,
        "passed": False,
    }
    assert len(results["subjects"]) == 7
