"""Input and output shapes of the accounts API. Every field is listed explicitly."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .dui import mask_dui, validate_dui_format
from .forms import PASSWORD_INPUT_MAX_LENGTH
from .twofactor import CODE_INPUT_MAX_LENGTH


class TokenObtainInputSerializer(serializers.Serializer):
    dui = serializers.CharField(max_length=20, help_text=_("DUI, con o sin guion."))
    password = serializers.CharField(
        max_length=PASSWORD_INPUT_MAX_LENGTH,
        trim_whitespace=False,  # passwords are used exactly as typed
        write_only=True,
        style={"input_type": "password"},
    )
    otp = serializers.CharField(
        max_length=CODE_INPUT_MAX_LENGTH,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text=_(
            "Código de la aplicación de autenticación (6 dígitos) o un código de recuperación. "
            "Obligatorio para las cuentas con verificación en dos pasos."
        ),
    )

    def validate_dui(self, value: str) -> str:
        # Shape only; a wrong check digit is answered like any failed login.
        try:
            return validate_dui_format(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class TokenObtainOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Envíelo como «Authorization: Token <token>»."))
    expiry = serializers.DateTimeField(allow_null=True)


class MePersonSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    first_names = serializers.CharField()
    last_names = serializers.CharField()
    dui_masked = serializers.SerializerMethodField(
        help_text=_("Solo los últimos caracteres: el DUI completo no viaja por la API.")
    )
    # Not EmailField: a person may have no address on file, and "" is not an email.
    email = serializers.CharField(help_text=_("Correo electrónico; vacío si no hay uno."))
    phone = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True)
    sex = serializers.CharField()

    def get_dui_masked(self, person: object) -> str:
        return mask_dui(getattr(person, "dui", "") or "")


class MeRoleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    scope_kind = serializers.CharField()
    scope_kind_label = serializers.CharField(source="get_scope_kind_display")
    scope_target_id = serializers.IntegerField(allow_null=True)
    scope_label = serializers.CharField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = MePersonSerializer()
    roles = MeRoleSerializer(many=True)
