"""The titles process (viewflow; docs/domain.md, "Titles")::

    start (registrar)  ─┐
    start_ticket (citizen's "reposición de título") ─┴► verify (departmental officer)
        ├─ rejected / every student excluded ─► end
        └─ confirmed (maybe with exceptions) ─► sign (the school's director)
             ─► countersign (an authenticating officer) ─┬─ annulment ─► end
                                                          └─► print_titles (print centre)
             ─► department_receipt ─► school_receipt ─► deliver (to the graduates) ─► end

The titles are generated and signed by a background task queued when the countersign commits;
the print centre's step waits for it. Both signatures ask for a fresh re-authentication on the
task page (``step_up=True``, core/accounts/stepup.py). Separation of duties: whoever requested
can neither verify, sign nor countersign; the verifier cannot sign; the director cannot
countersign. Steps are worked on the generic task page through ``core.workflow.task_action``;
each form's ``apply`` calls this app's services.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from core.accounts.choices import Role
from core.accounts.scopes import ScopePaths
from core.processes.nodes import RoleStart, RoleTask, process_prefix
from modules.documents.choices import RequestKind, RequestStatus

from .forms import (
    CountersignForm,
    DeliverForm,
    PrintForm,
    ReceiveDepartmentForm,
    ReceiveSchoolForm,
    SignForm,
    VerifyForm,
)
from .models import TitleProcess

DAY = timedelta(hours=9)  # one working day of business time (core/calendar.py)


class TitleTask(RoleTask):
    """A step of this process. ``never_requester``: the person who asked for the titles may
    not work it (verification and both signatures)."""

    def __init__(self, *args: Any, never_requester: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.never_requester = never_requester

    def work_queue_q(self, user: Any) -> Q | None:
        condition = super().work_queue_q(user)
        if condition is None or not self.never_requester:
            return condition
        return condition & ~Q(**{f"{process_prefix(self.flow_class)}requester": user.pk})

    def _requester_id(self, task: Any) -> int | None:
        return (
            TitleProcess.objects.filter(pk=task.process_id)
            .values_list("requester_id", flat=True)
            .first()
        )

    def separation_reason(self, user: Any, task: Any) -> str:
        if (
            self.never_requester
            and user is not None
            and task.process_id is not None
            and self._requester_id(task) == user.pk
        ):
            return gettext(
                "Usted solicitó estos títulos: otra persona debe verificarlos, firmarlos y "
                "autenticarlos."
            )
        return super().separation_reason(user, task)

    def escalation_recipients(self, task: Any) -> Any:
        """Holders of ``escalate_to`` whose grant covers the school *or its department*: a
        school's overdue signature goes to its departmental office."""
        from core.processes.services import people_in_scope

        row = (
            TitleProcess.objects.filter(pk=task.process_id)
            .values("school_id", "department_id")
            .first()
            or {}
        )
        return people_in_scope(roles=self.escalate_to, targets=row)

    def eligible_people(self, task: Any) -> Any:
        people = super().eligible_people(task)
        if self.never_requester:
            people = people.exclude(pk=self._requester_id(task))
        return people


def _request_status(activation: Any) -> str:
    process = activation.process
    process = process if isinstance(process, TitleProcess) else process.titleprocess
    return process.title_request.status


def _confirmed(activation: Any) -> bool:
    return _request_status(activation) in (RequestStatus.CONFIRMED, RequestStatus.WITH_EXCEPTIONS)


def _is_annulment(activation: Any) -> bool:
    process = activation.process
    process = process if isinstance(process, TitleProcess) else process.titleprocess
    return process.kind == RequestKind.ANNULMENT


SCHOOL = ScopePaths(school="school_id")
DEPARTMENT = ScopePaths(department="department_id")


