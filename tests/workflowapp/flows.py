"""Test flows for core.workflow and core.processes.

- ``ReviewFlow``: start from code → one technician review (a confirmation) → end.
- ``SignFlow``: like ``ReviewFlow``, but its one step asks for a fresh re-authentication.
- ``ApprovalFlow``: a school's director starts it → a technician checks it (a decision, due in
  4 business hours) → an officer of the school's department approves or rejects it (never the
  person who checked it; due in 8 business hours) → end. The school and department ids are kept
  in viewflow's ``Process.data``, with whom the request is for (who may follow it).
"""

from datetime import timedelta

from viewflow import this
from viewflow.workflow import flow, lock

from core.accounts.choices import Role
from core.accounts.scopes import ScopePaths
from core.processes.forms import ConfirmForm, DecisionForm
from core.processes.nodes import RoleStart, RoleTask


class ReviewFlow(flow.Flow):
    """Revisión de prueba"""

    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_process).Next(this.review)
    review = RoleTask(ConfirmForm, roles=[Role.TECHNICIAN]).Next(this.end)
    end = flow.End()

    def start_process(self, activation, title: str = ""):
        activation.process.data = {"title": title}
        return activation.process


class ApprovalFlow(flow.Flow):
    """Aprobación de prueba"""

    lock_impl = lock.select_for_update_lock
    process_summary_template = "{{ process.data.title }}"

    start = RoleStart(
        this.start_process,
        roles=[Role.DIRECTOR],
        scope=lambda data: {"school_id": data["school"].pk},
    ).Next(this.check)
    check = RoleTask(
        DecisionForm, roles=[Role.TECHNICIAN], due=timedelta(hours=4), label="Revisar la solicitud"
    ).Next(this.approve)
    approve = RoleTask(
        DecisionForm,
        roles=[Role.DEPARTMENTAL_OFFICER, Role.MINISTRY_OFFICER],
        scope=ScopePaths(department="data__department_id", school="data__school_id"),
        exclude_actors_of=("check",),
        due=timedelta(hours=8),
        label="Aprobar la solicitud",
    ).Next(this.end)
    end = flow.End()

    def start_process(self, activation, school, title: str = "", requester_id=None):
        activation.process.data = {
            "title": title,
            "school_id": school.pk,
            "department_id": school.municipality.department_id,
            "requester_id": requester_id,
        }
        return activation.process

    def is_participant(self, process, user) -> bool:
        """Whoever the request is for may follow it (as a ticket's requester would)."""
        return process.data.get("requester_id") == user.pk


class SignFlow(flow.Flow):
    """Firma de prueba"""

    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_process).Next(this.sign)
    sign = RoleTask(
        ConfirmForm, roles=[Role.TECHNICIAN], step_up=True, label="Firmar la solicitud"
    ).Next(this.end)
    end = flow.End()

    def start_process(self, activation, title: str = ""):
        activation.process.data = {"title": title}
        return activation.process
