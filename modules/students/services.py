"""Every write to students, guardians and enrollments (audited; lifecycle through core.workflow).

NIEs come from ``nie_allocate``: a PostgreSQL sequence, or an atomically incremented counter row
on other databases. Enrollment state changes are django-fsm-2 transitions fired through
``core.workflow.transition``; the services check the actor's scope first (404 outside it).
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.choices import Role, ScopeKind
from core.accounts.models import Person, RoleGrant, User
from core.accounts.scopes import grants_with_roles
from core.accounts.services import person_create, role_grant
from core.audit.services import audit_record
from core.exceptions import Conflict
from core.workflow import transition
from modules.schools.models import Section

from .choices import CURRENT_STATUSES, EnrollmentStatus, MotiveKind
from .models import NIE_START, Enrollment, Guardian, NieCounter, Student, WithdrawalMotive
from .selectors import WRITE_ROLES, enrollment_scope

NIE_SEQUENCE = "students_nie_seq"


# --- NIE ------------------------------------------------------------------------------------


def nie_allocate() -> int:
    """The next NIE: never handed out twice, never reused after a delete (docs/domain.md §1)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [NIE_SEQUENCE])
            return int(cursor.fetchone()[0])
    with transaction.atomic():
        # The UPDATE takes the database's write lock first, so the read that follows sees the
        # value this transaction wrote and no one else's.
        updated = NieCounter.objects.filter(pk=1).update(last_value=F("last_value") + 1)
        if not updated:
            NieCounter.objects.create(pk=1, last_value=NIE_START)
            return NIE_START
        return NieCounter.objects.values_list("last_value", flat=True).get(pk=1)


def _check_imported_nie(nie: int) -> None:
    # Numbers from NIE_START up belong to the sequence: an import may not take them, or the
    # sequence would one day hand the same number out again.
    if not 0 < nie < NIE_START:
        raise ValidationError(
            {"nie": _("Un NIE importado debe ser un número positivo menor que 10000000.")}
        )
    if Student.objects.filter(nie=nie).exists():
        raise ValidationError(
            {"nie": _("Ya existe un estudiante con el NIE %(nie)s.") % {"nie": nie}}
        )


# --- Students and guardians -----------------------------------------------------------------


@transaction.atomic
def student_create(*, actor: Any = None, person: Person, nie: int | None = None) -> Student:
    """Give ``person`` the student facet with a new NIE (or ``nie`` from an older system)."""
    if Student.objects.filter(person=person).exists():
        raise ValidationError(_("Esta persona ya está registrada como estudiante."))
    if nie is not None:
        _check_imported_nie(nie)
    student = Student.objects.create(person=person, nie=nie if nie is not None else nie_allocate())
    audit_record(
        action="student.created",
        obj=student,
        actor=actor,
        payload={"person_id": person.pk, "imported_nie": nie is not None},
    )
    return student


@transaction.atomic
def student_register_child(
    *,
    actor: Any = None,
    first_names: str,
    last_names: str,
    birth_date: date,
    sex: str = "",
) -> Student:
    """A new person without DUI (a child) and their student facet."""
    if birth_date > timezone.localdate():
        raise ValidationError({"birth_date": _("La fecha de nacimiento no puede ser futura.")})
    person = person_create(
        first_names=first_names, last_names=last_names, birth_date=birth_date, sex=sex
    )
    return student_create(actor=actor, person=person)


@transaction.atomic
def guardian_link(
    *,
    actor: Any = None,
    student: Student,
    person: Person,
    relationship: str,
    is_primary: bool = False,
) -> Guardian:
    """Record ``person`` as a guardian of ``student``; if they have an account, give it the
    guardian grant over the student's person, which is what lets them see the child."""
    if person.pk == student.person_id:
        raise ValidationError(_("Un estudiante no puede ser su propio responsable."))
    if is_primary:
        Guardian.objects.filter(student=student, is_primary=True).update(is_primary=False)
    guardian, created = Guardian.objects.update_or_create(
        student=student,
        person=person,
        defaults={"relationship": relationship, "is_primary": is_primary},
    )
    user = User.objects.filter(person=person, is_active=True).first()
    if (
        user is not None
        and not RoleGrant.objects.filter(
            user=user, role=Role.GUARDIAN, scope_kind=ScopeKind.PERSON, person_id=student.person_id
        ).exists()
    ):
        role_grant(
            user=user,
            role=Role.GUARDIAN,
            scope_kind=ScopeKind.PERSON,
            target=student.person,
            granted_by=actor,
        )
    audit_record(
        action="guardian.linked" if created else "guardian.updated",
        obj=student,
        actor=actor,
        payload={"person_id": person.pk, "relationship": relationship, "is_primary": is_primary},
    )
    return guardian


