"""Writes to the school registry go through services that validate and audit."""

import pytest
from django.core.exceptions import ValidationError

from core.audit.models import AuditEvent
from modules.schools.models import School, Section
from modules.schools.services import school_update, section_create, section_update


def test_school_create_saves_and_audits(make_school, district, make_user):
    admin = make_user(role="administrator")

    school = make_school(
        code="10001",
        name="  Centro Escolar Uno ",
        district=district,
        actor=admin,
        phone="2222-0000",
    )

    stored = School.objects.get(code="10001")
    assert stored.pk == school.pk
    assert stored.name == "Centro Escolar Uno"
    assert stored.district == district
    event = AuditEvent.objects.get(chain_key=f"schools.school:{school.pk}")
    assert (event.action, event.actor_id, event.to_state) == ("school.created", admin.pk, "active")
    assert event.payload["code"] == "10001"
    assert event.payload["district"] == district.pk


def test_school_create_refuses_a_district_of_another_municipality(make_school, geography, district):
    with pytest.raises(ValidationError) as error:
        make_school(municipality=geography["ll_sur"], district=district)

    assert error.value.message_dict == {
        "district": ["El distrito no pertenece al municipio del centro educativo."]
    }
    assert School.objects.count() == 0
    assert not AuditEvent.objects.filter(action="school.created").exists()


def test_school_create_refuses_a_duplicate_code(make_school):
    make_school(code="10001")

    with pytest.raises(ValidationError) as error:
        make_school(code="10001", name="Otro")

    assert list(error.value.message_dict) == ["code"]
    assert School.objects.count() == 1


def test_school_update_records_before_and_after(make_school):
    school = make_school(name="Nombre viejo")

    school_update(school=school, name="Nombre nuevo", is_active=False, zone="urban")

    school.refresh_from_db()
    assert (school.name, school.is_active) == ("Nombre nuevo", False)
    event = AuditEvent.objects.filter(chain_key=f"schools.school:{school.pk}").latest("seq")
    assert event.action == "school.updated"
    assert (event.from_state, event.to_state) == ("active", "inactive")
    assert event.payload == {
        "before": {"name": "Nombre viejo", "is_active": True},
        "after": {"name": "Nombre nuevo", "is_active": False},
    }


def test_school_update_without_changes_writes_nothing(make_school):
    school = make_school(name="Igual")

    school_update(school=school, name="Igual")

    assert AuditEvent.objects.filter(chain_key=f"schools.school:{school.pk}").count() == 1


def test_school_update_refuses_attaching_a_school_to_itself(make_school):
    school = make_school()

    with pytest.raises(ValidationError):
        school_update(school=school, attached_to=school)

    school.refresh_from_db()
    assert school.attached_to_id is None
    assert AuditEvent.objects.filter(chain_key=f"schools.school:{school.pk}").count() == 1


def test_school_update_cannot_change_the_code(make_school):
    school = make_school(code="10001")

    with pytest.raises(TypeError):
        school_update(school=school, code="99999")

    assert School.objects.get(pk=school.pk).code == "10001"


def test_section_create_and_update_are_audited(make_school):
    school = make_school()

    section = section_create(
        school=school, school_year=2026, grade="1.º grado", name="A", shift="matutino"
    )
    section_update(section=section, shift="vespertino")

    section.refresh_from_db()
    assert (section.school_year_id, section.grade.code, section.shift, section.regimen) == (
        2026,
        "G1",
        "vespertino",
        "weekdays",
    )
    actions = list(
        AuditEvent.objects.filter(chain_key=f"schools.section:{section.pk}")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["section.created", "section.updated"]


def test_section_create_refuses_a_duplicate(make_school):
    school = make_school()
    section_create(school=school, school_year=2026, grade="1.º grado", name="A", shift="matutino")

    with pytest.raises(ValidationError):
        section_create(
            school=school, school_year=2026, grade="1.º grado", name="A", shift="matutino"
        )

    assert Section.objects.count() == 1


def test_database_refuses_a_school_attached_to_itself_even_without_the_service(make_school):
    from django.db import IntegrityError, transaction

    school = make_school()

    with pytest.raises(IntegrityError), transaction.atomic():
        School.objects.filter(pk=school.pk).update(attached_to=school.pk)

    assert School.objects.get(pk=school.pk).attached_to_id is None
