"""Forms of the staff ticket page, one per action. They parse and check input for display
(labels, choices limited to what the actor may pick); the services check everything again.

Every form takes ``ticket`` and ``actor`` keyword arguments, so the page builds them uniformly.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import PlainSelect

from .choices import LinkKind, Priority
from .conf import helpdesk_settings
from .models import Ticket
from .portal_forms import MultipleFileField
from .staff_selectors import assignable_technicians, route_destinations, ticket_find_for_staff


class StaffForm(forms.Form):
    def __init__(self, *args: Any, ticket: Ticket, actor: Any, **kwargs: Any) -> None:
        self.ticket = ticket
        self.actor = actor
        super().__init__(*args, **kwargs)


class EmptyForm(StaffForm):
    """Actions without input (claim, release, close): only the CSRF token travels."""


class _PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        # A name, never the DUI (User.__str__ would fall back to it without a person).
        return obj.person.full_name


class AssignForm(StaffForm):
    assignee = _PersonChoiceField(
        label=_("Asignar a"),
        queryset=None,
        empty_label=_("Elija un técnico"),
        widget=PlainSelect,
        error_messages={"invalid_choice": _("Esa persona no atiende la cola del caso.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_technicians(ticket=self.ticket)


class RouteForm(StaffForm):
    queue = forms.ModelChoiceField(
        label=_("Derivar a la cola"),
        queryset=None,
        empty_label=_("Elija una cola"),
        widget=PlainSelect,
        error_messages={"invalid_choice": _("Elija una cola activa distinta de la actual.")},
    )
    note = forms.CharField(
        label=_("Nota interna (opcional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Por qué se deriva; solo la ve el personal."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["queue"].queryset = route_destinations(ticket=self.ticket)
        self.fields["note"].max_length = helpdesk_settings.MAX_BODY_CHARS


class PriorityForm(StaffForm):
    priority = forms.ChoiceField(label=_("Prioridad"), choices=Priority.choices, widget=PlainSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priority"].initial = self.ticket.priority


class _MessageForm(StaffForm):
    body_label = _("Mensaje")
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))
    files = MultipleFileField(label=_("Archivos adjuntos"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].label = self.body_label
        self.fields["body"].max_length = helpdesk_settings.MAX_BODY_CHARS
        self.fields["files"].help_text = _(
            "Opcional. PDF, PNG, JPEG, texto, Word (.docx) o Excel (.xlsx)."
        )


class ReplyForm(_MessageForm):
    """A public reply; ``prefix`` keeps its ids apart from the note's on the same page."""

    body_label = _("Respuesta al solicitante")
    prefix = "respuesta"


class NoteForm(_MessageForm):
    body_label = _("Nota interna (solo personal)")
    prefix = "nota"


class WaitingForm(StaffForm):
    message = forms.CharField(
        label=_("Qué necesita del solicitante"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Se envía como respuesta pública. El plazo de resolución se detiene."),
    )
    prefix = "espera"


class ResolveForm(StaffForm):
    message = forms.CharField(
        label=_("Mensaje de resolución"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Lo que se hizo; el solicitante lo recibe y puede reabrir el caso."),
    )
    prefix = "resolucion"


class ReopenForm(StaffForm):
    message = forms.CharField(
        label=_("Motivo (nota interna, opcional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    prefix = "reapertura"


def _clean_ticket_number(form: StaffForm, value: str) -> Ticket:
    other = ticket_find_for_staff(actor=form.actor, number=value)
    if other is None:
        raise forms.ValidationError(
            _("No hay un caso con ese número en las colas que usted atiende.")
        )
    return other


class MergeForm(StaffForm):
    into = forms.CharField(
        label=_("Fusionar en el caso número"),
        max_length=24,
        help_text=_("Este caso quedará «fusionado» y su conversación se verá en el otro."),
    )

    def clean_into(self) -> Ticket:
        return _clean_ticket_number(self, self.cleaned_data["into"])


class LinkForm(StaffForm):
    other = forms.CharField(label=_("Número del otro caso"), max_length=24)
    kind = forms.ChoiceField(
        label=_("Tipo de vínculo"),
        choices=[
            (LinkKind.RELATED, _("Relacionado con este caso")),
            (LinkKind.PARENT, _("Es el caso principal de este")),
            (LinkKind.CHILD, _("Deriva de este caso")),
        ],
        widget=PlainSelect,
    )

    def clean_other(self) -> Ticket:
        return _clean_ticket_number(self, self.cleaned_data["other"])


__all__ = [
    "AssignForm",
    "EmptyForm",
    "LinkForm",
    "MergeForm",
    "NoteForm",
    "PriorityForm",
    "ReopenForm",
    "ReplyForm",
    "ResolveForm",
    "RouteForm",
    "StaffForm",
    "WaitingForm",
]
