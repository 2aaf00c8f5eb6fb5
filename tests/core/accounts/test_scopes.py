"""Role scopes (core/accounts/scopes.py): what each kind of grant lets an actor reach."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from core.accounts.choices import Role, ScopeKind
from core.accounts.models import Person, RoleGrant
from core.accounts.scopes import (
    ScopePaths,
    active_grants,
    active_roles,
    covers,
    forget_grants,
    get_in_scope_or_404,
    has_role,
    load_grant_targets,
    scope_filter,
)
from core.accounts.services import role_grant
from modules.schools.models import School, Section
from tests.factories import (
    DepartmentFactory,
    MunicipalityFactory,
    PersonFactory,
    SchoolFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

SCHOOL_PATHS = ScopePaths(
    department="municipality__department",
    municipality="municipality",
    school="pk",
)
SECTION_PATHS = ScopePaths(
    department="school__municipality__department",
    municipality="school__municipality",
    school="school",
    section="pk",
)
PERSON_PATHS = ScopePaths(person="pk")
ROLES = [Role.DIRECTOR, Role.DEPARTMENTAL_OFFICER, Role.TEACHER, Role.GUARDIAN, Role.AUDITOR]


@pytest.fixture
def world():
    """Two departments, each with one municipality, one school and one section."""
    dep_a = DepartmentFactory(code="81", name="Departamento A")
    dep_b = DepartmentFactory(code="82", name="Departamento B")
    mun_a = MunicipalityFactory(department=dep_a)
    mun_b = MunicipalityFactory(department=dep_b)
    school_a = SchoolFactory(municipality=mun_a)
    school_b = SchoolFactory(municipality=mun_b)
    return {
        "dep_a": dep_a,
        "mun_a": mun_a,
        "school_a": school_a,
        "school_b": school_b,
        "section_a": SectionFactory(school=school_a),
        "section_b": SectionFactory(school=school_b),
    }


def _schools(user) -> set[int]:
    return set(
        scope_filter(
            user, School.objects.filter(code__startswith="T"), roles=ROLES, paths=SCHOOL_PATHS
        ).values_list("pk", flat=True)
    )


def _sections(user) -> set[int]:
    return set(
        scope_filter(user, Section.objects.all(), roles=ROLES, paths=SECTION_PATHS).values_list(
            "pk", flat=True
        )
    )


def test_national_grant_sees_everything(make_user, world):
    auditor = make_user(role=Role.AUDITOR)

    assert _schools(auditor) == {world["school_a"].pk, world["school_b"].pk}
    assert _sections(auditor) == {world["section_a"].pk, world["section_b"].pk}


def test_department_grant_covers_schools_and_sections_inside_it(make_user, world):
    officer = make_user(
        role=Role.DEPARTMENTAL_OFFICER, scope_kind=ScopeKind.DEPARTMENT, target=world["dep_a"]
    )

    assert _schools(officer) == {world["school_a"].pk}
    assert _sections(officer) == {world["section_a"].pk}


def test_municipality_grant(make_user, world):
    officer = make_user(
        role=Role.DEPARTMENTAL_OFFICER, scope_kind=ScopeKind.MUNICIPALITY, target=world["mun_a"]
    )

    assert _schools(officer) == {world["school_a"].pk}
    assert _sections(officer) == {world["section_a"].pk}


def test_school_grant(make_user, world):
    director = make_user(role=Role.DIRECTOR, scope_kind=ScopeKind.SCHOOL, target=world["school_b"])

    assert _schools(director) == {world["school_b"].pk}
    assert _sections(director) == {world["section_b"].pk}


def test_section_grant_reaches_only_its_section(make_user, world):
    teacher = make_user(role=Role.TEACHER, scope_kind=ScopeKind.SECTION, target=world["section_a"])

    assert _sections(teacher) == {world["section_a"].pk}
    assert _schools(teacher) == set()  # the school paths have no way to a section


def test_person_grant_reaches_only_that_person(make_user):
    child, stranger = PersonFactory(), PersonFactory()
    guardian = make_user(role=Role.GUARDIAN, scope_kind=ScopeKind.PERSON, target=child)

    reachable = scope_filter(
        guardian, Person.objects.all(), roles=[Role.GUARDIAN], paths=PERSON_PATHS
    )

    assert list(reachable) == [child]
    assert stranger not in reachable


def test_grants_of_other_roles_do_not_count(make_user, world):
    director = make_user(role=Role.DIRECTOR, scope_kind=ScopeKind.SCHOOL, target=world["school_a"])

    only_teachers = scope_filter(
        director, School.objects.all(), roles=[Role.TEACHER], paths=SCHOOL_PATHS
    )

    assert list(only_teachers) == []


def test_several_grants_add_up(make_user, world):
    director = make_user(role=Role.DIRECTOR, scope_kind=ScopeKind.SCHOOL, target=world["school_a"])
    role_grant(
        user=director, role=Role.DIRECTOR, scope_kind=ScopeKind.SCHOOL, target=world["school_b"]
    )

    assert _schools(director) == {world["school_a"].pk, world["school_b"].pk}


def test_expired_and_future_grants_are_ignored(make_user, world):
    today = timezone.localdate()
    user = make_user()
    role_grant(
        user=user,
        role=Role.DIRECTOR,
        scope_kind=ScopeKind.SCHOOL,
        target=world["school_a"],
        valid_from=today - datetime.timedelta(days=60),
        valid_until=today - datetime.timedelta(days=1),
    )
    role_grant(
        user=user,
        role=Role.DIRECTOR,
        scope_kind=ScopeKind.SCHOOL,
        target=world["school_b"],
        valid_from=today + datetime.timedelta(days=1),
    )

    assert active_grants(user) == []
    assert _schools(user) == set()
    assert has_role(user, [Role.DIRECTOR]) is False


def test_grant_ending_today_is_still_in_force(make_user, world):
    today = timezone.localdate()
    user = make_user()
    role_grant(
        user=user,
        role=Role.DIRECTOR,
        scope_kind=ScopeKind.SCHOOL,
        target=world["school_a"],
        valid_from=today - datetime.timedelta(days=10),
        valid_until=today,
    )

    assert _schools(user) == {world["school_a"].pk}


def test_user_without_grants_sees_nothing(make_user, world):
    nobody = make_user()

    assert _schools(nobody) == set()
    assert _sections(nobody) == set()
    assert active_roles(nobody) == frozenset()


def test_inactive_user_has_no_grants(make_user, world):
    auditor = make_user(role=Role.AUDITOR)
    auditor.is_active = False

    assert active_grants(auditor) == []
    assert _schools(auditor) == set()


def test_get_in_scope_or_404(make_user, world):
    director = make_user(role=Role.DIRECTOR, scope_kind=ScopeKind.SCHOOL, target=world["school_a"])

    found = get_in_scope_or_404(
        director, School.objects.all(), roles=ROLES, paths=SCHOOL_PATHS, pk=world["school_a"].pk
    )
    assert found == world["school_a"]
    with pytest.raises(Http404):
        get_in_scope_or_404(
            director,
            School.objects.all(),
            roles=ROLES,
            paths=SCHOOL_PATHS,
            pk=world["school_b"].pk,
        )


def test_active_grants_are_cached_per_user_object(make_user, world, django_assert_num_queries):
    director = make_user(role=Role.DIRECTOR, scope_kind=ScopeKind.SCHOOL, target=world["school_a"])
    forget_grants(director)

    with django_assert_num_queries(1):  # one query, without the targets, then the cache
        grants = active_grants(director)
        active_grants(director)
        assert [grant.school_id for grant in grants] == [world["school_a"].pk]
    # The targets, when a page names them: one query per kind of target.
    with django_assert_num_queries(1):
        labels = [grant.scope_label for grant in load_grant_targets(grants)]

    assert labels == [f"Centro educativo: {world['school_a']}"]


def test_covers_matches_ids_without_queries(make_user, world):
    officer = make_user(
        role=Role.DEPARTMENTAL_OFFICER, scope_kind=ScopeKind.DEPARTMENT, target=world["dep_a"]
    )
    grant = active_grants(officer)[0]

    assert covers(grant, department_id=world["dep_a"].pk) is True
    assert covers(grant, school_id=world["school_a"].pk) is False  # needs the department id
    assert covers(grant) is False


def test_check_constraint_rejects_a_school_grant_without_a_school(make_user):
    user = make_user()

    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(user=user, role=Role.DIRECTOR, scope_kind=ScopeKind.SCHOOL)

    assert not RoleGrant.objects.filter(user=user).exists()


def test_check_constraint_rejects_a_national_grant_with_a_target(make_user, world):
    user = make_user()

    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(
            user=user, role=Role.AUDITOR, scope_kind=ScopeKind.NATIONAL, school=world["school_a"]
        )


def test_check_constraint_rejects_an_end_before_the_start(make_user):
    user = make_user()
    today = timezone.localdate()

    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(
            user=user,
            role=Role.AUDITOR,
            scope_kind=ScopeKind.NATIONAL,
            valid_from=today,
            valid_until=today - datetime.timedelta(days=1),
        )


def test_scope_label_and_key(make_user, world):
    long_school = SchoolFactory(name="Complejo Educativo " + "Profesor Ejemplar " * 10)
    director = make_user(role=Role.DIRECTOR, scope_kind=ScopeKind.SCHOOL, target=long_school)
    grant = active_grants(director)[0]
    bare = RoleGrant.objects.get(pk=grant.pk)  # target not loaded

    assert grant.scope_key == f"school:{long_school.pk}"
    assert len(grant.scope_label) == 80  # fits AuditEvent.scope
    assert grant.scope_label.startswith(f"Centro educativo: {long_school.code} Complejo Educativo")
    assert grant.scope_label.endswith("…")
    # A target not loaded is read: the label names it all the same (audit events keep it).
    assert bare.scope_label == grant.scope_label
    national = active_grants(make_user(role=Role.AUDITOR))[0]
    assert (national.scope_key, national.scope_label) == ("national", "Nacional")
