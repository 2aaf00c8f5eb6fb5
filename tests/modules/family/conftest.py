"""The family module's small world: a section with a homeroom teacher and its director, two
enrolled children (the guardian's and a classmate), and staff who must not reach them."""

import pytest

from core.accounts.choices import Role
from modules.students.services import guardian_link
from tests.factories import create_user
from tests.modules.academics.conftest import enroll, make_section


def guardian_of(*enrollments):
    guardian = create_user(role=Role.CITIZEN)
    for enrollment in enrollments:
        guardian_link(student=enrollment.student, person=guardian.person, relationship="mother")
    guardian.refresh_from_db()
    return guardian


@pytest.fixture
def section(db):
    return make_section()


@pytest.fixture
def teacher(section):
    user = create_user(role=Role.TEACHER, scope_kind="section", target=section)
    section.homeroom_teacher = user.person
    section.save(update_fields=["homeroom_teacher"])
    return user


@pytest.fixture
def director(section):
    return create_user(role=Role.DIRECTOR, scope_kind="school", target=section.school)


@pytest.fixture
def pupils(section, director):
    return enroll(section, 2)


@pytest.fixture
def child(pupils):
    return pupils[0]


@pytest.fixture
def guardian(child):
    return guardian_of(child)


@pytest.fixture
def other_teacher(section):
    """A teacher of another section of the same school."""
    other = make_section(school=section.school, name="B")
    user = create_user(role=Role.TEACHER, scope_kind="section", target=other)
    other.homeroom_teacher = user.person
    other.save(update_fields=["homeroom_teacher"])
    return user


@pytest.fixture
def subject_teacher(section):
    """A teacher of the same section who is not its homeroom teacher."""
    return create_user(role=Role.TEACHER, scope_kind="section", target=section)
