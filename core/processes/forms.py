"""Forms that human steps of a process show on the task page (``RoleTask(form_class, ...)``).

A step's form is a plain Django form; its ``submit_label`` (optional) names the button that
sends it ("Registrar la decisión") instead of the generic "Realizar". Its cleaned data is saved
into the task and the process by ``RoleTask.save_form`` (or by the form's own
``apply(activation)``), inside ``core.workflow.task_action``: nothing is saved when the form is
invalid.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

APPROVE = "approve"
REJECT = "reject"


class DecisionForm(forms.Form):
    """Approve with an optional comment, or reject with a required reason.

    Saved as ``{"decision": "approve" | "reject", "comment": "..."}``; a flow branches on it,
    e.g. ``flow.If(lambda activation: activation.process.data["approve"]["decision"] ==
    "approve")``.
    """

    decision = forms.ChoiceField(
        label=_("Decisión"),
        choices=[(APPROVE, _("Aprobar")), (REJECT, _("Rechazar"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comentario o motivo"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Opcional al aprobar; obligatorio al rechazar."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("decision") == REJECT and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Indique el motivo del rechazo."))
        return cleaned


class ConfirmForm(forms.Form):
    """A step with nothing to fill in: the person confirms it is done."""


__all__ = ["APPROVE", "REJECT", "ConfirmForm", "DecisionForm"]
