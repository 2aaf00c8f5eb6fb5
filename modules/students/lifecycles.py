"""The enrollment (matrícula) lifecycle (django-fsm-2). Fired only through
``core.workflow.transition`` by the services in ``services.py``.

::

    provisional ─confirm─► active ─promote─► promoted
         │                   ├─hold_back─► not_promoted ─repeat─► repeater
         │                   ├─withdraw (dropout motive)─► withdrawn
         │                   └─transfer (transfer / section change motive)─► transferred
         └──────────── withdraw / transfer / annul ◄──┘ (annul: enrolled by mistake)

A transition only changes the enrollment's own fields; the services do everything else (the new
enrollment of a transfer, audit payloads, notifications).
"""

from datetime import date
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from .choices import EnrollmentStatus as S


def staff(enrollment: Any, user: Any) -> bool:
    """Services check the actor's scope first; this refuses anonymous and inactive users."""
    return user is None or bool(getattr(user, "is_active", False))


class EnrollmentLifecycle(models.Model):
    status = FSMField(
        _("estado"), max_length=15, choices=S.choices, default=S.PROVISIONAL, protected=True
    )
    withdrawal_motive = models.ForeignKey(
        "students.WithdrawalMotive",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("motivo de retiro"),
    )
    ended_on = models.DateField(_("fecha de fin"), null=True, blank=True)
    status_note = models.CharField(_("observación"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @staticmethod
    def imported_state() -> dict[str, Any]:
        """The state of a new enrollment carried over from an earlier system by a bulk import:
        it was confirmed there, so it starts ``active`` (docs/imports.md §7). Nothing else
        creates an enrollment in a state other than the initial one."""
        return {"status": S.ACTIVE}

    @transition(
        field=status,
        source=S.PROVISIONAL,
        target=S.ACTIVE,
        permission=staff,
        custom={"label": _("Confirmar matrícula")},
    )
    def confirm(self) -> None:
        """Documents checked: the provisional enrollment becomes firm."""

    @transition(
        field=status,
        source=[S.PROVISIONAL, S.ACTIVE],
        target=S.WITHDRAWN,
        permission=staff,
        custom={"label": _("Retirar")},
    )
    def withdraw(self, *, motive: Any, on: date, note: str = "") -> None:
        # The service has checked that ``motive`` is a definitive-dropout one.
        self._end(on=on, note=note, motive=motive)

    @transition(
        field=status,
        source=[S.PROVISIONAL, S.ACTIVE],
        target=S.TRANSFERRED,
        permission=staff,
        custom={"label": _("Trasladar")},
    )
    def transfer(self, *, motive: Any, on: date, note: str = "") -> None:
        # The service has checked that ``motive`` is a transfer or section-change one.
        self._end(on=on, note=note, motive=motive)

    @transition(
        field=status,
        source=[S.PROVISIONAL, S.ACTIVE],
        target=S.ANNULLED,
        permission=staff,
        custom={"label": _("Anular")},
    )
    def annul(self, *, on: date, note: str) -> None:
        self._end(on=on, note=note)

    def _end(self, *, on: date, note: str, motive: Any = None) -> None:
        """The columns every ending transition fills (a motive for withdrawals and transfers)."""
        if motive is not None:
            self.withdrawal_motive = motive
        self.ended_on = on
        self.status_note = note

    @transition(
        field=status,
        source=S.ACTIVE,
        target=S.PROMOTED,
        permission=staff,
        custom={"label": _("Promover")},
    )
    def promote(self) -> None:
        """Year closed with the grade passed (decided by the promotion rules)."""

    @transition(
        field=status,
        source=S.ACTIVE,
        target=S.NOT_PROMOTED,
        permission=staff,
        custom={"label": _("No promover")},
    )
    def hold_back(self) -> None:
        """Year closed without passing the grade."""

    @transition(
        field=status,
        source=S.NOT_PROMOTED,
        target=S.REPEATER,
        permission=staff,
        custom={"label": _("Registrar repetición")},
    )
    def repeat(self) -> None:
        """The student enrolled in the same grade the following year."""
