"""Demo work for ``manage.py seed_demo`` (DEMO ONLY): one correction waiting at each step, so
the demo technician, officers, teacher and director all find real work in their Bandeja.

Created through the real services (the portal's ``ticket_create`` and the steps'
``correction_step``). Idempotent: nothing happens once a demo correction exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from core.accounts.choices import Role
from core.accounts.models import User
from core.demo import DemoContext
from helpdesk.models import Service
from helpdesk.services import ticket_create
from modules.schools.demo import DEMO_ACCOUNTS

from .flows import DataCorrectionFlow
from .models import DataCorrection
from .services import correction_step

SERVICE_CODE = "correccion-de-datos-personales"
# A minimal valid PDF standing in for a scanned birth certificate.
DEMO_EVIDENCE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass(frozen=True)
class DemoCorrection:
    requester_dui: str
    answers: dict[str, str]
    description: str
    # The steps already worked, as (node name, DUI of who worked it, form data).
    steps: tuple[tuple[str, str, dict[str, str]], ...] = ()


def demo_corrections(
    *, technician: str, teacher: str, citizen: str, guardian: str
) -> tuple[DemoCorrection, ...]:
    forward = ("check_evidence", technician, {"verdict": "forward", "reason": ""})
    return (
        # Waits for the technician's evidence check.
        DemoCorrection(
            citizen,
            {
                "registro": "propio",
                "dato": "apellidos",
                "valor_actual": "Rivas Molina",
                "valor_correcto": "Rivas de Molina",
            },
            "Mi apellido de casada no aparece como en mi DUI.",
        ),
        # Waits for a departmental officer of San Salvador or a ministry officer.
        DemoCorrection(
            teacher,
            {
                "registro": "docente",
                "codigo_centro": "DEMO-001",
                "dato": "nombres",
                "valor_actual": "Ana Gabriela",
                "valor_correcto": "Ana Gabriela del Carmen",
            },
            "Falta mi tercer nombre, como aparece en mi partida de nacimiento.",
            (forward,),
        ),
        # Waits for a teacher of DEMO-001 to confirm against the school file.
        DemoCorrection(
            guardian,
            {
                "registro": "estudiante",
                "codigo_centro": "DEMO-001",
                "dato": "nacimiento",
                "valor_actual": "14/03/2016",
                "valor_correcto": "15/03/2016",
            },
            "La fecha de nacimiento de mi hija está equivocada por un día.",
            (forward,),
        ),
        # Confirmed by the teacher; waits for the director of DEMO-001.
        DemoCorrection(
            guardian,
            {
                "registro": "estudiante",
                "codigo_centro": "DEMO-001",
                "dato": "apellidos",
                "valor_actual": "Hernández Rivas",
                "valor_correcto": "Hernández de Rivas",
            },
            "El apellido de mi hija está incompleto.",
            (forward, ("confirm", teacher, {"decision": "approve", "comment": ""})),
        ),
    )


def seed_data_corrections(context: DemoContext) -> None:
    """The ``seed_demo`` step: the demo corrections, once (nothing when one exists)."""
    if DataCorrection.objects.exists():
        return
    duis = {account.role: account.dui for account in DEMO_ACCOUNTS}
    wanted = demo_corrections(
        technician=duis[Role.TECHNICIAN],
        teacher=duis[Role.TEACHER],
        citizen=duis[Role.CITIZEN],
        guardian=duis[Role.GUARDIAN],
    )
    service = Service.objects.get(code=SERVICE_CODE)
    everyone = {d.requester_dui for d in wanted} | {who for d in wanted for _, who, _ in d.steps}
    people = {user.dui: user for user in User.objects.filter(dui__in=everyone)}
    for demo in wanted:
        ticket = ticket_create(
            requester=people[demo.requester_dui],
            service=service,
            data=demo.answers,
            files={"respaldo": SimpleUploadedFile("partida.pdf", DEMO_EVIDENCE, "application/pdf")},
            description=demo.description,
        )
        process = DataCorrection.objects.get(ticket=ticket)
        for node_name, who, data in demo.steps:
            _work(process, node_name, people[who], data)
        context.count("data corrections")


def _work(process: DataCorrection, node_name: str, actor: User, data: dict[str, Any]) -> None:
    node = getattr(DataCorrectionFlow, node_name)
    task = process.task_set.get(flow_task=node, status__in=["NEW", "ASSIGNED"])
    correction_step(actor=actor, task=task, data=data)