# --- Enrollment -----------------------------------------------------------------------------


def _section_for_writer(actor: Any, section: Section) -> Section:
    """The section if ``actor`` may enroll into it (a director of its school), else 404."""
    for grant in grants_with_roles(actor, WRITE_ROLES):
        if grant.scope_kind == ScopeKind.NATIONAL or (
            grant.scope_kind == ScopeKind.SCHOOL and grant.school_id == section.school_id
        ):
            return section
    raise Http404


def _enrollment_for_writer(actor: Any, enrollment: Enrollment) -> Enrollment:
    if not enrollment_scope(actor, WRITE_ROLES).filter(pk=enrollment.pk).exists():
        raise Http404
    return enrollment


def _motive(motive: WithdrawalMotive | str) -> WithdrawalMotive:
    if isinstance(motive, WithdrawalMotive):
        return motive
    found = WithdrawalMotive.objects.filter(code=motive, is_active=True).first()
    if found is None:
        raise ValidationError({"motive": _("El motivo de retiro no existe.")})
    return found


def _create_enrollment(
    *,
    actor: Any,
    student: Student,
    section: Section,
    enrolled_on: date,
    previous: Enrollment | None,
) -> Enrollment:
    current = Enrollment.objects.filter(section=section, status__in=CURRENT_STATUSES).count()
    if current >= section.capacity:
        raise Conflict(
            _("La sección %(section)s ya tiene su cupo completo (%(capacity)s).")
            % {"section": section.name, "capacity": section.capacity},
            code="section_full",
        )
    held_back = (
        Enrollment.objects.filter(
            student=student,
            school_year_id__lt=section.school_year_id,
            section__grade_id=section.grade_id,
            status=EnrollmentStatus.NOT_PROMOTED,
        )
        .order_by("-school_year_id")
        .first()
    )
    enrollment = Enrollment(
        student=student,
        section=section,
        school_id=section.school_id,
        school_year_id=section.school_year_id,
        enrolled_on=enrolled_on,
        is_repeater=held_back is not None,
        previous=previous,
    )
    try:
        with transaction.atomic():
            enrollment.save()
    except IntegrityError as exc:
        raise Conflict(
            _("El estudiante ya tiene una matrícula vigente en el año %(year)s.")
            % {"year": section.school_year_id},
            code="already_enrolled",
        ) from exc
    audit_record(
        action="enrollment.created",
        obj=enrollment,
        actor=actor,
        to_state=enrollment.status,
        payload={
            "student_id": student.pk,
            "section_id": section.pk,
            "school_id": section.school_id,
            "school_year": section.school_year_id,
            "is_repeater": enrollment.is_repeater,
            "previous_id": previous.pk if previous else None,
        },
    )
    if held_back is not None:
        transition(actor=actor, obj=held_back, name="repeat", role=Role.DIRECTOR)
    return enrollment


@transaction.atomic
def enrollment_create(
    *,
    actor: Any,
    student: Student,
    section: Section,
    enrolled_on: date | None = None,
    provisional: bool = False,
) -> Enrollment:
    """Enroll ``student`` in ``section`` (provisional, or confirmed at once).

    Refused when the student already holds a current enrollment that year (the database's
    partial unique constraint decides, so two directors racing cannot both succeed) or the
    section is full.
    """
    _section_for_writer(actor, section)
    enrollment = _create_enrollment(
        actor=actor,
        student=student,
        section=section,
        enrolled_on=enrolled_on or timezone.localdate(),
        previous=None,
    )
    if not provisional:
        transition(actor=actor, obj=enrollment, name="confirm", role=Role.DIRECTOR)
    return enrollment


@transaction.atomic
def enrollment_confirm(*, actor: Any, enrollment: Enrollment) -> Enrollment:
    _enrollment_for_writer(actor, enrollment)
    return transition(actor=actor, obj=enrollment, name="confirm", role=Role.DIRECTOR)


