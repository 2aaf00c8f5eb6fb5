"""The lifecycle of an import job (django-fsm-2), fired only through ``core.workflow.transition``.

::

    checking ─pass_check─► ready ─start─► queued ─begin─► running ─finish─► done
        └─fail_check─► rejected              └────────fail────────┴─fail─► failed

``checking`` is the dry run; ``rejected`` means the file or some rows are wrong (nothing was
written, the report says why); ``failed`` means the import itself stopped and was rolled back.
The system (actor ``None``) fires every transition except ``start``, which the person who may
import fires.
"""

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition


class JobStatus(models.TextChoices):
    CHECKING = "checking", _("Revisando")
    READY = "ready", _("Lista para importar")
    REJECTED = "rejected", _("Con errores")
    QUEUED = "queued", _("En cola")
    RUNNING = "running", _("Importando")
    DONE = "done", _("Importada")
    FAILED = "failed", _("Fallida")


S = JobStatus
FINAL = (S.REJECTED, S.DONE, S.FAILED)


def system(job: Any, user: Any) -> bool:
    return user is None


def importer(job: Any, user: Any) -> bool:
    from .access import can_import

    return user is not None and user.is_active and can_import(user)


class ImportJobLifecycle(models.Model):
    status = FSMField(
        _("estado"), max_length=10, choices=S.choices, default=S.CHECKING, protected=True
    )

    class Meta:
        abstract = True

    @transition(field=status, source=S.CHECKING, target=S.READY, permission=system)
    def pass_check(self, *, total_rows: int) -> None:
        """The dry run found no errors."""
        self.total_rows = total_rows
        self.processed_rows = total_rows

    @transition(field=status, source=S.CHECKING, target=S.REJECTED, permission=system)
    def fail_check(self, *, total_rows: int, error_rows: int, message: str = "") -> None:
        """The dry run found errors in the file or its rows."""
        self.total_rows = total_rows
        self.processed_rows = total_rows
        self.error_rows = error_rows
        self.message = message[:500]

    @transition(
        field=status,
        source=S.READY,
        target=S.QUEUED,
        permission=importer,
        custom={"label": _("Importar")},
    )
    def start(self) -> None:
        """The person asks for the checked file to be imported."""
        self.processed_rows = 0

    @transition(field=status, source=S.QUEUED, target=S.RUNNING, permission=system)
    def begin(self) -> None:
        """A worker took the job."""
        self.started_at = timezone.now()

    @transition(field=status, source=S.RUNNING, target=S.DONE, permission=system)
    def finish(self, *, processed: int, created: int, updated: int, unchanged: int) -> None:
        """Every row was written, in one transaction."""
        self.processed_rows = processed
        self.created_count = created
        self.updated_count = updated
        self.unchanged_count = unchanged
        self.finished_at = timezone.now()

    @transition(
        field=status, source=[S.CHECKING, S.QUEUED, S.RUNNING], target=S.FAILED, permission=system
    )
    def fail(self, *, message: str) -> None:
        """The import stopped; its transaction was rolled back."""
        self.message = message[:500]
        self.finished_at = timezone.now()
