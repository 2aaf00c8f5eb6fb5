"""Forms of the citizen portal around the service's own form (``forms.build_service_form``):
the description and files of a request, a reply, a cancellation and a satisfaction rating.

They only parse and check input for display; the services validate again and decide.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.uploads import check_uploads

from .conf import helpdesk_settings, upload_limits


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, each checked by content (``uploads.check_uploads``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else [data]
        files = [super(MultipleFileField, self).clean(item, initial) for item in items if item]
        if files:
            try:
                check_uploads(files, limits=upload_limits())
            except ValidationError as exc:
                raise ValidationError(exc.messages) from exc
        return files


def _files_help() -> str:
    megabytes = helpdesk_settings.MAX_UPLOAD_BYTES // (1024 * 1024)
    return str(
        _(
            "Opcional. Hasta %(count)d archivos de %(size)d MB como máximo cada uno: PDF, PNG, "
            "JPEG, texto, Word (.docx) o Excel (.xlsx)."
        )
        % {"count": helpdesk_settings.MAX_FILES_PER_ENTRY, "size": megabytes}
    )


class RequestDetailsForm(forms.Form):
    """What every request adds to the service's own questions. Rendered with the prefix
    ``solicitud`` so its names never collide with a service field's key."""

    subject = forms.CharField(
        label=_("Asunto"),
        required=False,
        help_text=_("Opcional. Si lo deja vacío, usaremos el nombre del trámite."),
    )
    description = forms.CharField(
        label=_("Descripción"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Cuéntenos lo que necesita con sus palabras."),
    )
    attachments = MultipleFileField(label=_("Archivos adjuntos"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "solicitud")
        super().__init__(*args, **kwargs)
        self.fields["subject"].max_length = helpdesk_settings.MAX_SUBJECT_CHARS
        self.fields["subject"].widget.attrs["maxlength"] = helpdesk_settings.MAX_SUBJECT_CHARS
        self.fields["description"].max_length = helpdesk_settings.MAX_BODY_CHARS
        self.fields["attachments"].help_text = _files_help()


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Su mensaje"), widget=forms.Textarea(attrs={"rows": 4}))
    attachments = MultipleFileField(label=_("Archivos adjuntos"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "respuesta")
        super().__init__(*args, **kwargs)
        self.fields["body"].max_length = helpdesk_settings.MAX_BODY_CHARS
        self.fields["attachments"].help_text = _files_help()


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo (opcional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Se agregará a la conversación del caso."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].max_length = helpdesk_settings.MAX_BODY_CHARS


RATING_CHOICES = [
    (5, _("5 · Muy satisfecho")),
    (4, _("4 · Satisfecho")),
    (3, _("3 · Ni satisfecho ni insatisfecho")),
    (2, _("2 · Insatisfecho")),
    (1, _("1 · Muy insatisfecho")),
]


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("¿Qué tan satisfecho está con la atención?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Elija una calificación del 1 al 5.")},
    )
    comment = forms.CharField(
        label=_("Comentario (opcional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "calificacion")
        super().__init__(*args, **kwargs)
        self.fields["comment"].max_length = helpdesk_settings.MAX_BODY_CHARS


def add_service_errors(error: ValidationError, forms_: list[forms.Form]) -> None:
    """Show a service's ``ValidationError`` on the forms: each message goes to the first form
    that has a field of that name, or to the last form's non-field errors."""
    if not hasattr(error, "error_dict"):
        forms_[-1].add_error(None, error.messages)
        return
    for name, errors in error.error_dict.items():
        messages = [message for item in errors for message in item.messages]
        target = next((form for form in forms_ if name in form.fields), None)
        if target is None:
            forms_[-1].add_error(None, messages)
        else:
            target.add_error(name, messages)
