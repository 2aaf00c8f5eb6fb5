"""Registration pages' forms: the sign-up form, the link confirmation and the notice."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from core.accounts.passwords import validate_new_password

from .conf import DEFAULT_TIME_ZONE
from .validation import clean_dui, clean_time_zone, time_zone_names


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in time_zone_names()]


class RegistrationForm(forms.Form):
    # Contact information
    email = forms.EmailField(
        label=_("Correo electrónico"),
        max_length=254,
        help_text=_("Le enviaremos un enlace para confirmarlo."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    first_names = forms.CharField(
        label=_("Nombres"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_names = forms.CharField(
        label=_("Apellidos"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    phone = PhoneNumberField(
        label=_("Teléfono"),
        region="SV",
        required=False,
        help_text=_("Opcional. Por ejemplo 2222-3333 o 7777-8888."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    # Identity
    dui = forms.CharField(
        label=_("DUI"),
        max_length=12,
        help_text=_("Ocho dígitos, guion y dígito verificador, por ejemplo 01234567-8."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_date = forms.DateField(
        label=_("Fecha de nacimiento"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    # Preferences
    time_zone = forms.CharField(
        label=_("Zona horaria"),
        required=False,
        initial=DEFAULT_TIME_ZONE,
        help_text=_("La detectamos en su navegador; cámbiela si no es la suya."),
        widget=forms.Select(),
    )
    # Credentials
    password = forms.CharField(
        label=_("Contraseña"),
        strip=False,
        help_text=_("Al menos 8 caracteres; recomendamos 15 o más. Puede usar una frase."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirmation = forms.CharField(
        label=_("Repita la contraseña"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["time_zone"].widget
        widget.choices = _time_zone_choices()
        if not self.is_bound:
            # static/js/timezone.js selects the browser's zone; a form coming back with errors
            # keeps what the person chose.
            widget.attrs["data-timezone-detect"] = "true"

    def clean_dui(self) -> str:
        return clean_dui(self.cleaned_data["dui"])

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_time_zone(self) -> str:
        return clean_time_zone(self.cleaned_data.get("time_zone"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        password = data.get("password")
        if password:
            try:
                validate_new_password(
                    password,
                    confirmation=data.get("password_confirmation"),
                    dui=data.get("dui", ""),
                    first_names=data.get("first_names", ""),
                    last_names=data.get("last_names", ""),
                    email=data.get("email", ""),
                )
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


class ConfirmLinkForm(forms.Form):
    """An empty POST: link scanners that prefetch GET links do not use the token up."""


class TermsNoticeForm(forms.Form):
    accept = forms.BooleanField(
        label=_("He leído el aviso y estoy de acuerdo."),
        error_messages={"required": _("Marque la casilla para continuar.")},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)
