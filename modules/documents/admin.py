"""Admin of the titles module. The signatory registry is kept here by administrators: a new
appointment (with its signature image, checked by core/uploads.py) and the end of one go
through the services, which audit them; nothing else of a signatory changes once registered
(titles point at it). Catalogues are editable; requests and issued titles are read-only (they
change only through the process)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.uploads import check_upload

from .models import IssuedTitle, Motive, Signatory, TitleDefinition, TitleRequest
from .services import SIGNATURE_LIMITS, SIGNATURE_TYPES, signatory_end, signatory_register


class SignatoryAddForm(forms.ModelForm):
    signature_file = forms.FileField(
        label=_("Imagen de la firma (PNG o JPEG)"),
        help_text=_("Firma escaneada sobre fondo blanco o transparente, máximo 512 KB."),
    )

    class Meta:
        model = Signatory
        fields = ["kind", "person", "user", "school", "position", "valid_from", "valid_until"]

    def clean_signature_file(self) -> Any:
        upload = self.cleaned_data["signature_file"]
        checked = check_upload(upload, limits=SIGNATURE_LIMITS)
        if checked.content_type not in SIGNATURE_TYPES:
            raise forms.ValidationError(_("La firma debe ser una imagen PNG o JPEG."))
        return upload


@admin.register(Signatory)
class SignatoryAdmin(admin.ModelAdmin):
    list_display = ("person", "kind", "school", "position", "valid_from", "valid_until")
    list_filter = ("kind",)
    list_select_related = ("person", "school")
    search_fields = ("person__last_names", "person__first_names", "school__code")
    raw_id_fields = ("person", "user", "school")

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = SignatoryAddForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return ("kind", "person", "user", "school", "position", "signature", "valid_from")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            if "valid_until" in form.changed_data and obj.valid_until is not None:
                signatory_end(actor=request.user, signatory=obj, valid_until=obj.valid_until)
            return
        data = form.cleaned_data
        saved = signatory_register(
            actor=request.user,
            kind=data["kind"],
            person=data["person"],
            user=data.get("user"),
            school=data.get("school"),
            position=data["position"],
            signature=data["signature_file"],
            valid_from=data["valid_from"],
            valid_until=data.get("valid_until"),
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TitleDefinition)
class TitleDefinitionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "degree", "grade", "is_active")


@admin.register(Motive)
class MotiveAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "is_active")
    list_filter = ("kind", "is_active")


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TitleRequest)
class TitleRequestAdmin(_ReadOnly):
    list_display = ("number", "kind", "status", "school", "graduation_year", "requested_on")
    list_filter = ("status", "kind")
    list_select_related = ("school",)
    search_fields = ("number", "school__code")


@admin.register(IssuedTitle)
class IssuedTitleAdmin(_ReadOnly):
    list_display = ("number", "student_name", "school_code", "graduation_year", "status")
    list_filter = ("status", "graduation_year")
    search_fields = ("number", "student_name", "school_code")
    exclude = ("verification_code",)
