"""Recording a section's attendance for one class day, in one operation (docs/domain.md §4)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.exceptions import Conflict
from modules.schools.calendars import is_class_day

from ..choices import AttendanceStatus
from ..models import AttendanceDay, AttendanceRecord
from ..selectors import enrollments_on
from .access import check_can_write, check_section_open


@dataclass(frozen=True)
class Mark:
    """A student who was not present: ``absent``, or ``justified`` with a reason."""

    status: str
    reason: str = ""


def _clean_marks(marks: Mapping[int, Mark], enrolled: Mapping[int, Any], day: date) -> None:
    errors: list[str] = []
    for enrollment_id, mark in marks.items():
        if enrollment_id not in enrolled:
            errors.append(
                _("El estudiante %(id)s no está matriculado en la sección el %(day)s.")
                % {"id": enrollment_id, "day": date_format(day, "SHORT_DATE_FORMAT")}
            )
            continue
        if mark.status not in AttendanceStatus.values:
            errors.append(
                _("Estado de asistencia no válido: «%(status)s».") % {"status": mark.status}
            )
        elif mark.status == AttendanceStatus.JUSTIFIED and not mark.reason.strip():
            errors.append(
                _("Indique el motivo de la ausencia justificada de %(name)s.")
                % {"name": enrolled[enrollment_id]}
            )
    if errors:
        raise ValidationError(errors)


def attendance_record(
    *,
    actor: Any,
    section: Any,
    day: date,
    marks: Mapping[int, Mark],
    request: Any = None,
) -> AttendanceDay:
    """Record (or correct) ``section``'s attendance on ``day``.

    Everyone enrolled that day is present unless ``marks`` (by enrollment id) says otherwise.
    A first recording inserts the header and every row in one statement each; a correction
    updates only the rows that changed, in one statement, and the audit event keeps each change
    with its value before and after. Refused, with nothing written, for a future day, a day
    that is not a class day of the section's calendar, or a student not enrolled that day.

    Two people recording the same section's first sheet of a day at the same moment both find
    no header; the database's unique (section, date) key lets one insert it and the other is
    refused with a 409 asking to reload (no extra query on the normal path).
    """
    try:
        return _record(actor=actor, section=section, day=day, marks=marks, request=request)
    except IntegrityError as exc:
        raise Conflict(
            _("Otra persona registró esta asistencia al mismo tiempo; recargue la página."),
            code="attendance_concurrent",
        ) from exc


@transaction.atomic
def _record(
    *,
    actor: Any,
    section: Any,
    day: date,
    marks: Mapping[int, Mark],
    request: Any,
) -> AttendanceDay:
    role = check_can_write(actor, section)
    check_section_open(section)
    if day > timezone.localdate():
        raise Conflict(_("No se puede registrar asistencia de un día futuro."), code="future_day")
    if not is_class_day(section, day):
        raise Conflict(
            _("El %(day)s no es día de clases en el calendario de la sección.")
            % {"day": date_format(day, "SHORT_DATE_FORMAT")},
            code="not_class_day",
        )
    enrolled = enrollments_on(section, day)
    _clean_marks(marks, enrolled, day)
    wanted = {
        enrollment_id: marks.get(enrollment_id, Mark(AttendanceStatus.PRESENT))
        for enrollment_id in enrolled
    }
    counts = dict.fromkeys(AttendanceStatus.values, 0)
    for mark in wanted.values():
        counts[mark.status] += 1

    header = AttendanceDay.objects.select_for_update().filter(section=section, date=day).first()
    if header is None:
        header = AttendanceDay.objects.create(section=section, date=day, taken_by=actor, **counts)
        AttendanceRecord.objects.bulk_create(
            AttendanceRecord(
                day=header,
                date=header.date,
                enrollment_id=enrollment_id,
                presence=mark.status,
                reason=mark.reason.strip() if mark.status == AttendanceStatus.JUSTIFIED else "",
            )
            for enrollment_id, mark in wanted.items()
        )
        audit_record(
            action="attendance.recorded",
            obj=header,
            actor=actor,
            role=role,
            request=request,
            payload={"section": section.pk, "date": day.isoformat(), **counts},
        )
        return header
    return _correct(
        actor=actor, role=role, header=header, wanted=wanted, counts=counts, request=request
    )


def _correct(
    *,
    actor: Any,
    role: str,
    header: AttendanceDay,
    wanted: Mapping[int, Mark],
    counts: dict[str, int],
    request: Any,
) -> AttendanceDay:
    existing = {record.enrollment_id: record for record in header.records.all()}
    changed: list[AttendanceRecord] = []
    added: list[AttendanceRecord] = []
    changes: list[dict[str, Any]] = []
    for enrollment_id, mark in wanted.items():
        reason = mark.reason.strip() if mark.status == AttendanceStatus.JUSTIFIED else ""
        record = existing.get(enrollment_id)
        if record is None:
            # Enrolled after the first recording (e.g. a late enrollment dated back).
            added.append(
                AttendanceRecord(
                    day=header,
                    date=header.date,
                    enrollment_id=enrollment_id,
                    presence=mark.status,
                    reason=reason,
                )
            )
            changes.append({"enrollment": enrollment_id, "before": None, "after": mark.status})
        elif (record.presence, record.reason) != (mark.status, reason):
            changes.append(
                {
                    "enrollment": enrollment_id,
                    "before": {"status": record.presence, "reason": record.reason},
                    "after": {"status": mark.status, "reason": reason},
                }
            )
            record.presence, record.reason = mark.status, reason
            changed.append(record)
    if not changes:
        return header
    if changed:
        AttendanceRecord.objects.bulk_update(changed, ["presence", "reason"])
    if added:
        AttendanceRecord.objects.bulk_create(added)
    for status, count in counts.items():
        setattr(header, status, count)
    header.save(update_fields=[*counts, "updated_at"])
    audit_record(
        action="attendance.corrected",
        obj=header,
        actor=actor,
        role=role,
        request=request,
        payload={"changes": changes, **counts},
    )
    return header
