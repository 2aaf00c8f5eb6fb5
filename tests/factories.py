"""factory-boy factories that keep related objects consistent. Accounts go through services."""

import factory
from factory.django import DjangoModelFactory

from core.accounts.dui import dui_check_digit
from core.accounts.models import Person
from modules.schools.models import Department, Grade, Municipality, School, SchoolYear, Section
from tests.national_data import ensure_national_data


def make_dui(n: int) -> str:
    """A valid canonical DUI derived from a number (distinct numbers give distinct DUIs)."""
    body = f"{n % 100_000_000:08d}"
    return f"{body}-{dui_check_digit(body)}"


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{90 - n % 80:02d}")
    name = factory.LazyAttribute(lambda o: f"Departamento {o.code}")


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality

    department = factory.SubFactory(DepartmentFactory)
    code = factory.Sequence(lambda n: f"M{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Municipio {o.code}")


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    code = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"Centro Escolar de Prueba {n}")
    sector = "public"
    classification = "centro_escolar"
    zone = "urban"
    municipality = factory.SubFactory(MunicipalityFactory)


def _national(model, **lookup):
    ensure_national_data()
    return model.objects.get(**lookup)


class SectionFactory(DjangoModelFactory):
    class Meta:
        model = Section

    school = factory.SubFactory(SchoolFactory)
    school_year = factory.LazyFunction(lambda: _national(SchoolYear, pk=2026))
    grade = factory.LazyFunction(lambda: _national(Grade, code="G1"))
    name = factory.Sequence(lambda n: chr(ord("A") + n % 26))
    shift = "matutino"


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    dui = factory.Sequence(lambda n: make_dui(10_000_000 + n))
    first_names = factory.Faker("first_name", locale="es_MX")
    last_names = factory.Faker("last_name", locale="es_MX")
    email = factory.Sequence(lambda n: f"persona{n}@example.sv")


DEFAULT_PASSWORD = "clave-de-prueba-segura"


def create_user(
    *,
    role: str | None = None,
    scope_kind: str = "national",
    target=None,
    password: str = DEFAULT_PASSWORD,
    **person_fields,
):
    """A user created through the real services, optionally holding one role grant."""
    from core.accounts.services import role_grant, user_create

    person = PersonFactory(**person_fields)
    user = user_create(dui=person.dui, password=password, person=person)
    if role is not None:
        role_grant(user=user, role=role, scope_kind=scope_kind, target=target)
    return user
