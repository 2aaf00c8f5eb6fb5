"""Demo data of the titles process for ``manage.py seed_demo`` (core/demo.py).

DEMO ONLY. Registers the signatories (the demo director of DEMO-001, a Minister, the demo
authenticating officer), creates a 2025 "2.º año de bachillerato" section at DEMO-001 with
promoted graduates, walks one request through every step (its first title's verification code
is fixed: ``DEM0-2025-0001``, in the README) and leaves a second one, requested by the demo
registrar and confirmed by the demo departmental officer, waiting for the demo director's
signature. Idempotent: everything is looked up first and only what is missing is written.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.accounts.choices import Sex
from core.accounts.models import Person, User
from core.accounts.services import person_create
from core.demo import DemoContext
from modules.documents.choices import RequestKind, SignatoryKind
from modules.documents.models import Signatory, SignatureImage, TitleRequest
from modules.documents.services import (
    signatory_register,
    signature_image_store,
    title_request_generate,
)
from modules.schools.choices import Shift
from modules.schools.models import School, SchoolYear, Section
from modules.schools.services import school_year_create, section_create
from modules.students.choices import EnrollmentStatus
from modules.students.models import Enrollment, Student
from modules.students.services import enrollment_close, enrollment_create, student_create

from .models import TitleProcess
from .services import titles_request, titles_step

DEMO_SCHOOL = "DEMO-001"
GRADUATION_YEAR = 2025
GRADE = "2.º año de bachillerato"
DIRECTOR_DUI = "02026006-0"
REGISTRAR_DUI = "02026011-7"
OFFICER_DUI = "02026007-8"
AUTHENTICATOR_DUI = "02026015-9"
PRINT_CENTRE_DUI = "02026016-7"
# From the range reserved for this module's demo people (02026300-x … 02026399-x).
MINISTER = {"dui": "02026300-0", "first_names": "Elena Beatriz", "last_names": "Campos Aguirre"}
# The verification code of the demo graduate's title (README); the others follow it.
DEMO_CODE = "DEM020250001"

GRADUATES = (
    ("Andrea Guadalupe", "Portillo Menjívar", Sex.FEMALE),
    ("José Rodrigo", "Ayala Figueroa", Sex.MALE),
    ("Karen Lisseth", "Orellana Bonilla", Sex.FEMALE),
    ("Mauricio Ernesto", "Chávez Lemus", Sex.MALE),
    ("Daniela Sofía", "Rivas Mendoza", Sex.FEMALE),
    ("Carlos Eduardo", "Henríquez Solano", Sex.MALE),
    ("Gabriela María", "Alas Fuentes", Sex.FEMALE),
    ("Fernando José", "Cañas Barrientos", Sex.MALE),
)
FIRST_REQUEST = 3  # graduates in the request walked to the end; the rest wait for signing


def demo_code(index: int) -> str:
    """``DEM0-2025-0001``, ``…-0002``: fixed codes (valid in the code alphabet)."""
    return f"DEM02025{index + 1:04d}"


def _signature_png(seed: int) -> bytes:
    """A hand-drawn-looking stroke, different for each signatory (no external file)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (360, 120), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = [(20 + i * 32, 70 + ((i * (seed + 3) * 37) % 50) - 25) for i in range(11)]
    draw.line(points, fill=(25, 35, 90, 255), width=5, joint="curve")
    draw.line([(40, 100), (320, 96)], fill=(25, 35, 90, 255), width=3)
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


class _Upload(BytesIO):
    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name
        self.size = len(data)


def _image(seed: int) -> SignatureImage:
    return signature_image_store(_Upload(_signature_png(seed), f"firma-{seed}.png"))


def _user(dui: str) -> User:
    return User.objects.select_related("person").get(dui=dui)


def _signatories(context: DemoContext, school: School) -> None:
    director = _user(DIRECTOR_DUI)
    if not Signatory.objects.filter(kind=SignatoryKind.DIRECTOR, user=director).exists():
        signatory_register(
            actor=None,
            kind=SignatoryKind.DIRECTOR,
            person=director.person,
            user=director,
            school=school,
            position=f"Director, {school.name}",
            signature=_image(1),
            valid_from=date(2024, 1, 1),
        )
        context.count("signatories")
    if not Signatory.objects.filter(kind=SignatoryKind.MINISTER).exists():
        person = Person.objects.filter(dui=MINISTER["dui"]).first() or person_create(**MINISTER)
        signatory_register(
            actor=None,
            kind=SignatoryKind.MINISTER,
            person=person,
            position="Ministra de Educación, Ciencia y Tecnología",
            signature=_image(2),
            valid_from=date(2024, 6, 1),
        )
        context.count("signatories")
    authenticator = _user(AUTHENTICATOR_DUI)
    if not Signatory.objects.filter(kind=SignatoryKind.AUTHENTICATOR, user=authenticator).exists():
        signatory_register(
            actor=None,
            kind=SignatoryKind.AUTHENTICATOR,
            person=authenticator.person,
            user=authenticator,
            position="Titular de auténtica, Ministerio de Educación",
            signature=_image(3),
            valid_from=date(2024, 1, 1),
        )
        context.count("signatories")


