"""Two directors' clerks enrolling the same student at the same moment on PostgreSQL: the
partial unique constraint lets exactly one through. (SQLite serialises writers; the constraint
itself is tested on both databases in test_enrollment.py.)"""

import threading

import pytest
from django.db import connection

from core.accounts.models import User
from core.exceptions import Conflict
from modules.schools.models import Section
from modules.students.choices import EnrollmentStatus
from modules.students.models import Enrollment, Student
from modules.students.services import enrollment_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_enrollments_of_one_student_have_one_winner(campus, make_student):
    # Given one student and two sections of the school, each clerk with their own copies
    student = make_student()
    director = campus["director"]
    jobs = [
        (User.objects.get(pk=director.pk), Student.objects.get(pk=student.pk), section)
        for section in (
            Section.objects.get(pk=campus["first_a"].pk),
            Section.objects.get(pk=campus["first_b"].pk),
        )
    ]
    barrier = threading.Barrier(len(jobs))
    outcomes: list[object] = [None] * len(jobs)

    def run(index: int) -> None:
        actor, own_student, section = jobs[index]
        try:
            barrier.wait(timeout=30)
            outcomes[index] = enrollment_create(actor=actor, student=own_student, section=section)
        except Exception as exc:  # the assertions show anything unexpected
            outcomes[index] = exc
        finally:
            connection.close()

    # When both enroll at once
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Then one enrollment exists and the other clerk was told why
    winners = [o for o in outcomes if isinstance(o, Enrollment)]
    conflicts = [o for o in outcomes if isinstance(o, Conflict)]
    assert (len(winners), len(conflicts)) == (1, 1), outcomes
    assert conflicts[0].code == "already_enrolled"
    assert list(Enrollment.objects.filter(student=student).values_list("status", flat=True)) == [
        EnrollmentStatus.ACTIVE
    ]
