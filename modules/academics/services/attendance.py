"""Recording a section's attendance for one class day, in one operation (docs/domain.md §4)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.exceptions import Conflict

from ..choices import AttendanceStatus
from ..models import AttendanceDay, AttendanceRecord
from ..selectors import enrollments_on_class_day
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
    Refused, with nothing written, for a future day, a day that is not a class day of the
    section's calendar, or a student not enrolled that day.

    A first recording is four queries, whatever the section's size: who is enrolled, asked
    together with whether ``day`` is a class day (1); the header, inserted unless it exists (1);
    every row in one INSERT (1); the audit event, the first of the new header's chain (1). A
    correction (the header exists) locks the header, reads the stored rows, updates the changed
    ones in one statement, stores the new counts and appends to the header's audit chain; the
    event keeps each change with its value before and after.

    Transactions: every refusal is decided before anything is written, so the writes run in
    ``atomic(savepoint=False)``: a transaction of their own when the caller has none (the pages
    and the API), no savepoint inside a caller's. A savepoint would only let a caller go on
    after a failed write, and no write here fails for an expected reason: the header's insert
    cannot collide (``ON CONFLICT DO NOTHING``), the rows belong to a header this transaction
    just created, and the audit event starts that header's chain. An unexpected database error
    marks the caller's transaction for rollback, as PostgreSQL would abort it anyway.

    Two people recording the same section-day at once: on PostgreSQL the second header insert
    waits for the first transaction; once it commits, the second finds the header, locks it and
    records its sheet as a correction of the first (after it rolls back, the second inserts).
    One header, one "recorded" event, never an error. SQLite has one writer at a time.
    """
    role = check_can_write(actor, section)
    check_section_open(section)
    if day > timezone.localdate():
        raise Conflict(_("No se puede registrar asistencia de un día futuro."), code="future_day")
    enrolled = enrollments_on_class_day(section, day)
    if enrolled is None:
        raise Conflict(
            _("El %(day)s no es día de clases en el calendario de la sección.")
            % {"day": date_format(day, "SHORT_DATE_FORMAT")},
            code="not_class_day",
        )
    _clean_marks(marks, enrolled, day)
    wanted = {
        enrollment_id: marks.get(enrollment_id, Mark(AttendanceStatus.PRESENT))
        for enrollment_id in enrolled
    }
    counts = dict.fromkeys(AttendanceStatus.values, 0)
    for mark in wanted.values():
        counts[mark.status] += 1

    with transaction.atomic(savepoint=False):
        header = _header_insert(section=section, day=day, actor=actor, counts=counts)
        if header is None:
            header = AttendanceDay.objects.select_for_update().get(section=section, date=day)
            return _correct(
                actor=actor, role=role, header=header, wanted=wanted, counts=counts, request=request
            )
        AttendanceRecord.objects.bulk_create(
            AttendanceRecord(
                day=header,
                date=header.date,
                enrollment_id=enrollment_id,
                presence=mark.status,
                reason=_reason(mark),
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
            # The header was inserted by this transaction just now: its chain is empty.
            new_chain=True,
        )
        return header


def _reason(mark: Mark) -> str:
    return mark.reason.strip() if mark.status == AttendanceStatus.JUSTIFIED else ""


_HEADER_FIELDS = ("section", "date", "present", "absent", "justified", "taken_by", "taken_at")


def _header_insert(
    *, section: Any, day: date, actor: Any, counts: dict[str, int]
) -> AttendanceDay | None:
    """Insert the section-day's header and return it, or None when it exists already: one
    ``INSERT … ON CONFLICT (section, date) DO NOTHING RETURNING id`` (PostgreSQL, SQLite).

    On PostgreSQL an insert that meets an uncommitted header of another transaction waits for
    it to end, then inserts (it rolled back) or does nothing (it committed).
    """
    now = timezone.now()
    header = AttendanceDay(
        section=section,
        date=day,
        taken_by=actor,
        taken_at=now,
        updated_at=now,
        **counts,
    )
    if not connection.features.can_return_columns_from_insert:  # pragma: no cover (SQLite<3.35)
        if AttendanceDay.objects.filter(section=section, date=day).exists():
            return None
        header.save(force_insert=True)
        return header
    meta = AttendanceDay._meta
    fields = [meta.get_field(name) for name in (*_HEADER_FIELDS, "updated_at")]
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    unique = f"{quote(fields[0].column)}, {quote(fields[1].column)}"
    # Only names from the model's metadata are interpolated; every value is a parameter.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "  # noqa: S608
    sql += f"ON CONFLICT ({unique}) DO NOTHING RETURNING {pk}"
    params = [
        field.get_db_prep_save(getattr(header, field.attname), connection) for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    header.pk = row[0]
    header._state.adding = False
    header._state.db = connection.alias
    return header


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
        reason = _reason(mark)
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
