"""What SIGES keeps about a viewflow task beyond viewflow's own columns: its due time."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskDue(models.Model):
    """The due time of a human task (business time from its creation), and whether the sweep
    has already reminded and escalated it (each happens once)."""

    task = models.OneToOneField(
        "viewflow.Task", on_delete=models.CASCADE, primary_key=True, related_name="due"
    )
    due_at = models.DateTimeField(_("vence"), db_index=True)
    remind_at = models.DateTimeField(_("recordar desde"))
    reminded_at = models.DateTimeField(_("recordada"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalada"), null=True, blank=True)

    class Meta:
        verbose_name = _("vencimiento de tarea")
        verbose_name_plural = _("vencimientos de tareas")

    def __str__(self) -> str:
        return f"{self.task_id}: {self.due_at.isoformat()}"
