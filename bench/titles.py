"""Time the titles: ``python -m bench titles`` (docs: docs/modules.md, "Titles").

1. Generation: a request of ``--students`` promoted graduates is verified, signed and
   countersigned through the services, then its generation runs as the one background task
   the countersign queues (``modules.documents.tasks.title_request_generate``, run here
   in-process): every title numbered, drawn with reportlab, signed (PAdES) with pyHanko and
   stored, the request's progress committed as it goes. Printed: the wall time, titles per
   second and this process's CPU time. Goal: 500 titles in under 60 s.
2. The public verification page of one of those titles: median, p95 and query count (fixed).

The school, its 500 graduates and the signatories are created once through the services (the
first run takes a few minutes) and reused; each run's request, titles and PDFs are rolled back
/ written to a temporary directory, so every run issues the same titles afresh.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import IO, Any

from django.db import connections, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from .generate import STAFF_PASSWORD, BenchError, check_migrations, dui_with_check
from .run import p95

SCHOOL_CODE = "BENCH-T01"
DUI_BODIES = {
    "registrar": "90000011",
    "director": "90000012",
    "officer": "90000013",
    "authenticator": "90000014",
    "minister": "90000015",
}


def _appoint_director(user: Any, school: Any) -> None:
    """The request guard also wants the director appointed in the teachers module."""
    from modules.teachers.choices import ContractType, Funding, Position
    from modules.teachers.models import Teacher
    from modules.teachers.services import appointment_create, teacher_create

    teacher = Teacher.objects.filter(person=user.person).first()
    if teacher is None:
        teacher = teacher_create(
            person=user.person, nip=f"8{user.person.pk:06d}", escalafon_level="2",
            escalafon_category=2, specialty="Administración Escolar",
        )  # fmt: skip
    if not teacher.appointments.filter(school=school, position=Position.DIRECTOR).exists():
        appointment_create(
            teacher=teacher, school=school, position=Position.DIRECTOR, shift="matutino",
            contract_type=ContractType.SALARY_LAW, funding=Funding.GENERAL_FUND,
            start_date=date(2020, 1, 1),
        )  # fmt: skip


@dataclass
class TitlesOptions:
    students: int = 500
    repeat: int = 30
    warmup: int = 3
    using: str = "default"


class _RollbackError(Exception):
    pass


def _png(seed: int) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (300, 100), "white")
    ImageDraw.Draw(image).line(
        [(10, 80), (90, 20 + seed), (180, 70), (290, 25)], fill="navy", width=4
    )
    out = BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile(f"firma{seed}.png", out.getvalue(), content_type="image/png")


def _user(key: str, role: str, scope_kind: str, target: Any, first: str) -> Any:
    from core.accounts.models import User
    from core.accounts.services import role_grant, user_create

    dui = dui_with_check(DUI_BODIES[key])
    user = User.objects.filter(dui=dui).first()
    if user is None:
        user = user_create(
            dui=dui, password=STAFF_PASSWORD, first_names=first, last_names="Banco de Pruebas"
        )
        role_grant(user=user, role=role, scope_kind=scope_kind, target=target)
    return user


def setup(options: TitlesOptions, out: IO[str]) -> dict[str, Any]:
    """The school, its graduating section with ``students`` promoted graduates, the staff and
    the signatories (created once, through the services)."""
    from core.accounts.choices import Role, ScopeKind
    from core.accounts.services import person_create
    from modules.documents.choices import SignatoryKind
    from modules.documents.models import Signatory
    from modules.documents.services import signatory_register
    from modules.schools.models import Grade, Municipality, School, Section
    from modules.schools.services import school_create, section_create
    from modules.students.choices import EnrollmentStatus
    from modules.students.models import Enrollment
    from modules.students.services import enrollment_close, enrollment_create, student_create

    school = School.objects.filter(code=SCHOOL_CODE).first()
    if school is None:
        school = school_create(
            code=SCHOOL_CODE, name="Instituto Nacional Banco de Pruebas", sector="public",
            classification="instituto_nacional", zone="urban",
            municipality=Municipality.objects.order_by("code").first(),
        )  # fmt: skip
    grade = Grade.objects.get(code="BG2")
    section = Section.objects.filter(school=school, grade=grade, name="T").first()
    if section is None:
        section = section_create(
            school=school, school_year=2026, grade=grade, name="T", shift="matutino",
            capacity=max(options.students, 40),
        )  # fmt: skip
    department = school.municipality.department
    staff = {
        "registrar": _user("registrar", Role.REGISTRAR, ScopeKind.SCHOOL, school, "Registro"),
        "director": _user("director", Role.DIRECTOR, ScopeKind.SCHOOL, school, "Dirección"),
        "officer": _user(
            "officer", Role.DEPARTMENTAL_OFFICER, ScopeKind.DEPARTMENT, department, "Oficina"
        ),
        "authenticator": _user(
            "authenticator", Role.TITLE_AUTHENTICATOR, ScopeKind.NATIONAL, None, "Auténtica"
        ),
    }
    signers = (
        (SignatoryKind.DIRECTOR, staff["director"], school, "Director"),
        (SignatoryKind.AUTHENTICATOR, staff["authenticator"], None, "Titular de auténtica"),
    )
    for seed, (kind, user, at, position) in enumerate(signers, start=1):
        if not Signatory.objects.filter(kind=kind, user=user).exists():
            signatory_register(
                actor=None, kind=kind, person=user.person, user=user, school=at,
                position=position, signature=_png(seed), valid_from=date(2020, 1, 1),
            )  # fmt: skip
    _appoint_director(staff["director"], school)
    if not Signatory.objects.filter(kind=SignatoryKind.MINISTER).exists():
        minister = person_create(
            dui=dui_with_check(DUI_BODIES["minister"]), first_names="Ministra",
            last_names="Banco de Pruebas",
        )  # fmt: skip
        signatory_register(
            actor=None, kind=SignatoryKind.MINISTER, person=minister, position="Ministra",
            signature=_png(3), valid_from=date(2020, 1, 1),
        )  # fmt: skip
    have = Enrollment.objects.filter(section=section, status=EnrollmentStatus.PROMOTED).count()
    if have < options.students:
        out.write(f"Creando {options.students - have} graduados (una sola vez)…\n")
    for index in range(have, options.students):
        person = person_create(first_names=f"Graduado {index:04d}", last_names="Banco Pruebas")
        enrollment = enrollment_create(
            actor=staff["director"], student=student_create(person=person), section=section,
            enrolled_on=date(2026, 1, 20),
        )  # fmt: skip
        enrollment_close(actor=staff["director"], enrollment=enrollment, promoted=True)
    return {"school": school, "section": section, **staff}


def _timed_generation(actors: dict[str, Any], options: TitlesOptions, out: IO[str]) -> Any:
    from modules.documents.models import IssuedTitle, TitleRequest
    from modules.documents.tasks import title_request_generate as title_request_generate_task
    from modules.students.models import Enrollment
    from workflows.titles.flows import TitleFlow
    from workflows.titles.services import titles_request, titles_step

    students = list(
        Enrollment.objects.filter(section=actors["section"], status="promoted")
        .order_by("pk")
        .values_list("student_id", flat=True)[: options.students]
    )
    process = titles_request(
        actor=actors["registrar"], kind="first_issue", school=actors["school"],
        section=actors["section"], student_ids=students,
    )  # fmt: skip

    def step(node: Any, user: Any, data: dict[str, str]) -> None:
        task = process.task_set.get(flow_task=node, status__in=["NEW", "ASSIGNED"])
        titles_step(actor=user, task=task, data=data)

    step(TitleFlow.verify, actors["officer"], {"decision": "confirm", "excluded": "", "note": ""})
    step(TitleFlow.sign, actors["director"], {"confirm": "on"})
    step(TitleFlow.countersign, actors["authenticator"], {"confirm": "on"})
    started, cpu_started = time.perf_counter(), time.process_time()
    title_request_generate_task.apply(args=[process.title_request_id]).get()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    request = TitleRequest.objects.get(pk=process.title_request_id)
    issued = IssuedTitle.objects.filter(request=request).count()
    out.write(
        f"Generación y firma de {issued} títulos (una tarea, con avance): {elapsed:.1f} s "
        f"({issued / elapsed:.1f} títulos/s; meta < 60 s para 500), de ellos {cpu:.1f} s de CPU "
        f"de este proceso · estado {request.status}\n"
    )
    return IssuedTitle.objects.filter(request=request).order_by("number").first()


def _verification(title: Any, options: TitlesOptions, out: IO[str]) -> None:
    from django.urls import reverse

    client = Client()
    url = reverse("documents:verify", kwargs={"code": title.verification_code})
    connection = connections[options.using]
    for _ in range(options.warmup):
        client.get(url)
    times, counts = [], []
    for _ in range(options.repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        counts.append(len(captured.captured_queries))
        if response.status_code != 200:
            raise BenchError(f"{url} respondió {response.status_code}")
    queries = str(counts[0]) if len(set(counts)) == 1 else f"{min(counts)}-{max(counts)}"
    out.write(
        f"Página pública de verificación ({options.repeat} veces): mediana "
        f"{statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms, consultas {queries}\n"
    )


def run_titles(options: TitlesOptions, out: IO[str] = sys.stdout) -> None:
    check_migrations(options.using)
    actors = setup(options, out)
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        try:
            with transaction.atomic(using=options.using):
                title = _timed_generation(actors, options, out)
                _verification(title, options, out)
                raise _RollbackError
        except _RollbackError:
            pass
