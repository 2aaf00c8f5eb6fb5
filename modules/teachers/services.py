"""Every write to teachers, appointments, subject assignments, the timetable and registered
leave: keyword-only, atomic, audited (docs/architecture.md §5).

``actor=None`` is the system (demo data, the bulk importer); a person acting must hold a
``WRITE_ROLES`` grant covering the school, else 404 (they cannot see it either).
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from core.accounts.models import Person
from core.accounts.scopes import covers, grants_with_roles
from core.audit.services import audit_record
from core.exceptions import Conflict
from core.parsers import plain_int
from modules.schools.models import School, Section, Subject

from .choices import MAX_PERIOD, CorrectableField, Weekday
from .models import (
    Appointment,
    Degree,
    Leave,
    LeaveType,
    SubjectAssignment,
    Teacher,
    TimetableSlot,
    Training,
)
from .selectors import WRITE_ROLES

TEACHER_FIELDS = ("nip", "specialty", "escalafon_level", "escalafon_category")


def _check_school(actor: Any, school: School, roles: tuple[str, ...] = WRITE_ROLES) -> None:
    """404 unless the system acts or ``actor`` holds a write grant covering ``school``."""
    if actor is None:
        return
    department_id = (
        school.municipality.department_id
        if "municipality" in school._state.fields_cache
        else School.objects.filter(pk=school.pk)
        .values_list("municipality__department_id", flat=True)
        .first()
    )
    for grant in grants_with_roles(actor, roles):
        if covers(
            grant,
            department_id=department_id,
            municipality_id=school.municipality_id,
            school_id=school.pk,
        ):
            return
    raise Http404


def _clean(instance: Any, exclude: list[str] | None = None) -> None:
    instance.full_clean(exclude=exclude, validate_constraints=False)


# --- Teachers -----------------------------------------------------------------------------------


@transaction.atomic
def teacher_create(
    *,
    actor: Any = None,
    person: Person,
    nip: str,
    escalafon_level: str,
    escalafon_category: int,
    specialty: str = "",
) -> Teacher:
    """Give ``person`` the teacher facet."""
    if Teacher.objects.filter(person=person).exists():
        raise ValidationError(_("Esta persona ya está registrada como docente."))
    nip = (nip or "").strip()
    if Teacher.objects.filter(nip=nip).exists():
        raise ValidationError({"nip": _("Ya existe un docente con el NIP %(nip)s.") % {"nip": nip}})
    teacher = Teacher(
        person=person,
        nip=nip,
        specialty=specialty.strip(),
        escalafon_level=escalafon_level,
        escalafon_category=escalafon_category,
    )
    _clean(teacher, exclude=["person"])
    teacher.save()
    audit_record(
        action="teacher.created",
        obj=teacher,
        actor=actor,
        payload={"person_id": person.pk, "nip": nip},
    )
    return teacher


def _teacher_values(teacher: Teacher) -> dict[str, Any]:
    return {name: getattr(teacher, name) for name in TEACHER_FIELDS}


@transaction.atomic
def teacher_update(
    *,
    actor: Any = None,
    teacher: Teacher,
    reason: str = "",
    role: str = "",
    scope: str = "",
    payload: dict[str, Any] | None = None,
    **changes: Any,
) -> Teacher:
    """Change fields of a teacher's record, audited with the values before and after.

    The row is locked first, so two changes of the same record each record the true before.
    Raises ``ValidationError`` for a bad value (nothing changes).
    """
    unknown = set(changes) - set(TEACHER_FIELDS)
    if unknown:
        raise ValueError(f"teacher_update cannot change {sorted(unknown)!r}")
    locked = Teacher.objects.select_for_update().get(pk=teacher.pk)
    before = _teacher_values(locked)
    for name, value in changes.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    changed = [name for name in TEACHER_FIELDS if getattr(locked, name) != before[name]]
    if not changed:
        return locked
    _clean(locked, exclude=["person"])
    if "nip" in changed and Teacher.objects.filter(nip=locked.nip).exclude(pk=locked.pk).exists():
        raise ValidationError(
            {"nip": _("Ya existe un docente con el NIP %(nip)s.") % {"nip": locked.nip}}
        )
    locked.save(update_fields=changed)
    audit_record(
        action="teacher.updated",
        obj=locked,
        actor=actor,
        role=role,
        scope=scope,
        payload={
            "before": {name: before[name] for name in changed},
            "after": {name: getattr(locked, name) for name in changed},
            "reason": reason,
            **(payload or {}),
        },
    )
    for name in changed:
        setattr(teacher, name, getattr(locked, name))
    return teacher


def teacher_field_value(field: str, text: str) -> Any:
    """A requested value for a correctable field, typed and checked, or ``ValidationError``."""
    text = " ".join((text or "").split())
    if field == CorrectableField.ESCALAFON_CATEGORY:
        category = plain_int(text)
        if category is None or not 1 <= category <= 6:
            raise ValidationError(_("La categoría del escalafón es un número del 1 al 6."))
        return category
    if field == CorrectableField.ESCALAFON_LEVEL:
        if text not in ("1", "2"):
            raise ValidationError(_("El nivel del escalafón es 1 o 2."))
        return text
    if field == CorrectableField.NIP:
        if not (text.isascii() and text.isdigit()) or not 5 <= len(text) <= 10:
            raise ValidationError(_("El NIP tiene de 5 a 10 dígitos, sin guiones ni espacios."))
        return text
    if field == CorrectableField.SPECIALTY:
        if not text or len(text) > 120:
            raise ValidationError(_("Escriba la especialidad (hasta 120 caracteres)."))
        return text
    raise ValidationError(_("Ese dato del expediente no se corrige por este trámite."))


@transaction.atomic
def degree_add(
    *, actor: Any = None, teacher: Teacher, kind: str, title: str, institution: str, year: int
) -> Degree:
    degree = Degree(teacher=teacher, kind=kind, title=title, institution=institution, year=year)
    _clean(degree, exclude=["teacher"])
    degree.save()
    audit_record(
        action="teacher.degree_added",
        obj=teacher,
        actor=actor,
        payload={"degree_id": degree.pk, "title": title, "year": year},
    )
    return degree


@transaction.atomic
def training_add(
    *,
    actor: Any = None,
    teacher: Teacher,
    name: str,
    hours: int,
    start_date: date,
    end_date: date,
    provider: str = "",
) -> Training:
    if end_date < start_date:
        raise ValidationError({"end_date": _("La fecha final no puede ser anterior a la inicial.")})
    training = Training(
        teacher=teacher,
        name=name,
        provider=provider,
        hours=hours,
        start_date=start_date,
        end_date=end_date,
    )
    _clean(training, exclude=["teacher"])
    if training.hours <= 0:
        raise ValidationError({"hours": _("Las horas deben ser más que cero.")})
    training.save()
    audit_record(
        action="teacher.training_added",
        obj=teacher,
        actor=actor,
        payload={"training_id": training.pk, "name": name, "hours": hours},
    )
    return training


# --- Appointments -------------------------------------------------------------------------------


@transaction.atomic
def appointment_create(
    *,
    actor: Any = None,
    teacher: Teacher,
    school: School,
    position: str,
    shift: str,
    contract_type: str,
    funding: str,
    start_date: date,
    end_date: date | None = None,
) -> Appointment:
    _check_school(actor, school)
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": _("La fecha final no puede ser anterior a la inicial.")})
    appointment = Appointment(
        teacher=teacher,
        school=school,
        position=position,
        shift=shift,
        contract_type=contract_type,
        funding=funding,
        start_date=start_date,
        end_date=end_date,
    )
    _clean(appointment, exclude=["teacher", "school"])
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("Ese nombramiento ya está registrado con la misma fecha de inicio.")
        ) from exc
    audit_record(
        action="appointment.created",
        obj=teacher,
        actor=actor,
        payload={
            "appointment_id": appointment.pk,
            "school": school.code,
            "position": position,
            "shift": shift,
            "contract_type": contract_type,
            "funding": funding,
            "start_date": start_date,
            "end_date": end_date,
        },
    )
    return appointment


@transaction.atomic
def teacher_upsert(
    *,
    actor: Any = None,
    person: Person,
    nip: str,
    escalafon_level: str,
    escalafon_category: int,
    specialty: str = "",
    school: School | None = None,
    position: str = "",
    shift: str = "",
    contract_type: str = "",
    funding: str = "",
    start_date: date | None = None,
    end_date: date | None = None,
) -> tuple[Teacher, bool]:
    """Create or update the teacher with this NIP and, when ``school`` is given, make sure the
    appointment exists: for the bulk importer. Returns ``(teacher, changed)``; running it twice
    with the same values changes nothing the second time (no audit event either).

    A NIP already held by another person is refused (``ValidationError``), never reassigned.
    """
    nip = (nip or "").strip()
    changed = False
    teacher = Teacher.objects.filter(nip=nip).first()
    if teacher is None:
        teacher = teacher_create(
            actor=actor,
            person=person,
            nip=nip,
            escalafon_level=escalafon_level,
            escalafon_category=escalafon_category,
            specialty=specialty,
        )
        changed = True
    else:
        if teacher.person_id != person.pk:
            raise ValidationError(
                {"nip": _("El NIP %(nip)s pertenece a otra persona.") % {"nip": nip}}
            )
        before = _teacher_values(teacher)
        teacher_update(
            actor=actor,
            teacher=teacher,
            specialty=specialty,
            escalafon_level=escalafon_level,
            escalafon_category=escalafon_category,
            reason=_("Importación"),
        )
        changed = before != _teacher_values(teacher)
    if school is not None:
        if start_date is None:
            raise ValidationError({"start_date": _("Indique la fecha de inicio del nombramiento.")})
        existing = Appointment.objects.filter(
            teacher=teacher, school=school, position=position, shift=shift, start_date=start_date
        ).first()
        if existing is None:
            appointment_create(
                actor=actor,
                teacher=teacher,
                school=school,
                position=position,
                shift=shift,
                contract_type=contract_type,
                funding=funding,
                start_date=start_date,
                end_date=end_date,
            )
            changed = True
        elif (existing.contract_type, existing.funding, existing.end_date) != (
            contract_type,
            funding,
            end_date,
        ):
            _check_school(actor, school)
            before = {
                "contract_type": existing.contract_type,
                "funding": existing.funding,
                "end_date": existing.end_date,
            }
            existing.contract_type, existing.funding, existing.end_date = (
                contract_type,
                funding,
                end_date,
            )
            _clean(existing, exclude=["teacher", "school"])
            existing.save(update_fields=["contract_type", "funding", "end_date"])
            audit_record(
                action="appointment.updated",
                obj=teacher,
                actor=actor,
                payload={
                    "appointment_id": existing.pk,
                    "before": before,
                    "after": {
                        "contract_type": contract_type,
                        "funding": funding,
                        "end_date": end_date,
                    },
                },
            )
            changed = True
    return teacher, changed


# --- Subject assignments and the timetable ------------------------------------------------------


@transaction.atomic
def assignment_set(
    *, actor: Any = None, section: Section, subject: Subject, teacher: Teacher
) -> SubjectAssignment:
    """Give ``subject`` of ``section`` to ``teacher`` (replacing whoever taught it).

    The subject must come from the section's study plan, and the teacher must hold an
    appointment at the section's school in force today or at the start of the year.
    """
    _check_school(actor, section.school)
    if section.study_plan_id is None or subject.plan_id != section.study_plan_id:
        raise ValidationError(
            {"subject": _("La asignatura no pertenece al plan de estudio de la sección.")}
        )
    if not Appointment.objects.filter(teacher=teacher, school_id=section.school_id).exists():
        raise ValidationError(
            {"teacher": _("El docente no tiene nombramiento en el centro educativo de la sección.")}
        )
    existing = SubjectAssignment.objects.select_for_update().filter(
        section=section, subject=subject
    )
    current = existing.first()
    if current is not None and current.teacher_id == teacher.pk:
        return current
    if current is not None:
        previous = current.teacher_id
        current.teacher = teacher
        current.save(update_fields=["teacher"])
        # The periods already planned move to the new teacher, under the same clash rule.
        for slot in current.slots.all():
            _slot_save(slot, teacher=teacher)
        assignment = current
    else:
        previous = None
        assignment = SubjectAssignment.objects.create(
            section=section, subject=subject, teacher=teacher, school_year_id=section.school_year_id
        )
    audit_record(
        action="assignment.set",
        obj=teacher,
        actor=actor,
        payload={
            "assignment_id": assignment.pk,
            "section_id": section.pk,
            "subject": subject.code,
            "previous_teacher_id": previous,
        },
    )
    return assignment


def _clash_message(teacher: Teacher, weekday: int, period: int, other: TimetableSlot) -> str:
    return _(
        "%(teacher)s ya tiene clase el %(day)s en la hora %(period)s (%(grade)s %(section)s, "
        "%(school)s): un docente no puede estar en dos lugares a la vez."
    ) % {
        "teacher": teacher.person.full_name,
        "day": Weekday(weekday).label.lower(),
        "period": period,
        "grade": other.section.grade.name,
        "section": other.section.name,
        "school": other.section.school.name,
    }


def _slot_save(slot: TimetableSlot, *, teacher: Teacher | None = None) -> TimetableSlot:
    """Save ``slot`` (optionally for another teacher); a clash is a ``Conflict`` with a Spanish
    reason, checked first and enforced again by the unique constraints for racing saves."""
    if teacher is not None:
        slot.teacher = teacher
    clash = (
        TimetableSlot.objects.select_related("section__grade", "section__school")
        .filter(
            teacher_id=slot.teacher_id,
            school_year_id=slot.school_year_id,
            shift=slot.shift,
            weekday=slot.weekday,
            period=slot.period,
        )
        .exclude(pk=slot.pk)
        .first()
    )
    if clash is not None:
        raise Conflict(
            _clash_message(slot.teacher, slot.weekday, slot.period, clash), code="timetable_clash"
        )
    busy = (
        TimetableSlot.objects.filter(
            section_id=slot.section_id, weekday=slot.weekday, period=slot.period
        )
        .exclude(pk=slot.pk)
        .exists()
    )
    if busy:
        raise Conflict(_section_busy_message(slot), code="timetable_section_busy")
    try:
        with transaction.atomic():
            if slot.pk is None:
                slot.save()
            else:
                slot.save(update_fields=["teacher"])
    except IntegrityError as exc:
        # Another save won the race between the check and the insert.
        raise Conflict(
            _(
                "Otra persona acaba de ocupar esa hora del horario de %(teacher)s o de la "
                "sección: un docente no puede estar en dos lugares a la vez. Recargue el "
                "horario."
            )
            % {"teacher": slot.teacher.person.full_name},
            code="timetable_clash",
        ) from exc
    return slot


def _section_busy_message(slot: TimetableSlot) -> str:
    return _("La sección ya tiene otra clase el %(day)s en la hora %(period)s.") % {
        "day": Weekday(slot.weekday).label.lower(),
        "period": slot.period,
    }


@transaction.atomic
def timetable_slot_add(
    *, actor: Any = None, assignment: SubjectAssignment, weekday: int, period: int
) -> TimetableSlot:
    """Put one period of ``assignment`` in the week. Refused with a clear message when the
    teacher already teaches elsewhere then, or the section already has a class then."""
    section = Section.objects.select_related("school", "grade").get(pk=assignment.section_id)
    _check_school(actor, section.school)
    if weekday not in Weekday.values:
        raise ValidationError({"weekday": _("El día debe ser de 1 (lunes) a 7 (domingo).")})
    if not 1 <= period <= MAX_PERIOD:
        raise ValidationError(
            {"period": _("La hora clase debe ser de 1 a %(max)d.") % {"max": MAX_PERIOD}}
        )
    teacher = Teacher.objects.select_related("person").get(pk=assignment.teacher_id)
    slot = TimetableSlot(
        assignment=assignment,
        teacher=teacher,
        section=section,
        school_year_id=section.school_year_id,
        shift=section.shift,
        weekday=weekday,
        period=period,
    )
    _slot_save(slot)
    audit_record(
        action="timetable.slot_added",
        obj=section,
        actor=actor,
        payload={
            "slot_id": slot.pk,
            "teacher_id": teacher.pk,
            "subject_id": assignment.subject_id,
            "weekday": weekday,
            "period": period,
        },
    )
    return slot


@transaction.atomic
def timetable_slot_remove(*, actor: Any = None, slot: TimetableSlot) -> None:
    section = Section.objects.select_related("school").get(pk=slot.section_id)
    _check_school(actor, section.school)
    payload = {
        "slot_id": slot.pk,
        "teacher_id": slot.teacher_id,
        "weekday": slot.weekday,
        "period": slot.period,
    }
    slot.delete()
    audit_record(action="timetable.slot_removed", obj=section, actor=actor, payload=payload)


# --- Leave --------------------------------------------------------------------------------------


@transaction.atomic
def leave_register(
    *,
    actor: Any = None,
    teacher: Teacher,
    school: School,
    leave_type: LeaveType,
    start_date: date,
    end_date: date,
    process_id: int | None = None,
    role: str = "",
    scope: str = "",
) -> Leave:
    """Record approved leave on the teacher's record (the HR officer's registration step)."""
    if end_date < start_date:
        raise ValidationError({"end_date": _("La fecha final no puede ser anterior a la inicial.")})
    if not Appointment.objects.filter(teacher=teacher, school=school).exists():
        raise ValidationError(_("El docente no tiene nombramiento en ese centro educativo."))
    if process_id is not None and Leave.objects.filter(process_id=process_id).exists():
        raise Conflict(_("Esta licencia ya fue registrada."), code="leave_registered")
    leave = Leave.objects.create(
        teacher=teacher,
        school=school,
        leave_type=leave_type,
        start_date=start_date,
        end_date=end_date,
        process_id=process_id,
    )
    audit_record(
        action="leave.registered",
        obj=teacher,
        actor=actor,
        role=role,
        scope=scope,
        payload={
            "leave_id": leave.pk,
            "type": leave_type.code,
            "start_date": start_date,
            "end_date": end_date,
            "process_id": process_id,
        },
    )
    return leave
