"""The school budget process (viewflow)::

    start (treasurer) ─► prepare (treasurer) ─► submit (director) ─┬─ return ─► prepare
                              ▲                                    └─ submit ─► review (department)
                              └────────────── observe ◄───────────────────────────┤
                                                   approve, or adjust and approve ─► end

The reviewer holding the review task may adjust line amounts on the budget's page first (a
reason is required, each change audited with before and after and shown to the school), then
chooses «Ajustar y aprobar». Approving checks the submission guards again, so an adjustment
that broke one is refused (409 with the reason). After the process ends the approved budget
changes only through an explicit authorisation (``modules.finance.services
.budget_change_authorise``, then ``budget_adjustment_approve``), and the year-end task closes it.

The director's submission fires the budget's ``submit`` transition, whose guards refuse it
(409 with the reason) unless the ministry transfer is fully allocated and the own-income balance
is not negative. Whoever prepared or submitted the budget never reviews it (``exclude_actors_of``
here, and ``modules.finance.services`` refuses it again). Steps are worked on the generic task
page through ``core.workflow.task_action``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from core.accounts.choices import Role
from core.accounts.scopes import ScopePaths
from core.processes.nodes import RoleStart, RoleTask

from .forms import PrepareForm, ReviewForm, SubmitForm
from .models import BudgetProcess

DAY = timedelta(hours=9)  # one working day of business time (core/calendar.py)
SCHOOL = ScopePaths(school="school_id")
DEPARTMENT = ScopePaths(department="department_id")


def _decision_is(value: str) -> Any:
    def check(activation: Any) -> bool:
        return _process(activation).decision == value

    return check


def _process(activation: Any) -> BudgetProcess:
    process = activation.process
    return process if isinstance(process, BudgetProcess) else process.budgetprocess


class BudgetFlow(flow.Flow):
    """Presupuesto escolar"""

    process_class = BudgetProcess
    process_title = _("Presupuesto escolar")
    process_description = _(
        "El tesorero prepara el presupuesto del centro, el director lo presenta y un revisor "
        "financiero del departamento lo observa, lo aprueba o ajusta montos y lo aprueba."
    )
    process_summary_template = "{{ process.school_code }} · {{ process.year }}"
    lock_impl = lock.select_for_update_lock

    start = (
        RoleStart(
            this.start_process,
            roles=[Role.TREASURER],
            scope=lambda data: {"school_id": data["budget"].school_id},
        )
        .Annotation(title=_("El tesorero abre el presupuesto"))
        .Next(this.prepare)
    )

    prepare = RoleTask(
        PrepareForm,
        roles=[Role.TREASURER],
        scope=SCHOOL,
        due=5 * DAY,
        escalate_to=[Role.DIRECTOR],
        label=_("Preparar el presupuesto"),
    ).Next(this.submit)

    submit = RoleTask(
        SubmitForm,
        roles=[Role.DIRECTOR],
        scope=SCHOOL,
        exclude_actors_of=("prepare",),
        due=2 * DAY,
        escalate_to=[Role.DEPARTMENTAL_OFFICER],
        label=_("Presentar el presupuesto"),
    ).Next(this.after_submit)

    after_submit = (
        flow.Switch()
        .Annotation(title=_("¿Presentado?"))
        .Case(this.prepare, _decision_is("return"))
        .Default(this.review)
    )

    review = RoleTask(
        ReviewForm,
        roles=[Role.FINANCE_REVIEWER],
        scope=DEPARTMENT,
        exclude_actors_of=("prepare", "submit"),
        due=3 * DAY,
        escalate_to=[Role.DEPARTMENTAL_OFFICER],
        label=_("Revisar el presupuesto"),
    ).Next(this.after_review)

    after_review = (
        flow.Switch()
        .Annotation(title=_("¿Aprobado (con o sin ajustes del revisor)?"))
        .Case(this.prepare, _decision_is("observe"))
        .Default(this.end)
    )

    end = flow.End().Annotation(title=_("Presupuesto aprobado"))

    def process_details(self, process: Any, viewer: Any) -> list[dict[str, Any]]:
        from .selectors import budget_process_details

        return budget_process_details(process_pk=process.pk)

    def start_process(self, activation: Any, budget: Any) -> BudgetProcess:
        process = activation.process
        process.budget = budget
        process.school_id = budget.school_id
        process.department_id = budget.department_id
        process.school_code = budget.school.code
        process.year = budget.fiscal_year_id
        return process