@transaction.atomic
def enrollment_withdraw(
    *,
    actor: Any,
    enrollment: Enrollment,
    motive: WithdrawalMotive | str,
    on: date | None = None,
    note: str = "",
) -> Enrollment:
    """End an enrollment for a definitive-dropout motive (transfers use ``enrollment_transfer``)."""
    _enrollment_for_writer(actor, enrollment)
    motive = _motive(motive)
    if motive.kind != MotiveKind.DROPOUT:
        raise ValidationError(
            {"motive": _("Este motivo es de traslado o cambio de sección: use «Trasladar».")}
        )
    on = on or timezone.localdate()
    _check_end_date(enrollment, on)
    return transition(
        actor=actor,
        obj=enrollment,
        name="withdraw",
        role=Role.DIRECTOR,
        payload={"motive": motive.code},
        motive=motive,
        on=on,
        note=note.strip(),
    )


@transaction.atomic
def enrollment_transfer(
    *,
    actor: Any,
    enrollment: Enrollment,
    to_section: Section,
    motive: WithdrawalMotive | str,
    on: date | None = None,
    note: str = "",
) -> Enrollment:
    """Move a student to another section (same school) or school, in one operation: the old
    enrollment ends as transferred and a new one starts in ``to_section``. Returns the new one.

    The actor must be able to enroll into ``to_section`` (the receiving school's director);
    the origin enrollment may be in another school.
    """
    _section_for_writer(actor, to_section)
    motive = _motive(motive)
    if motive.kind == MotiveKind.DROPOUT:
        raise ValidationError(
            {"motive": _("Este motivo no es de traslado ni de cambio de sección.")}
        )
    same_school = to_section.school_id == enrollment.school_id
    if motive.kind == MotiveKind.SECTION_CHANGE and not same_school:
        raise ValidationError(
            {"to_section": _("Un cambio de sección debe ser a otra sección del mismo centro.")}
        )
    if motive.kind == MotiveKind.TRANSFER and same_school:
        raise ValidationError({"to_section": _("Un traslado debe ser a otro centro educativo.")})
    if to_section.pk == enrollment.section_id:
        raise ValidationError({"to_section": _("El estudiante ya está en esa sección.")})
    if to_section.school_year_id != enrollment.school_year_id:
        raise ValidationError({"to_section": _("La sección de destino es de otro año lectivo.")})
    on = on or timezone.localdate()
    _check_end_date(enrollment, on)
    # The origin may be outside the actor's scope (another school): the receiving director's
    # right to enroll into ``to_section`` is what authorises the whole move.
    transition(
        actor=actor,
        obj=enrollment,
        name="transfer",
        role=Role.DIRECTOR,
        payload={"motive": motive.code, "to_section_id": to_section.pk},
        motive=motive,
        on=on,
        note=note.strip(),
    )
    new = _create_enrollment(
        actor=actor,
        student=enrollment.student,
        section=to_section,
        enrolled_on=on,
        previous=enrollment,
    )
    return transition(actor=actor, obj=new, name="confirm", role=Role.DIRECTOR)


@transaction.atomic
def enrollment_annul(
    *, actor: Any, enrollment: Enrollment, note: str, on: date | None = None
) -> Enrollment:
    """Annul an enrollment made by mistake (a reason is required)."""
    _enrollment_for_writer(actor, enrollment)
    if not note.strip():
        raise ValidationError({"note": _("Indique por qué se anula la matrícula.")})
    return transition(
        actor=actor,
        obj=enrollment,
        name="annul",
        role=Role.DIRECTOR,
        on=on or timezone.localdate(),
        note=note.strip(),
    )


@transaction.atomic
def enrollment_close(*, actor: Any, enrollment: Enrollment, promoted: bool) -> Enrollment:
    """Close the year for one enrollment: promoted or not (the promotion rules decide)."""
    _enrollment_for_writer(actor, enrollment)
    return transition(
        actor=actor,
        obj=enrollment,
        name="promote" if promoted else "hold_back",
        role=Role.DIRECTOR,
    )


def _check_end_date(enrollment: Enrollment, on: date) -> None:
    if on < enrollment.enrolled_on:
        raise ValidationError({"on": _("La fecha no puede ser anterior a la matrícula.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("La fecha no puede ser futura.")})
