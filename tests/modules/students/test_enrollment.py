"""Enrollment (matrícula): each transition and its guards, the one-current-enrollment
constraint, transfers and scoped writes."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from core.audit.models import AuditEvent
from core.exceptions import Conflict
from core.workflow import transition
from modules.students.choices import EnrollmentStatus as S
from modules.students.models import Enrollment
from modules.students.services import (
    enrollment_annul,
    enrollment_close,
    enrollment_confirm,
    enrollment_create,
    enrollment_transfer,
    enrollment_withdraw,
)

pytestmark = pytest.mark.django_db


def _statuses(student):
    return list(
        Enrollment.objects.filter(student=student).order_by("pk").values_list("status", flat=True)
    )


def test_a_director_enrolls_a_student_provisionally_then_confirms(campus, make_student):
    student = make_student()
    director = campus["director"]

    enrollment = enrollment_create(
        actor=director, student=student, section=campus["first_a"], provisional=True
    )
    assert enrollment.status == S.PROVISIONAL
    assert (enrollment.school_id, enrollment.school_year_id) == (campus["almendros"].pk, 2026)

    enrollment_confirm(actor=director, enrollment=enrollment)

    enrollment.refresh_from_db()
    assert enrollment.status == S.ACTIVE
    actions = list(
        AuditEvent.objects.filter(chain_key=f"students.enrollment:{enrollment.pk}")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["enrollment.created", "enrollment.confirm"]


def test_the_status_cannot_be_assigned_directly(campus, make_student):
    enrollment = enrollment_create(
        actor=campus["director"], student=make_student(), section=campus["first_a"]
    )
    with pytest.raises(AttributeError):
        enrollment.status = S.PROMOTED


def test_a_second_current_enrollment_in_the_same_year_is_refused(campus, make_student):
    student = make_student()
    enrollment_create(actor=campus["director"], student=student, section=campus["first_a"])

    with pytest.raises(Conflict) as info:
        enrollment_create(actor=campus["director"], student=student, section=campus["first_b"])

    assert info.value.reason == "El estudiante ya tiene una matrícula vigente en el año 2026."
    assert _statuses(student) == [S.ACTIVE]


def test_the_database_itself_refuses_two_current_enrollments(campus, make_student):
    # Given an active enrollment (made by the service)
    student = make_student()
    first = enrollment_create(actor=campus["director"], student=student, section=campus["first_a"])

    # When a second current row is written past the services
    duplicate = Enrollment(
        student=student,
        section=campus["first_b"],
        school=campus["almendros"],
        school_year_id=2026,
        enrolled_on=first.enrolled_on,
    )
    # Then the partial unique constraint refuses it, on SQLite and PostgreSQL alike
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    assert Enrollment.objects.filter(student=student).count() == 1


def test_an_ended_enrollment_frees_the_year_for_a_new_one(campus, make_student):
    student = make_student()
    first = enrollment_create(actor=campus["director"], student=student, section=campus["first_a"])
    enrollment_annul(actor=campus["director"], enrollment=first, note="Sección equivocada")

    enrollment_create(actor=campus["director"], student=student, section=campus["first_b"])

    assert _statuses(student) == [S.ANNULLED, S.ACTIVE]


def test_a_full_section_refuses_one_more(campus, make_student):
    director = campus["director"]
    for _ in range(3):  # capacity of first_a is 3
        enrollment_create(actor=director, student=make_student(), section=campus["first_a"])
    late = make_student()

    with pytest.raises(Conflict) as info:
        enrollment_create(actor=director, student=late, section=campus["first_a"])

    assert info.value.code == "section_full"
    assert not Enrollment.objects.filter(student=late).exists()


def test_withdrawal_needs_a_dropout_motive_and_records_it(campus, make_student):
    director = campus["director"]
    enrollment = enrollment_create(
        actor=director, student=make_student(), section=campus["first_a"]
    )

    with pytest.raises(ValidationError):
        enrollment_withdraw(actor=director, enrollment=enrollment, motive="02")  # a transfer
    enrollment.refresh_from_db()
    assert enrollment.status == S.ACTIVE

    today = timezone.localdate()
    enrollment_withdraw(actor=director, enrollment=enrollment, motive="06", on=today, note="x")

    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.withdrawal_motive.code, enrollment.ended_on) == (
        S.WITHDRAWN,
        "06",
        today,
    )


def test_a_withdrawal_date_cannot_be_future(campus, make_student):
    director = campus["director"]
    enrollment = enrollment_create(
        actor=director, student=make_student(), section=campus["first_a"]
    )

    with pytest.raises(ValidationError):
        enrollment_withdraw(
            actor=director,
            enrollment=enrollment,
            motive="06",
            on=timezone.localdate() + timedelta(days=1),
        )

    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.withdrawal_motive_id) == (S.ACTIVE, None)


def test_a_withdrawn_enrollment_cannot_be_withdrawn_again(campus, make_student):
    director = campus["director"]
    enrollment = enrollment_create(
        actor=director, student=make_student(), section=campus["first_a"]
    )
    enrollment_withdraw(actor=director, enrollment=enrollment, motive="06")

    with pytest.raises(Conflict) as info:
        enrollment_withdraw(actor=director, enrollment=enrollment, motive="06")

    assert info.value.code == "transition_not_allowed"


def test_a_section_change_ends_the_old_enrollment_and_starts_a_new_one(campus, make_student):
    director = campus["director"]
    student = make_student()
    old = enrollment_create(actor=director, student=student, section=campus["first_a"])

    new = enrollment_transfer(
        actor=director, enrollment=old, to_section=campus["first_b"], motive="22"
    )

    old.refresh_from_db()
    assert (old.status, old.withdrawal_motive.code) == (S.TRANSFERRED, "22")
    assert (new.status, new.section_id, new.previous_id) == (
        S.ACTIVE,
        campus["first_b"].pk,
        old.pk,
    )


def test_a_transfer_to_another_school_is_made_by_the_receiving_director(campus, make_student):
    student = make_student()
    old = enrollment_create(actor=campus["director"], student=student, section=campus["first_a"])

    new = enrollment_transfer(
        actor=campus["laureles_director"],
        enrollment=old,
        to_section=campus["laureles_first"],
        motive="01",
    )

    assert _statuses(student) == [S.TRANSFERRED, S.ACTIVE]
    assert new.school_id == campus["laureles"].pk


def test_a_transfer_motive_must_match_the_move(campus, make_student):
    director = campus["director"]
    old = enrollment_create(actor=director, student=make_student(), section=campus["first_a"])

    # a transfer motive inside the same school, and a dropout motive
    for motive in ("01", "06"):
        with pytest.raises(ValidationError):
            enrollment_transfer(
                actor=director, enrollment=old, to_section=campus["first_b"], motive=motive
            )

    assert _statuses(old.student) == [S.ACTIVE]


def test_closing_the_year_promotes_or_holds_back_and_a_repeater_is_marked(campus, make_student):
    director = campus["director"]
    passed, failed = make_student(), make_student()
    promoted = enrollment_create(actor=director, student=passed, section=campus["first_a"])
    held = enrollment_create(actor=director, student=failed, section=campus["first_a"])

    enrollment_close(actor=director, enrollment=promoted, promoted=True)
    enrollment_close(actor=director, enrollment=held, promoted=False)
    assert _statuses(passed) == [S.PROMOTED]
    assert _statuses(failed) == [S.NOT_PROMOTED]

    # When the student who failed enrolls in the same grade the next year
    from modules.schools.services import school_year_create, section_create

    school_year_create(year=2027, start_date=date(2027, 2, 1), end_date=date(2027, 11, 12))
    next_first = section_create(
        school=campus["almendros"], school_year=2027, grade="G1", name="A", shift="matutino"
    )
    again = enrollment_create(actor=director, student=failed, section=next_first)

    # Then the new enrollment is flagged and the old one records the repetition
    assert again.is_repeater is True
    assert _statuses(failed) == [S.REPEATER, S.ACTIVE]


def test_promotion_is_only_possible_from_an_active_enrollment(campus, make_student):
    director = campus["director"]
    enrollment = enrollment_create(
        actor=director, student=make_student(), section=campus["first_a"], provisional=True
    )

    with pytest.raises(Conflict):
        enrollment_close(actor=director, enrollment=enrollment, promoted=True)

    enrollment.refresh_from_db()
    assert enrollment.status == S.PROVISIONAL


def test_an_anonymous_actor_cannot_fire_a_transition(campus, make_student):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    enrollment = enrollment_create(
        actor=campus["director"], student=make_student(), section=campus["first_a"]
    )

    with pytest.raises(PermissionDenied):
        transition(
            actor=AnonymousUser(), obj=enrollment, name="annul", on=timezone.localdate(), note="x"
        )

    enrollment.refresh_from_db()
    assert enrollment.status == S.ACTIVE


@pytest.mark.parametrize("who", ["laureles_director", "teacher", "officer"])
def test_writes_outside_the_directors_school_answer_404_and_change_nothing(
    campus, make_student, who
):
    enrollment = enrollment_create(
        actor=campus["director"], student=make_student(), section=campus["first_a"]
    )
    outsider, newcomer = campus[who], make_student()
    events = AuditEvent.objects.count()

    with pytest.raises(Http404):
        enrollment_withdraw(actor=outsider, enrollment=enrollment, motive="06")
    with pytest.raises(Http404):
        enrollment_create(actor=outsider, student=newcomer, section=campus["first_b"])

    enrollment.refresh_from_db()
    assert enrollment.status == S.ACTIVE
    assert Enrollment.objects.count() == 1
    assert AuditEvent.objects.count() == events
