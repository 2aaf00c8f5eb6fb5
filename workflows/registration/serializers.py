"""API input and output of registration (same rules as the pages' forms)."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from core.accounts.passwords import validate_new_password

from .validation import clean_dui, clean_time_zone


class RegistrationInputSerializer(serializers.Serializer):
    dui = serializers.CharField(max_length=12, help_text="NNNNNNNN-D (con o sin guion).")
    first_names = serializers.CharField(max_length=100)
    last_names = serializers.CharField(max_length=100)
    birth_date = serializers.DateField()
    email = serializers.EmailField(max_length=254)
    phone = PhoneNumberField(region="SV", required=False, allow_blank=True)
    time_zone = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Zona IANA del dispositivo; America/El_Salvador si falta o no es válida.",
    )
    password = serializers.CharField(trim_whitespace=False, write_only=True)

    def validate_dui(self, value: str) -> str:
        try:
            return clean_dui(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate_email(self, value: str) -> str:
        return value.strip().lower()

    def validate_time_zone(self, value: str) -> str:
        return clean_time_zone(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs.setdefault("time_zone", clean_time_zone(""))
        try:
            validate_new_password(
                attrs["password"],
                dui=attrs.get("dui", ""),
                first_names=attrs.get("first_names", ""),
                last_names=attrs.get("last_names", ""),
                email=attrs.get("email", ""),
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": exc.messages}) from exc
        return attrs


class VerifyOutputSerializer(serializers.Serializer):
    status = serializers.CharField()
    detail = serializers.CharField()


class TermsOutputSerializer(serializers.Serializer):
    terms_accepted_at = serializers.DateTimeField(allow_null=True)
