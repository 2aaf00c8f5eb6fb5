from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.accounts.models import User
from core.accounts.passwords import validate_new_password


class ResetRequestForm(forms.Form):
    identifier = forms.CharField(
        label=_("DUI o correo electrónico"),
        max_length=254,
        help_text=_("El DUI con el que ingresa (por ejemplo 01234567-8) o su correo registrado."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )


class NewPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Nueva contraseña"),
        strip=False,
        help_text=_("Al menos 8 caracteres; recomendamos 15 o más. Puede usar una frase."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirmation = forms.CharField(
        label=_("Repita la nueva contraseña"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        password = data.get("password")
        if password:
            try:
                validate_new_password(
                    password, confirmation=data.get("password_confirmation"), user=self.user
                )
            except ValidationError as exc:
                self.add_error("password", exc)
        return data
