"""A minimal viewflow process: start from code → one human review task → end."""

from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.flow.views import UpdateProcessView

from core.accounts.choices import Role
from core.accounts.scopes import has_role


class RoleView(flow.View):
    """A human task offered to holders of SIGES ``roles`` (instead of Django permissions)."""

    def __init__(self, *args, roles=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.roles = frozenset(roles)

    def can_assign(self, user, task) -> bool:
        return super().can_assign(user, task) and has_role(user, self.roles)


class ReviewFlow(flow.Flow):
    """Revisión de prueba"""

    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_process).Next(this.review)
    review = RoleView(UpdateProcessView.as_view(fields=[]), roles=[Role.TECHNICIAN]).Next(this.end)
    end = flow.End()

    def start_process(self, activation, title: str = ""):
        activation.process.data = {"title": title}
        return activation.process
