"""Every write to people, accounts and role grants."""

from datetime import date
from typing import Any

from django.db import transaction

from core.audit.services import audit_record

from .choices import ScopeKind
from .dui import normalize_dui
from .models import Person, RoleGrant, User
from .scopes import forget_grants


@transaction.atomic
def person_create(
    *,
    first_names: str,
    last_names: str,
    dui: str | None = None,
    birth_date: date | None = None,
    sex: str = "",
    email: str = "",
    phone: str = "",
) -> Person:
    person = Person(
        dui=normalize_dui(dui) if dui else None,
        first_names=first_names.strip(),
        last_names=last_names.strip(),
        birth_date=birth_date,
        sex=sex,
        email=email.strip().lower(),
        phone=phone,
    )
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def user_create(
    *,
    dui: str,
    password: str | None,
    person: Person | None = None,
    first_names: str = "",
    last_names: str = "",
    email: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
    actor: User | None = None,
    **person_fields: Any,
) -> User:
    """Create the account of a person (creating the person when there is none)."""
    dui = normalize_dui(dui)
    if person is None:
        person = Person.objects.filter(dui=dui).first() or person_create(
            dui=dui, first_names=first_names, last_names=last_names, email=email, **person_fields
        )
    user = User(person=person, dui=dui, is_staff=is_staff, is_superuser=is_superuser)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(action="account.created", obj=user, actor=actor, to_state="active")
    return user


@transaction.atomic
def role_grant(
    *,
    user: User,
    role: str,
    scope_kind: str = ScopeKind.NATIONAL,
    target: Any = None,
    granted_by: User | None = None,
    valid_until: date | None = None,
) -> RoleGrant:
    """Give ``user`` ``role`` over ``target`` (a Department, Municipality, School, Section or
    Person matching ``scope_kind``; nothing for a national grant)."""
    grant = RoleGrant(
        user=user, role=role, scope_kind=scope_kind, granted_by=granted_by, valid_until=valid_until
    )
    if scope_kind != ScopeKind.NATIONAL:
        setattr(grant, scope_kind, target)
    grant.full_clean()
    grant.save()
    forget_grants(user)
    audit_record(
        action="role.granted",
        obj=user,
        actor=granted_by,
        payload={"grant_id": grant.pk, "role": role, "scope_kind": scope_kind,
                 "target_id": grant.scope_target_id},
    )
    return grant
