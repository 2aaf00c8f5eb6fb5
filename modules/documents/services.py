"""Every write of the titles module (docs/domain.md, "Titles"; docs/style.md §3).

- The signatory registry: ``signature_image_store``, ``signatory_register``,
  ``signatory_end`` (audited; images checked by core/uploads.py).
- Requests: ``title_request_create`` checks the guards (the director has a registered signature
  and an appointment valid on the request date; every student passed; nothing issued twice),
  then ``title_request_verify``, ``title_request_sign``, ``title_request_countersign`` record
  each party's step; the process (workflows/titles) calls them from its steps.
- Issuing: ``title_request_generate`` numbers, draws and signs each title (pdf.py) and keeps
  the request's progress, one title per short transaction, safe to run twice; the Celery task
  in tasks.py calls it.
- Travel: ``title_request_printed``, ``title_request_received``, ``title_request_delivered``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.choices import Role
from core.audit.services import audit_record
from core.exceptions import Conflict
from core.parsers import plain_int
from core.uploads import JPEG, PNG, UploadLimits, check_upload
from core.workflow import transition
from modules.schools.models import School, Section
from modules.students.choices import EnrollmentStatus
from modules.students.models import Enrollment

from .choices import (
    KINDS_ON_TITLES,
    GenerationState,
    MotiveKind,
    RequestKind,
    RequestStatus,
    SignatoryKind,
    TitleStatus,
)
from .codes import code_display, code_new
from .models import (
    IssuedTitle,
    Motive,
    Signatory,
    SignatureImage,
    TitleCounter,
    TitleDefinition,
    TitleRequest,
    TitleRequestItem,
)
from .pdf import SignatureBlock, TitleSheet, title_pdf

logger = logging.getLogger(__name__)

SIGNATURE_LIMITS = UploadLimits(max_bytes=512 * 1024, max_files=1)
SIGNATURE_TYPES = (PNG, JPEG)


def _field_error(field: str, message: str, code: str) -> ValidationError:
    """A form-keyed error that keeps its code (tests and API clients read it)."""
    return ValidationError({field: ValidationError(message, code=code)})


# --- The signatory registry ---------------------------------------------------------------------


def signature_image_store(upload: Any) -> SignatureImage:
    """Check an uploaded signature image (PNG or JPEG, at most 512 KB) and store it once."""
    checked = check_upload(upload, limits=SIGNATURE_LIMITS)
    if checked.content_type not in SIGNATURE_TYPES:
        raise ValidationError(
            {"signature": _("La firma debe ser una imagen PNG o JPEG.")}, code="type_not_allowed"
        )
    stream = upload.file if getattr(upload, "file", None) is not None else upload
    stream.seek(0)
    content = stream.read()
    image, _created = SignatureImage.objects.get_or_create(
        sha256=checked.sha256,
        defaults={"content_type": checked.content_type, "content": content},
    )
    return image


def _scope_of(school: School | None) -> str:
    return f"school:{school.pk}" if school is not None else "national"


@transaction.atomic
def signatory_register(
    *,
    actor: Any,
    kind: str,
    person: Any,
    position: str,
    signature: Any,
    valid_from: date,
    valid_until: date | None = None,
    user: Any = None,
    school: School | None = None,
) -> Signatory:
    """Register one appointment of a signatory with its signature image (an uploaded file, or
    a ``SignatureImage`` already stored). Audited with the period and the image's hash."""
    if kind not in SignatoryKind.values:
        raise ValidationError({"kind": _("Tipo de firmante no válido.")})
    if kind == SignatoryKind.DIRECTOR and school is None:
        raise ValidationError({"school": _("Indique el centro educativo del director.")})
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError(
            {"valid_until": _("El fin del nombramiento es anterior a su inicio.")}
        )
    if not (position or "").strip():
        raise ValidationError({"position": _("Indique el cargo que se imprime bajo la firma.")})
    image = signature if isinstance(signature, SignatureImage) else signature_image_store(signature)
    signatory = Signatory.objects.create(
        kind=kind,
        person=person,
        user=user,
        school=school if kind == SignatoryKind.DIRECTOR else None,
        position=position.strip(),
        signature=image,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    audit_record(
        action="signatory.registered",
        obj=signatory,
        actor=actor,
        role=Role.ADMINISTRATOR if actor is not None else "system",
        scope=_scope_of(school),
        payload={
            "kind": kind,
            "person_id": person.pk,
            "user_id": getattr(user, "pk", None),
            "school_id": getattr(school, "pk", None),
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None,
            "signature_sha256": image.sha256,
        },
    )
    return signatory


@transaction.atomic
def signatory_end(*, actor: Any, signatory: Signatory, valid_until: date) -> Signatory:
    """End an appointment (a director who leaves the school). Audited with before and after."""
    locked = Signatory.objects.select_for_update().get(pk=signatory.pk)
    if valid_until < locked.valid_from:
        raise ValidationError(
            {"valid_until": _("El fin del nombramiento es anterior a su inicio.")}
        )
    before = locked.valid_until
    locked.valid_until = valid_until
    locked.save(update_fields=["valid_until"])
    audit_record(
        action="signatory.appointment_ended",
        obj=locked,
        actor=actor,
        role=Role.ADMINISTRATOR if actor is not None else "system",
        scope=_scope_of(locked.school),
        payload={
            "before": before.isoformat() if before else None,
            "after": valid_until.isoformat(),
        },
    )
    signatory.valid_until = valid_until
    return signatory


def signatory_valid(
    *, kind: str, day: date, school: School | None = None, user: Any = None
) -> Signatory | None:
    """The appointment of ``kind`` in force on ``day`` (for ``school`` / ``user``), newest first."""
    rows = Signatory.objects.select_related("person", "signature").filter(
        kind=kind, valid_from__lte=day
    )
    rows = rows.filter(valid_until__isnull=True) | rows.filter(valid_until__gte=day)
    if school is not None:
        rows = rows.filter(school=school)
    if user is not None:
        rows = rows.filter(user=user)
    return rows.order_by("-valid_from", "-pk").first()


# --- Requests -----------------------------------------------------------------------------------


def _request_number(request: TitleRequest) -> str:
    return f"ST-{request.requested_on.year}-{request.pk:06d}"


def definition_for_grade(grade_id: int) -> TitleDefinition | None:
    return TitleDefinition.objects.filter(grade_id=grade_id, is_active=True).first()


def _director_guard(school: School, day: date) -> Signatory:
    """The school's director must have a registered signature and an appointment in force on
    the request date."""
    director = signatory_valid(kind=SignatoryKind.DIRECTOR, day=day, school=school)
    if director is not None:
        return director
    if Signatory.objects.filter(kind=SignatoryKind.DIRECTOR, school=school).exists():
        raise ValidationError(
            _(
                "El nombramiento del director de %(school)s no está vigente el %(day)s: "
                "actualícelo en el registro de firmantes antes de solicitar títulos."
            )
            % {"school": school.name, "day": day.strftime("%d/%m/%Y")},
            code="director_appointment",
        )
    raise ValidationError(
        _(
            "El director de %(school)s no tiene firma registrada: regístrela antes de "
            "solicitar títulos."
        )
        % {"school": school.name},
        code="director_signature",
    )


def _motive(value: Any, kind: str) -> Motive:
    if isinstance(value, Motive):
        motive = value
    else:
        pk = plain_int(str(value or ""))
        motive = Motive.objects.filter(pk=pk).first() if pk is not None else None
    if motive is None or motive.kind != kind or not motive.is_active:
        raise ValidationError({"motive": _("Elija un motivo de la lista.")}, code="motive")
    return motive


@dataclass(frozen=True)
class RequestedItem:
    student_id: int
    enrollment_id: int | None = None
    original_title_id: int | None = None


def _graduates(section: Section, student_ids: Iterable[int] | None) -> list[RequestedItem]:
    """The students of ``section`` asked for, each of whom must have passed the year."""
    rows = list(
        Enrollment.objects.filter(section=section)
        .exclude(status__in=[EnrollmentStatus.ANNULLED, EnrollmentStatus.TRANSFERRED])
        .values_list(
            "pk",
            "student_id",
            "status",
            "student__person__first_names",
            "student__person__last_names",
            named=True,
        )
    )
    wanted = None if student_ids is None else {int(pk) for pk in student_ids}
    if wanted is not None:
        known = {row.student_id for row in rows}
        if wanted - known:
            raise ValidationError(
                {"students": _("Hay estudiantes que no pertenecen a esta sección.")},
                code="student_not_in_section",
            )
        rows = [row for row in rows if row.student_id in wanted]
    failed = [
        f"{row.student__person__first_names} {row.student__person__last_names}"
        for row in rows
        if row.status != EnrollmentStatus.PROMOTED
    ]
    if failed:
        raise _field_error(
            "students",
            _(
                "Solo se emiten títulos a estudiantes que aprobaron el año. No aprobaron "
                "(o su año no está cerrado): %(names)s."
            )
            % {"names": ", ".join(sorted(failed))},
            "student_not_passed",
        )
    if not rows:
        raise ValidationError({"students": _("Elija al menos un estudiante.")}, code="no_students")
    issued = set(
        IssuedTitle.objects.filter(
            student_id__in=[row.student_id for row in rows],
            status=TitleStatus.VALID,
            request__section=section,
        ).values_list("student_id", flat=True)
    )
    if issued:
        raise _field_error(
            "students",
            _(
                "%(count)d estudiante(s) ya tienen su título de esta sección: use una "
                "reimpresión o una reposición."
            )
            % {"count": len(issued)},
            "already_issued",
        )
    return [RequestedItem(student_id=row.student_id, enrollment_id=row.pk) for row in rows]


def _titles_items(school: School, numbers: Iterable[str]) -> tuple[list[RequestedItem], Any]:
    wanted = sorted({n.strip().upper() for n in numbers if n and n.strip()})
    if not wanted:
        raise ValidationError({"titles": _("Escriba el número de al menos un título.")})
    titles = list(
        IssuedTitle.objects.filter(number__in=wanted).select_related("request", "definition")
    )
    found = {title.number: title for title in titles}
    missing = [n for n in wanted if n not in found or found[n].request.school_id != school.pk]
    if missing:
        raise _field_error(
            "titles",
            _("No hay títulos de este centro con estos números: %(numbers)s.")
            % {"numbers": ", ".join(missing)},
            "title_unknown",
        )
    not_valid = [t.number for t in titles if t.status != TitleStatus.VALID]
    if not_valid:
        raise _field_error(
            "titles",
            _("Estos títulos ya fueron anulados o reemplazados: %(numbers)s.")
            % {"numbers": ", ".join(not_valid)},
            "title_not_valid",
        )
    pending = TitleRequestItem.objects.filter(
        original_title__in=titles,
        request__status__in=[
            RequestStatus.SENT,
            RequestStatus.CONFIRMED,
            RequestStatus.WITH_EXCEPTIONS,
        ],
        excluded=False,
    )
    if pending.exists():
        raise ValidationError(
            {"titles": _("Uno de estos títulos ya está en otra solicitud en curso.")},
            code="title_pending",
        )
    items = [RequestedItem(student_id=t.student_id, original_title_id=t.pk) for t in titles]
    return items, titles[0]


@transaction.atomic
def title_request_create(
    *,
    actor: Any,
    kind: str,
    school: School,
    section: Section | None = None,
    student_ids: Iterable[int] | None = None,
    title_numbers: Iterable[str] = (),
    motive: Any = None,
    resolution_number: str = "",
    on: date | None = None,
    role: str = Role.REGISTRAR,
) -> TitleRequest:
    """A request for titles, checked against every guard; raises ``ValidationError`` (nothing
    saved) when one fails. The caller (the process's start) has checked the actor's scope."""
    on = on or timezone.localdate()
    if kind not in RequestKind.values:
        raise ValidationError({"kind": _("Tipo de solicitud no válido.")})
    director = _director_guard(school, on)
    resolution_number = (resolution_number or "").strip()
    chosen_motive = None
    if kind == RequestKind.FIRST_ISSUE:
        if section is None or section.school_id != school.pk:
            raise ValidationError({"section": _("Elija una sección de su centro educativo.")})
        definition = definition_for_grade(section.grade_id)
        if definition is None:
            raise _field_error(
                "section",
                _(
                    "La sección no es del último año de un bachillerato: no egresan "
                    "graduados de ella."
                ),
                "not_final_grade",
            )
        items = _graduates(section, student_ids)
        year = section.school_year_id
    else:
        if kind == RequestKind.REPLACEMENT and not resolution_number:
            raise _field_error(
                "resolution_number",
                _("La reposición requiere el número de la resolución publicada."),
                "resolution_required",
            )
        if kind != RequestKind.REPLACEMENT:
            chosen_motive = _motive(
                motive,
                MotiveKind.REPRINT if kind == RequestKind.REPRINT else MotiveKind.ANNULMENT,
            )
        items, first = _titles_items(school, title_numbers)
        definition = first.definition
        year = first.graduation_year
        section = first.request.section
    request = TitleRequest.objects.create(
        number=f"tmp-{code_new()}",
        kind=kind,
        definition=definition,
        school=school,
        section=section,
        graduation_year=year,
        requested_by=actor,
        requested_on=on,
        motive=chosen_motive,
        resolution_number=resolution_number,
        director=director,
    )
    request.number = _request_number(request)
    request.save(update_fields=["number"])
    TitleRequestItem.objects.bulk_create(
        TitleRequestItem(
            request=request,
            student_id=item.student_id,
            enrollment_id=item.enrollment_id,
            original_title_id=item.original_title_id,
        )
        for item in items
    )
    audit_record(
        action="title_request.created",
        obj=request,
        actor=actor,
        role=role,
        scope=f"school:{school.pk}",
        to_state=request.status,
        payload={
            "number": request.number,
            "kind": kind,
            "students": len(items),
            "section_id": getattr(section, "pk", None),
            "resolution_number": resolution_number,
            "motive": getattr(chosen_motive, "code", ""),
        },
    )
    return request


def _lock_request(request: TitleRequest) -> TitleRequest:
    return TitleRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def title_request_verify(
    *,
    actor: Any,
    request: TitleRequest,
    exclusions: dict[int, tuple[Motive, str]] | None = None,
    reject_reason: str = "",
    role: str = Role.DEPARTMENTAL_OFFICER,
) -> TitleRequest:
    """The departmental office's verification: reject the whole request with a reason, or
    confirm it, excluding some students (by student id) each with a motive. Excluding every
    student rejects it."""
    scope = f"school:{request.school_id}"
    if reject_reason.strip():
        return transition(
            actor=actor, obj=request, name="reject", role=role, scope=scope,
            reason=reject_reason.strip(), payload={"reason": reject_reason.strip()},
        )  # fmt: skip
    exclusions = exclusions or {}
    items = {item.student_id: item for item in request.items.all()}
    unknown = set(exclusions) - set(items)
    if unknown:
        raise ValidationError(
            {"excluded": _("Hay estudiantes excluidos que no están en la solicitud.")}
        )
    for student_id, (motive, note) in exclusions.items():
        motive = _motive(motive, MotiveKind.EXCLUSION)
        item = items[student_id]
        item.excluded = True
        item.exclusion_motive = motive
        item.exclusion_note = (note or "").strip()[:300]
        item.save(update_fields=["excluded", "exclusion_motive", "exclusion_note"])
        audit_record(
            action="title_request.student_excluded",
            obj=request,
            actor=actor,
            role=role,
            scope=scope,
            payload={"student_id": student_id, "motive": motive.code, "note": item.exclusion_note},
        )
    if exclusions and len(exclusions) == len(items):
        return transition(
            actor=actor, obj=request, name="reject", role=role, scope=scope,
            reason=_("Todos los estudiantes fueron excluidos."),
            payload={"excluded": len(exclusions)},
        )  # fmt: skip
    name = "confirm_with_exceptions" if exclusions else "confirm"
    return transition(
        actor=actor, obj=request, name=name, role=role, scope=scope,
        payload={"excluded": len(exclusions)},
    )  # fmt: skip


@transaction.atomic
def title_request_sign(*, actor: Any, request: TitleRequest) -> TitleRequest:
    """The school's director signs: their own appointment must be in force today and carry a
    registered signature. The process has checked the step (scope, separation of duties)."""
    locked = _lock_request(request)
    if locked.status not in (RequestStatus.CONFIRMED, RequestStatus.WITH_EXCEPTIONS):
        raise Conflict(_("La solicitud no está confirmada."), code="not_confirmed")
    if locked.signed_by_id is not None:
        raise Conflict(_("La solicitud ya fue firmada."), code="already_signed")
    today = timezone.localdate()
    director = signatory_valid(
        kind=SignatoryKind.DIRECTOR, day=today, school=locked.school, user=actor
    )
    if director is None:
        raise Conflict(
            _(
                "Usted no tiene una firma registrada con nombramiento vigente como director de "
                "este centro."
            ),
            code="no_signatory",
        )
    locked.director = director
    locked.signed_by = actor
    locked.signed_at = timezone.now()
    locked.save(update_fields=["director", "signed_by", "signed_at"])
    audit_record(
        action="title_request.signed",
        obj=locked,
        actor=actor,
        role=Role.DIRECTOR,
        scope=f"school:{locked.school_id}",
        payload={"number": locked.number, "signatory_id": director.pk},
    )
    return locked


@transaction.atomic
def title_request_countersign(*, actor: Any, request: TitleRequest) -> TitleRequest:
    """The authenticating officer countersigns (and the Minister's appointment in force is
    recorded). An annulment request takes effect now; the others are queued for generation
    once this transaction commits."""
    locked = _lock_request(request)
    if locked.signed_by_id is None:
        raise Conflict(_("El director aún no firma la solicitud."), code="not_signed")
    if locked.countersigned_by_id is not None:
        raise Conflict(_("La solicitud ya fue refrendada."), code="already_countersigned")
    if actor.pk in (locked.signed_by_id, locked.requested_by_id):
        raise Conflict(_("La auténtica la da otra persona."), code="same_person")
    today = timezone.localdate()
    authenticator = signatory_valid(kind=SignatoryKind.AUTHENTICATOR, day=today, user=actor)
    if authenticator is None:
        raise Conflict(
            _("Usted no tiene una firma registrada con nombramiento vigente de auténtica."),
            code="no_signatory",
        )
    minister = signatory_valid(kind=SignatoryKind.MINISTER, day=today)
    if minister is None:
        raise Conflict(
            _("No hay un Ministro con firma registrada y nombramiento vigente."),
            code="no_minister",
        )
    locked.authenticator = authenticator
    locked.minister = minister
    locked.countersigned_by = actor
    locked.countersigned_at = timezone.now()
    fields = ["authenticator", "minister", "countersigned_by", "countersigned_at"]
    if locked.kind != RequestKind.ANNULMENT:
        locked.generation_state = GenerationState.RUNNING
        locked.generation_total = locked.items.filter(excluded=False).count()
        locked.generation_done = 0
        fields += ["generation_state", "generation_total", "generation_done"]
    locked.save(update_fields=fields)
    audit_record(
        action="title_request.countersigned",
        obj=locked,
        actor=actor,
        role=Role.TITLE_AUTHENTICATOR,
        scope="national",
        payload={
            "number": locked.number,
            "authenticator_id": authenticator.pk,
            "minister_id": minister.pk,
        },
    )
    if locked.kind == RequestKind.ANNULMENT:
        _apply_annulment(locked, actor=actor)
    else:
        pk = locked.pk
        transaction.on_commit(lambda: _queue_generation(pk))
    return locked


def _queue_generation(request_id: int) -> None:
    """Hand the generation to a worker (inline in the embedded mode). A failure is already
    recorded on the request by the service; it must not turn the countersign page into an
    error once the countersign is committed."""
    from .tasks import title_request_generate as title_request_generate_task

    try:
        title_request_generate_task.delay(request_id)
    except Exception:
        logger.exception("could not run the generation of title request %s", request_id)


def _apply_annulment(request: TitleRequest, *, actor: Any) -> None:
    today = timezone.localdate()
    items = request.items.filter(excluded=False).select_related("original_title")
    for item in items:
        transition(
            actor=actor,
            obj=item.original_title,
            name="annul",
            role=Role.TITLE_AUTHENTICATOR,
            scope="national",
            payload={"request": request.number, "motive": request.motive.code},
            motive=request.motive,
            on=today,
            note=request.number,
        )
    transition(
        actor=actor,
        obj=request,
        name="apply_annulment",
        role=Role.TITLE_AUTHENTICATOR,
        scope="national",
        payload={"titles": len(items)},
    )


# --- Generation ---------------------------------------------------------------------------------


def verification_url(code: str) -> str:
    base = settings.NOTIFICATIONS_SITE_URL.rstrip("/")
    return base + reverse("documents:verify", kwargs={"code": code_display(code)})


def _next_numbers(definition: TitleDefinition, year: int, count: int) -> list[str]:
    counter, _created = TitleCounter.objects.get_or_create(definition=definition, year=year)
    counter = TitleCounter.objects.select_for_update().get(pk=counter.pk)
    first = counter.last_value + 1
    TitleCounter.objects.filter(pk=counter.pk).update(last_value=F("last_value") + count)
    return [f"{definition.code}-{year}-{n:06d}" for n in range(first, first + count)]


def _sheet(request: TitleRequest, item: Any, number: str, code: str, issued_on: date) -> TitleSheet:
    person = item.student.person
    return TitleSheet(
        number=number,
        verification_code=code_display(code),
        verification_url=verification_url(code),
        student_name=f"{person.first_names} {person.last_names}".strip(),
        degree=request.definition.degree,
        definition_name=request.definition.name,
        school_name=request.school.name,
        school_code=request.school.code,
        graduation_year=request.graduation_year,
        issued_on=issued_on,
        director=_block(request.director),
        minister=_block(request.minister),
        authenticator=_block(request.authenticator),
    )


def _block(signatory: Signatory) -> SignatureBlock:
    return SignatureBlock(
        name=signatory.person.full_name,
        position=signatory.position,
        image=bytes(signatory.signature.content),
    )


def _request_for_generation(request_id: int) -> TitleRequest:
    return TitleRequest.objects.select_related(
        "definition",
        "school",
        "director__person",
        "director__signature",
        "minister__person",
        "minister__signature",
        "authenticator__person",
        "authenticator__signature",
    ).get(pk=request_id)


def title_request_generate(
    *,
    request_id: int,
    code_factory: Callable[[int], str] | None = None,
    batch: int = 10,
) -> TitleRequest:
    """Issue every title of a countersigned request: number, verification code, the PDF with
    the frozen data, signed; the request's progress is committed every ``batch`` titles, so
    the page that polls it moves. Safe to run twice (issued items are skipped); a failure is
    recorded on the request (and raised) and the next run goes on from where it stopped.

    ``code_factory(index)`` gives the verification codes (the demo's are fixed); by default
    each is random (codes.py)."""
    request = _request_for_generation(request_id)
    if request.status not in (RequestStatus.CONFIRMED, RequestStatus.WITH_EXCEPTIONS):
        return request
    if request.countersigned_by_id is None:
        raise Conflict(_("La solicitud aún no está refrendada."), code="not_countersigned")
    items = list(
        request.items.filter(excluded=False, title__isnull=True)
        .select_related("student__person", "original_title")
        .order_by("pk")
    )
    TitleRequest.objects.filter(pk=request.pk).update(
        generation_state=GenerationState.RUNNING, generation_error=""
    )
    issued_on = timezone.localdate()
    try:
        for start in range(0, len(items), batch):
            chunk = items[start : start + batch]
            prepared = []
            with transaction.atomic():
                numbers = _next_numbers(request.definition, request.graduation_year, len(chunk))
            for offset, (item, number) in enumerate(zip(chunk, numbers, strict=True)):
                code = code_factory(start + offset) if code_factory else code_new()
                pdf, digest = title_pdf(_sheet(request, item, number, code, issued_on))
                prepared.append((item, number, code, pdf, digest))
            with transaction.atomic():
                for item, number, code, pdf, digest in prepared:
                    _issue(request, item, number, code, pdf, digest, issued_on)
                TitleRequest.objects.filter(pk=request.pk).update(
                    generation_done=F("generation_done") + len(prepared)
                )
        with transaction.atomic():
            locked = _lock_request(request)
            if locked.status in (RequestStatus.CONFIRMED, RequestStatus.WITH_EXCEPTIONS):
                transition(
                    actor=None,
                    obj=locked,
                    name="generate",
                    role="system",
                    scope=f"school:{locked.school_id}",
                    payload={"titles": locked.titles.count()},
                )
            TitleRequest.objects.filter(pk=request.pk).update(
                generation_state=GenerationState.DONE, generated_at=timezone.now()
            )
    except Exception as exc:
        logger.exception("title generation failed for request %s", request.pk)
        TitleRequest.objects.filter(pk=request.pk).update(
            generation_state=GenerationState.FAILED, generation_error=str(exc)[:300]
        )
        raise
    request.refresh_from_db()
    return request


# A generation still "running" this long after its last progress is taken to have stalled.
STALLED_AFTER = timedelta(minutes=15)


def title_generation_sweep(*, now: Any = None) -> list[int]:
    """Queue again every countersigned request whose generation failed, or has run without
    finishing for ``STALLED_AFTER`` since its countersign. Generation skips the titles already
    issued, so running it again only finishes the work. Returns the request ids queued."""
    now = now or timezone.now()
    waiting = TitleRequest.objects.filter(
        status__in=[RequestStatus.CONFIRMED, RequestStatus.WITH_EXCEPTIONS],
        countersigned_by__isnull=False,
    ).exclude(kind=RequestKind.ANNULMENT)
    stalled = waiting.filter(generation_state=GenerationState.FAILED) | waiting.filter(
        generation_state=GenerationState.RUNNING, countersigned_at__lt=now - STALLED_AFTER
    )
    ids = list(stalled.order_by("pk").values_list("pk", flat=True))
    for request_id in ids:
        _queue_generation(request_id)
    return ids


def _issue(
    request: TitleRequest,
    item: Any,
    number: str,
    code: str,
    pdf: bytes,
    digest: str,
    issued_on: date,
) -> IssuedTitle:
    person = item.student.person
    title = IssuedTitle(
        number=number,
        verification_code=code,
        request=request,
        item=item,
        student_id=item.student_id,
        definition=request.definition,
        student_name=f"{person.first_names} {person.last_names}".strip(),
        degree=request.definition.degree,
        definition_name=request.definition.name,
        school_code=request.school.code,
        school_name=request.school.name,
        graduation_year=request.graduation_year,
        director_name=request.director.person.full_name,
        director_position=request.director.position,
        director_signature_id=request.director.signature_id,
        minister_name=request.minister.person.full_name,
        minister_position=request.minister.position,
        minister_signature_id=request.minister.signature_id,
        authenticator_name=request.authenticator.person.full_name,
        authenticator_position=request.authenticator.position,
        authenticator_signature_id=request.authenticator.signature_id,
        issued_on=issued_on,
        pdf_sha256=digest,
        replaces=item.original_title,
    )
    title.pdf.save(f"{number}.pdf", ContentFile(pdf), save=False)
    title.save()
    audit_record(
        action="title.issued",
        obj=title,
        actor=None,
        role="system",
        scope=f"school:{request.school_id}",
        to_state=title.status,
        payload={"number": number, "request": request.number, "pdf_sha256": digest},
    )
    original = item.original_title
    if original is not None and request.kind in KINDS_ON_TITLES:
        common = {
            "actor": None,
            "role": "system",
            "scope": f"school:{request.school_id}",
            "payload": {"request": request.number, "new_title": number},
        }
        if request.kind == RequestKind.REPRINT:
            # A reprint annuls the previous title with the request's motive.
            transition(
                obj=original, name="annul", motive=request.motive, on=issued_on,
                note=number, **common,
            )  # fmt: skip
        else:
            transition(obj=original, name="mark_replaced", by=title, **common)
    return title


# --- Travel to the graduate ---------------------------------------------------------------------


@transaction.atomic
def title_request_printed(*, actor: Any, request: TitleRequest) -> TitleRequest:
    locked = _lock_request(request)
    if locked.status == RequestStatus.CONFIRMED or locked.status == RequestStatus.WITH_EXCEPTIONS:
        raise Conflict(
            _("Los títulos aún se están generando; espere a que termine la generación."),
            code="generation_running",
        )
    locked.printed_at = timezone.now()
    return transition(
        actor=actor, obj=locked, name="mark_printed", role=Role.PRINT_CENTRE, scope="national",
        payload={"number": locked.number},
    )  # fmt: skip


RECEIVED_FIELDS = {"department": "received_department_at", "school": "received_school_at"}


@transaction.atomic
def title_request_received(
    *, actor: Any, request: TitleRequest, where: str, role: str
) -> TitleRequest:
    """The departmental office, then the school, confirm they received the printed titles."""
    locked = _lock_request(request)
    field = RECEIVED_FIELDS[where]
    if locked.status != RequestStatus.PRINTED:
        raise Conflict(_("Los títulos aún no están impresos."), code="not_printed")
    if where == "school" and locked.received_department_at is None:
        raise Conflict(
            _("La oficina departamental aún no confirma la recepción."), code="not_at_department"
        )
    if getattr(locked, field) is not None:
        raise Conflict(_("La recepción ya fue confirmada."), code="already_received")
    setattr(locked, field, timezone.now())
    locked.save(update_fields=[field])
    audit_record(
        action=f"title_request.received_{where}",
        obj=locked,
        actor=actor,
        role=role,
        scope=f"school:{locked.school_id}",
        payload={"number": locked.number},
    )
    return locked


@transaction.atomic
def title_request_delivered(
    *, actor: Any, request: TitleRequest, on: date | None = None, role: str = Role.REGISTRAR
) -> TitleRequest:
    """The school records that every valid title of the request reached its graduate."""
    locked = _lock_request(request)
    if locked.received_school_at is None:
        raise Conflict(_("El centro aún no confirma la recepción."), code="not_at_school")
    if locked.delivered_at is not None:
        raise Conflict(_("La entrega ya fue registrada."), code="already_delivered")
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": _("La fecha no puede ser futura.")})
    titles = list(
        locked.titles.filter(status=TitleStatus.VALID, delivered_on__isnull=True).values_list(
            "pk", "number"
        )
    )
    IssuedTitle.objects.filter(pk__in=[pk for pk, _n in titles]).update(delivered_on=on)
    locked.delivered_at = timezone.now()
    locked.save(update_fields=["delivered_at"])
    audit_record(
        action="title.delivered",
        obj=locked,
        actor=actor,
        role=role,
        scope=f"school:{locked.school_id}",
        payload={"number": locked.number, "on": on.isoformat(), "titles": [n for _p, n in titles]},
    )
    return locked
