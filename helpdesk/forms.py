"""The form of a service, built from its ``ServiceField`` rows, and the JSON it stores.

``build_service_form(service)`` returns a Django ``Form`` class (pages render it; the API feeds it
a dict) whose ``clean`` validates each answer server-side with Spanish messages: DUI with its
check digit (``core.accounts.dui``), NIE, school codes against the registry
(``modules.schools``), phone numbers (``phonenumbers``, region SV), emails, dates (dd/mm/aaaa
typed, ISO from the API), numbers and allowed files (``core/uploads.py``).
``clean_service_data`` runs it and returns JSON-safe values plus the uploaded files, which the
ticket service stores as attachments.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from core.accounts.dui import normalize_dui
from core.widgets import SalvadoranDateInput
from modules.schools.models import School

from .choices import FieldType
from .conf import validate_upload
from .models import Service, ServiceField

TEXT_MAX = 200
TEXTAREA_MAX = 5_000
NIE_MAX_DIGITS = 10


class DuiField(forms.CharField):
    """A DUI typed with or without the hyphen; cleaned to the canonical ``NNNNNNNN-D``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 12)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        return normalize_dui(value) if value else value


class NieField(forms.CharField):
    """A student's NIE: a positive whole number without check digit (older ones are shorter)."""

    default_error_messages = {
        "invalid": _("El NIE es un número de hasta %(digits)d dígitos, sin guiones ni letras."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", NIE_MAX_DIGITS + 4)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return value
        if not value.isdigit() or not value.isascii() or len(value) > NIE_MAX_DIGITS:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"digits": NIE_MAX_DIGITS}
            )
        number = int(value)
        if number <= 0:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"digits": NIE_MAX_DIGITS}
            )
        return str(number)


class SchoolCodeField(forms.CharField):
    """The code of a school in the registry (any case); cleaned to the code as registered.

    Closed schools are still accepted: a title or a certificate is often asked for years after
    the school closed.
    """

    default_error_messages = {
        "unknown": _(
            "No hay ningún centro educativo con el código «%(code)s» en el registro. "
            "Búsquelo en el directorio de centros educativos."
        ),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", School._meta.get_field("code").max_length)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return value
        code = (
            School.objects.filter(code__iexact=value.strip()).values_list("code", flat=True).first()
        )
        if code is None:
            raise ValidationError(
                self.error_messages["unknown"], code="unknown_school", params={"code": value}
            )
        return code


SCHOOL_HELP = _("El código como aparece en el directorio de centros educativos.")
DATE_HELP = _("Día/mes/año, por ejemplo 25/10/2026.")


def _form_field(spec: ServiceField) -> forms.Field:
    common: dict[str, Any] = {
        "label": spec.label,
        "required": spec.required,
        "help_text": spec.help_text,
    }
    kind = spec.field_type
    if kind == FieldType.TEXT:
        return forms.CharField(max_length=TEXT_MAX, **common)
    if kind == FieldType.TEXTAREA:
        return forms.CharField(max_length=TEXTAREA_MAX, widget=forms.Textarea, **common)
    if kind == FieldType.INTEGER:
        return forms.IntegerField(min_value=0, max_value=10**12, **common)
    if kind == FieldType.DECIMAL:
        return forms.DecimalField(max_digits=14, decimal_places=2, **common)
    if kind == FieldType.DATE:
        # Typed dd/mm/aaaa is accepted as well as ISO (core/formats/es/formats.py).
        return forms.DateField(
            widget=SalvadoranDateInput(),
            error_messages={"invalid": _("Ingrese una fecha válida como dd/mm/aaaa.")},
            **{**common, "help_text": common["help_text"] or DATE_HELP},
        )
    if kind == FieldType.SCHOOL:
        help_text = common["help_text"] or SCHOOL_HELP
        return SchoolCodeField(**{**common, "help_text": help_text})
    if kind == FieldType.CHOICE:
        # A blank first option, required or not: a preselected answer would let a citizen send a
        # choice they never made (the required check then asks them to pick one).
        blank = _("Elija una opción") if spec.required else "---------"
        return forms.ChoiceField(choices=[("", blank), *spec.choice_pairs()], **common)
    if kind == FieldType.DUI:
        return DuiField(**common)
    if kind == FieldType.NIE:
        return NieField(**common)
    if kind == FieldType.EMAIL:
        return forms.EmailField(max_length=254, **common)
    if kind == FieldType.PHONE:
        return PhoneNumberField(
            region="SV",
            error_messages={
                "invalid": _(
                    "Ingrese un teléfono válido: 8 dígitos (por ejemplo 2222-3333) o un número "
                    "internacional con su prefijo (+…)."
                )
            },
            **common,
        )
    if kind == FieldType.FILE:
        return forms.FileField(validators=[validate_upload], **common)
    raise ValueError(f"unknown service field type {kind!r}")


def _json_value(kind: str, value: Any) -> Any:
    """The JSON-safe form of one cleaned value (``None`` for an empty optional answer)."""
    if value in (None, ""):
        return None
    if kind == FieldType.DECIMAL:
        return str(value.quantize(Decimal("0.01")))
    if kind == FieldType.DATE:
        return value.isoformat()
    if kind == FieldType.PHONE:
        return value.as_e164
    if kind == FieldType.EMAIL:
        return value.lower()
    if kind in (FieldType.TEXT, FieldType.TEXTAREA):
        return value.strip()
    return value


class ServiceForm(forms.Form):
    """Base class of the generated forms; ``specs`` are the service's fields in order."""

    specs: tuple[ServiceField, ...] = ()

    def json_data(self) -> dict[str, Any]:
        """Cleaned answers keyed by field key, JSON-safe; files are left out."""
        return {
            spec.key: _json_value(spec.field_type, self.cleaned_data.get(spec.key))
            for spec in self.specs
            if spec.field_type != FieldType.FILE
        }

    def uploaded_files(self) -> dict[str, UploadedFile]:
        return {
            spec.key: self.cleaned_data[spec.key]
            for spec in self.specs
            if spec.field_type == FieldType.FILE and self.cleaned_data.get(spec.key)
        }


def build_service_form(
    service: Service, fields: Iterable[ServiceField] | None = None
) -> type[ServiceForm]:
    """A ``Form`` class for ``service``; pass ``fields`` when they are already loaded."""
    specs = tuple(fields if fields is not None else service.fields.all())
    attrs: dict[str, Any] = {spec.key: _form_field(spec) for spec in specs}
    attrs["specs"] = specs
    return type(f"ServiceForm_{service.code.replace('-', '_')}", (ServiceForm,), attrs)


@dataclass(frozen=True)
class CleanedServiceData:
    values: dict[str, Any]
    files: dict[str, UploadedFile] = field(default_factory=dict)


def clean_service_data(
    *,
    service: Service,
    data: Mapping[str, Any],
    files: Mapping[str, Any] | None = None,
    fields: Iterable[ServiceField] | None = None,
) -> CleanedServiceData:
    """Validate answers for ``service`` or raise ``ValidationError`` keyed by field."""
    form_class = build_service_form(service, fields)
    form = form_class(data=data, files=files or {})
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    # Keys that are not fields of the service (a csrf token, a tampered extra) are never stored:
    # only the form's own fields make it into the JSON.
    return CleanedServiceData(values=form.json_data(), files=form.uploaded_files())
