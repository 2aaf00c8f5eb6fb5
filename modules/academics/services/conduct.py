"""The school-conduct ledger: deméritos are appended, never edited (docs/domain.md §4)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from modules.students.choices import CURRENT_STATUSES

from ..models import ConductEntry
from .access import check_can_write, check_section_open


@transaction.atomic
def conduct_record(
    *,
    actor: Any,
    enrollment: Any,
    demerits: int = 0,
    merits: int = 0,
    reason: str,
    day: date | None = None,
    request: Any = None,
) -> ConductEntry:
    """Append deméritos (or méritos) to a current enrollment's ledger, with the reason.

    A line carries one of the two, from 1 to 15; only deméritos count towards the promotion
    limit.
    """
    section = enrollment.section
    role = check_can_write(actor, section)
    check_section_open(section)
    day = day or timezone.localdate()
    errors = {}
    if enrollment.status not in CURRENT_STATUSES:
        errors["enrollment"] = _("La matrícula no está vigente.")
    if bool(demerits) == bool(merits):
        errors["demerits"] = _("Anote deméritos o méritos, no ambos.")
    elif not 1 <= (demerits or merits) <= 15:
        field = "demerits" if demerits else "merits"
        errors[field] = _("La cantidad debe estar entre 1 y 15.")
    if not reason.strip():
        errors["reason"] = _("Indique el motivo.")
    if day > timezone.localdate():
        errors["day"] = _("La fecha no puede ser futura.")
    if errors:
        raise ValidationError(errors)
    entry = ConductEntry.objects.create(
        enrollment=enrollment,
        date=day,
        demerits=demerits,
        merits=merits,
        reason=reason.strip(),
        recorded_by=actor,
    )
    audit_record(
        action="conduct.recorded",
        obj=entry,
        chain_key=f"academics.conduct:enrollment:{enrollment.pk}",
        actor=actor,
        role=role,
        request=request,
        payload={
            "enrollment": enrollment.pk,
            "demerits": demerits,
            "merits": merits,
            "date": day.isoformat(),
        },
    )
    return entry
