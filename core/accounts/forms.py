"""Login and password-change forms. Passwords are never stripped or truncated."""

from typing import Any

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_variables

from core.audit.services import audit_record

from .dui import validate_dui_format
from .models import User
from .twofactor import CODE_INPUT_MAX_LENGTH, CodeCheck, verify_second_factor

# One answer for an unknown DUI, a DUI with a wrong check digit, a wrong password and an
# inactive or locked account: the page must not tell which (docs/security.md §1.3, ASVS 6.3.8).
INVALID_LOGIN_MESSAGE = _("DUI o contraseña incorrectos.")
PASSWORD_HINT = _(
    "Use al menos 8 caracteres; recomendamos 15 o más. Puede usar espacios y frases completas: "
    "no exigimos mayúsculas, números ni símbolos, pero no use contraseñas comunes."
)
# Far above the 256 the validators accept; only bounds the work one request can cause.
PASSWORD_INPUT_MAX_LENGTH = 1024


class LoginForm(forms.Form):
    dui = forms.CharField(
        label=_("DUI"),
        max_length=20,
        help_text=_("8 dígitos, guion y dígito verificador, por ejemplo 01234567-8."),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "inputmode": "numeric", "autofocus": True}
        ),
    )
    password = forms.CharField(
        label=_("Contraseña"),
        strip=False,
        max_length=PASSWORD_INPUT_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user_cache: User | None = None
        super().__init__(*args, **kwargs)

    def clean_dui(self) -> str:
        # Only the shape is checked here (anyone can see "abc" is not a DUI). A wrong check
        # digit goes on to ``authenticate`` and gets the generic answer, like an unknown DUI.
        return validate_dui_format(self.cleaned_data["dui"])

    @sensitive_variables("password")
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        dui, password = cleaned.get("dui"), cleaned.get("password")
        if dui and password:
            # ``request=`` lets django-axes count the attempt and refuse locked-out clients.
            self.user_cache = authenticate(request=self.request, dui=dui, password=password)
            if self.user_cache is None:
                raise ValidationError(INVALID_LOGIN_MESSAGE, code="invalid_login")
        return cleaned

    def get_user(self) -> User | None:
        return self.user_cache


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(
        label=_("Contraseña actual"),
        strip=False,
        max_length=PASSWORD_INPUT_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("Contraseña nueva"),
        strip=False,
        max_length=PASSWORD_INPUT_MAX_LENGTH,
        help_text=PASSWORD_HINT,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_confirm = forms.CharField(
        label=_("Repita la contraseña nueva"),
        strip=False,
        max_length=PASSWORD_INPUT_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    @sensitive_variables("current")
    def clean_current_password(self) -> str:
        current = self.cleaned_data["current_password"]
        if not self.user.check_password(current):
            raise ValidationError(
                _("La contraseña actual no es correcta."), code="password_incorrect"
            )
        return current

    @sensitive_variables("new", "confirm")
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        new, confirm = cleaned.get("new_password"), cleaned.get("new_password_confirm")
        if new and confirm and new != confirm:
            self.add_error(
                "new_password_confirm",
                ValidationError(_("Las dos contraseñas nuevas no coinciden."), code="mismatch"),
            )
        elif new:
            try:
                password_validation.validate_password(new, self.user)
            except ValidationError as error:
                self.add_error("new_password", error)
        return cleaned


class StepUpForm(forms.Form):
    """The step-up page: the signed-in person's password, and their app's code when they have
    one (docs/security.md §1.8). Wrong answers are audited; the password goes through
    ``authenticate`` so django-axes counts failures as it does at the login."""

    password = forms.CharField(
        label=_("Contraseña"),
        strip=False,
        max_length=PASSWORD_INPUT_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    code = forms.CharField(
        label=_("Código de verificación"),
        required=False,
        max_length=CODE_INPUT_MAX_LENGTH,
        help_text=_(
            "Los 6 dígitos que muestra su aplicación de autenticación, o uno de sus códigos "
            "de recuperación."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def __init__(self, request: HttpRequest, *args: Any, needs_code: bool, **kwargs: Any) -> None:
        self.request = request
        self.needs_code = needs_code
        self.method = ""
        super().__init__(*args, **kwargs)
        if needs_code:
            self.fields["code"].required = True
        else:
            del self.fields["code"]

    @sensitive_variables("password", "code")
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        password = cleaned.get("password")
        if self.errors or password is None:
            return cleaned
        user = self.request.user
        authenticated = authenticate(request=self.request, dui=user.dui, password=password)
        if authenticated is None or authenticated.pk != user.pk:
            step_up_failed(self.request, reason="password")
            raise ValidationError(_("La contraseña no es correcta."), code="password_incorrect")
        if not self.needs_code:
            self.method = "password"
            return cleaned
        check = verify_second_factor(user, cleaned.get("code", ""))
        if not check.ok:
            step_up_failed(self.request, reason="throttled" if check.wait_until else "code")
            raise ValidationError(code_error_message(check), code="code_incorrect")
        self.method = check.method
        return cleaned


def code_error_message(check: CodeCheck) -> str:
    """The Spanish answer to a refused code (a wait when the device is throttled)."""
    if check.wait_until is not None:
        return ngettext(
            "Demasiados códigos incorrectos. Espere %(seconds)d segundo e intente de nuevo.",
            "Demasiados códigos incorrectos. Espere %(seconds)d segundos e intente de nuevo.",
            check.wait_seconds,
        ) % {"seconds": check.wait_seconds}
    return str(_("El código no es correcto o ya se usó."))


def step_up_failed(request: HttpRequest, *, reason: str) -> None:
    audit_record(
        action="auth.step_up_failed",
        obj=request.user,
        actor=request.user,
        request=request,
        payload={"reason": reason},
    )