def _graduating_section(context: DemoContext, school: School, director: User) -> Section:
    if not SchoolYear.objects.filter(pk=GRADUATION_YEAR).exists():
        school_year_create(
            year=GRADUATION_YEAR,
            start_date=date(GRADUATION_YEAR, 1, 20),
            end_date=date(GRADUATION_YEAR, 11, 14),
        )
    section = Section.objects.filter(
        school=school, school_year_id=GRADUATION_YEAR, grade__name=GRADE, name="A"
    ).first()
    if section is None:
        section = section_create(
            school=school, school_year=GRADUATION_YEAR, grade=GRADE, name="A", shift=Shift.MORNING
        )
        context.count("sections")
    for index, (first, last, sex) in enumerate(GRADUATES):
        birth = date(GRADUATION_YEAR - 18, 1 + index, 3 + index)
        person = Person.objects.filter(
            dui__isnull=True, first_names=first, last_names=last, birth_date=birth
        ).first() or person_create(first_names=first, last_names=last, birth_date=birth, sex=sex)
        student = Student.objects.filter(person=person).first() or student_create(person=person)
        enrollment = Enrollment.objects.filter(student=student, section=section).first()
        if enrollment is None:
            enrollment = enrollment_create(
                actor=director,
                student=student,
                section=section,
                enrolled_on=date(GRADUATION_YEAR, 1, 20),
            )
            context.count("enrollments")
        if enrollment.status == EnrollmentStatus.ACTIVE:
            enrollment_close(actor=director, enrollment=enrollment, promoted=True)
    return section


def _task(process: TitleProcess, node: str) -> Any:
    return (
        process.task_set.filter(flow_task=getattr(process.flow_class.instance, node))
        .exclude(status="DONE")
        .first()
    )


def _step(process: TitleProcess, node: str, dui: str, data: dict[str, Any]) -> None:
    task = _task(process, node)
    if task is not None:
        titles_step(actor=_user(dui), task=task, data=data)


def _student_ids(section: Section, names: tuple) -> list[int]:
    wanted = {(first, last) for first, last, _sex in names}
    return [
        student_id
        for student_id, first, last in Enrollment.objects.filter(section=section).values_list(
            "student_id", "student__person__first_names", "student__person__last_names"
        )
        if (first, last) in wanted
    ]


def _request(context: DemoContext, section: Section, names: tuple) -> TitleProcess:
    ids = _student_ids(section, names)
    existing = TitleRequest.objects.filter(section=section, items__student_id=ids[0]).first()
    if existing is not None:
        return TitleProcess.objects.get(title_request=existing)
    context.count("title requests")
    return titles_request(
        actor=_user(REGISTRAR_DUI),
        kind=RequestKind.FIRST_ISSUE,
        school=section.school,
        section=section,
        student_ids=ids,
    )


def seed_titles(context: DemoContext) -> None:
    school = School.objects.get(code=DEMO_SCHOOL)
    director = _user(DIRECTOR_DUI)
    _signatories(context, school)
    section = _graduating_section(context, school, director)
    confirm = {"decision": "confirm", "excluded": "", "note": ""}

    # The walked request: issued, signed, printed and delivered, with fixed codes.
    first = _request(context, section, GRADUATES[:FIRST_REQUEST])
    _step(first, "verify", OFFICER_DUI, confirm)
    _step(first, "sign", DIRECTOR_DUI, {"confirm": "on"})
    with transaction.atomic():
        # Generated here with the demo's codes; the queued generation then finds it done.
        _step(first, "countersign", AUTHENTICATOR_DUI, {"confirm": "on"})
        title_request_generate(request_id=first.title_request_id, code_factory=demo_code)
    _step(first, "print_titles", PRINT_CENTRE_DUI, {"confirm": "on"})
    _step(first, "department_receipt", OFFICER_DUI, {"confirm": "on"})
    _step(first, "school_receipt", REGISTRAR_DUI, {"confirm": "on"})
    today = timezone.localdate().strftime("%d/%m/%Y")
    _step(first, "deliver", REGISTRAR_DUI, {"delivered_on": today, "confirm": "on"})

    # The request waiting in the demo director's Bandeja.
    second = _request(context, section, GRADUATES[FIRST_REQUEST:])
    _step(second, "verify", OFFICER_DUI, confirm)
    context.data["title_code"] = "DEM0-2025-0001"
