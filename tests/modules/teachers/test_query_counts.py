"""A school's staff page and a teacher's timetable cost a fixed number of queries whatever the
size of the staff or of the week (asserted at two sizes)."""

import pytest
from django.urls import reverse

from core.accounts.choices import Role
from modules.teachers.selectors import school_staff, teacher_timetable
from tests.factories import create_user

from .conftest import assign, fill_timetable, make_section, make_teacher

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("staff_size", [2, 12])
def test_staff_page_queries_do_not_grow_with_the_staff(
    client, django_assert_num_queries, school, section, staff_size
):
    teachers = [make_teacher(school) for _ in range(staff_size)]
    for index, teacher in enumerate(teachers[:4]):
        assign(section, teacher, index)
    director = create_user(role=Role.DIRECTOR, scope_kind="school", target=school)
    client.force_login(director)
    url = reverse("teachers:school", args=[school.pk])
    client.get(url)  # warm the session and the shell's caches

    # 6: user (the session comes from the cache), grants, the school in scope, the
    # appointments in force (leave today as subqueries), the teachers per level, and the
    # shell's unread notifications count.
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["staff"].rows) == staff_size


@pytest.mark.parametrize("staff_size", [3, 30])
def test_school_staff_selector_is_two_queries(django_assert_num_queries, school, staff_size):
    for _ in range(staff_size):
        make_teacher(school)
    # the appointments in force (with leave today as subqueries), the teachers per level
    with django_assert_num_queries(2):
        staff = school_staff(school=school)
    assert len(staff.rows) == staff_size


@pytest.mark.parametrize("periods", [3, 25])
def test_teacher_timetable_is_one_query(django_assert_num_queries, school, periods):
    teacher = make_teacher(school)
    fill_timetable(make_section(school=school), teacher, periods)
    # the periods with their section, grade, school, subject and teacher joined in
    with django_assert_num_queries(1):
        slots = teacher_timetable(teacher=teacher, school_year=2026)
    assert len(slots) == periods
    assert {slot.assignment.subject.name for slot in slots}


@pytest.mark.parametrize("periods", [3, 25])
def test_teacher_timetable_page_queries_do_not_grow(
    client, django_assert_num_queries, school, periods
):
    teacher = make_teacher(school)
    fill_timetable(make_section(school=school), teacher, periods)
    director = create_user(role=Role.DIRECTOR, scope_kind="school", target=school)
    client.force_login(director)
    url = reverse("teachers:timetable", args=[teacher.pk])
    client.get(url)

    # 6: user (the session comes from the cache), grants, the teacher in scope, the current
    # school year, the periods (one query, everything joined), and the shell's unread
    # notifications count.
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.status_code == 200