class TitleFlow(flow.Flow):
    """Emisión de títulos de bachiller"""

    process_class = TitleProcess
    process_title = _("Emisión de títulos")
    process_description = _(
        "El registro académico del centro solicita los títulos de sus graduados; la oficina "
        "departamental verifica, el director firma, un titular de auténtica refrenda, los "
        "títulos se generan firmados digitalmente y viajan hasta cada graduado."
    )
    # Fields of the process row only: the Bandeja lists titles without extra queries.
    process_summary_template = (
        "{{ process.request_number }} · {{ process.get_kind_display }} · {{ process.school_code }}"
    )
    lock_impl = lock.select_for_update_lock

    start = (
        RoleStart(
            this.start_process,
            roles=[Role.REGISTRAR],
            scope=lambda data: {"school_id": data["title_request"].school_id},
        )
        .Annotation(title=_("Solicitud del centro educativo"))
        .Next(this.verify)
    )
    start_ticket = (
        flow.StartHandle(this.start_process)
        .Annotation(title=_("Reposición pedida por el graduado"))
        .Next(this.verify)
    )

    verify = TitleTask(
        VerifyForm,
        roles=[Role.DEPARTMENTAL_OFFICER],
        scope=DEPARTMENT,
        never_requester=True,
        due=2 * DAY,
        escalate_to=[Role.MINISTRY_OFFICER],
        label=_("Verificar la solicitud de títulos"),
    ).Next(this.after_verify)

    after_verify = (
        flow.If(_confirmed).Annotation(title=_("¿Confirmada?")).Then(this.sign).Else(this.end)
    )

    sign = TitleTask(
        SignForm,
        roles=[Role.DIRECTOR],
        scope=SCHOOL,
        exclude_actors_of=("verify",),
        never_requester=True,
        # The task page asks for a fresh re-authentication (with the authenticator app).
        step_up=True,
        due=2 * DAY,
        escalate_to=[Role.DEPARTMENTAL_OFFICER],
        label=_("Firma del director"),
    ).Next(this.countersign)

    countersign = TitleTask(
        CountersignForm,
        roles=[Role.TITLE_AUTHENTICATOR],
        exclude_actors_of=("verify", "sign"),
        never_requester=True,
        step_up=True,
        due=2 * DAY,
        escalate_to=[Role.MINISTRY_OFFICER],
        label=_("Auténtica (refrendo)"),
    ).Next(this.after_countersign)

    after_countersign = (
        flow.If(_is_annulment)
        .Annotation(title=_("¿Es una anulación?"))
        .Then(this.end)
        .Else(this.print_titles)
    )

    print_titles = TitleTask(
        PrintForm,
        roles=[Role.PRINT_CENTRE],
        due=3 * DAY,
        escalate_to=[Role.MINISTRY_OFFICER],
        label=_("Imprimir los títulos"),
    ).Next(this.department_receipt)

    department_receipt = TitleTask(
        ReceiveDepartmentForm,
        roles=[Role.DEPARTMENTAL_OFFICER],
        scope=DEPARTMENT,
        due=5 * DAY,
        escalate_to=[Role.MINISTRY_OFFICER],
        label=_("Recepción en la oficina departamental"),
    ).Next(this.school_receipt)

    school_receipt = TitleTask(
        ReceiveSchoolForm,
        roles=[Role.REGISTRAR, Role.DIRECTOR],
        scope=SCHOOL,
        due=5 * DAY,
        escalate_to=[Role.DEPARTMENTAL_OFFICER],
        label=_("Recepción en el centro educativo"),
    ).Next(this.deliver)

    deliver = TitleTask(
        DeliverForm,
        roles=[Role.REGISTRAR, Role.DIRECTOR],
        scope=SCHOOL,
        due=10 * DAY,
        escalate_to=[Role.DIRECTOR],
        label=_("Entrega a los graduados"),
    ).Next(this.end)

    end = flow.End().Annotation(title=_("Fin"))

    def process_details(self, process: Any, viewer: Any) -> list[dict[str, Any]]:
        """The request and its students, on the task and process pages."""
        from .selectors import process_details

        return process_details(process_pk=process.pk)

    def start_process(self, activation: Any, **fields: Any) -> TitleProcess:
        process = activation.process
        for name, value in fields.items():
            setattr(process, name, value)
        return process
