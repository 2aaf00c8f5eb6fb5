from django import forms
from django.utils.translation import gettext_lazy as _

from .reading import MAX_BYTES
from .registry import importers


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Qué desea importar"))
    file = forms.FileField(
        label=_("Archivo CSV o Excel (.xlsx)"),
        help_text=_("Hasta %(mb)d MB. La primera fila debe tener los nombres de las columnas.")
        % {"mb": MAX_BYTES // (1024 * 1024)},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(imp.kind, imp.label) for imp in importers()]
        self.fields["file"].widget.attrs["accept"] = ".csv,.txt,.xlsx"
