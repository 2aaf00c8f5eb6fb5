"""Lifecycles of a title request and of an issued title (django-fsm-2). Fired only through
``core.workflow.transition`` by ``services.py`` (docs/domain.md, "Titles")::

    sent ─confirm─► confirmed ─generate─► pending_print ─mark_printed─► printed
      │ └─confirm_with_exceptions─► with_exceptions ─generate─┘
      ├─reject (or every student excluded)─► rejected
      └ (annulment requests) confirmed / with_exceptions ─apply_annulment─► annulled

    title: valid ─mark_replaced─► replaced        valid ─annul─► annulled

The services check who may act (the process's steps); a transition only changes the row's own
fields.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from .choices import RequestStatus as R
from .choices import TitleStatus as T


def staff_or_system(record: Any, user: Any) -> bool:
    """Services check the actor's step first; this refuses inactive users (``None`` is the
    system: the background generation)."""
    return user is None or bool(getattr(user, "is_active", False))


class TitleRequestLifecycle(models.Model):
    status = FSMField(_("estado"), max_length=16, choices=R.choices, default=R.SENT, protected=True)

    class Meta:
        abstract = True

    @transition(
        field=status,
        source=R.SENT,
        target=R.CONFIRMED,
        permission=staff_or_system,
        custom={"label": _("Confirmar")},
    )
    def confirm(self) -> None:
        """Every student of the request verified by the departmental office."""

    @transition(
        field=status,
        source=R.SENT,
        target=R.WITH_EXCEPTIONS,
        permission=staff_or_system,
        custom={"label": _("Confirmar con excepciones")},
    )
    def confirm_with_exceptions(self) -> None:
        """Some students excluded (each with a motive); the rest go on."""

    @transition(
        field=status,
        source=R.SENT,
        target=R.REJECTED,
        permission=staff_or_system,
        custom={"label": _("Rechazar")},
    )
    def reject(self, *, reason: str) -> None:
        self.decision_note = reason

    @transition(
        field=status,
        source=[R.CONFIRMED, R.WITH_EXCEPTIONS],
        target=R.PENDING_PRINT,
        permission=staff_or_system,
        custom={"label": _("Generar los títulos")},
    )
    def generate(self) -> None:
        """Every title of the request is issued and signed."""

    @transition(
        field=status,
        source=R.PENDING_PRINT,
        target=R.PRINTED,
        permission=staff_or_system,
        custom={"label": _("Marcar impresa")},
    )
    def mark_printed(self) -> None:
        """The print centre printed the titles."""

    @transition(
        field=status,
        source=[R.CONFIRMED, R.WITH_EXCEPTIONS],
        target=R.ANNULLED,
        permission=staff_or_system,
        custom={"label": _("Aplicar la anulación")},
    )
    def apply_annulment(self) -> None:
        """An annulment request signed and countersigned: its titles are annulled."""


class IssuedTitleLifecycle(models.Model):
    status = FSMField(
        _("estado"), max_length=10, choices=T.choices, default=T.VALID, protected=True
    )

    class Meta:
        abstract = True

    @transition(
        field=status,
        source=T.VALID,
        target=T.REPLACED,
        permission=staff_or_system,
        custom={"label": _("Reemplazar")},
    )
    def mark_replaced(self, *, by: Any) -> None:
        self.replaced_by = by

    @transition(
        field=status,
        source=T.VALID,
        target=T.ANNULLED,
        permission=staff_or_system,
        custom={"label": _("Anular")},
    )
    def annul(self, *, motive: Any, on: Any, note: str = "") -> None:
        self.annulment_motive = motive
        self.annulled_on = on
        self.annulment_note = note
