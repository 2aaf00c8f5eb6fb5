"""Admin for people, accounts and role grants. Every write goes through ``services.py`` so it
is validated and audited like on any other pathway; the admin login itself is DUI + password
through ``authenticate`` (django-axes covers it)."""

from contextvars import ContextVar
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .dui import normalize_dui
from .forms import PASSWORD_HINT, AdminLoginForm
from .models import Person, RoleGrant, User
from .scopes import GRANT_TARGETS
from .services import (
    PERSON_EDITABLE_FIELDS,
    person_create,
    person_update,
    role_grant,
    role_grant_revoke,
    user_create,
    user_password_change,
    user_update_access,
)
from .twofactor import second_factor_remove

# The administrator setting a password in the admin's password view (which builds its form
# without the request). A ContextVar is safe across threads and async tasks.
_acting_admin: ContextVar[User | None] = ContextVar("siges_acting_admin", default=None)


class PersonAdminForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ("dui", *PERSON_EDITABLE_FIELDS)

    def clean_dui(self) -> str | None:
        value = self.cleaned_data.get("dui")
        return normalize_dui(value) if value else None


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    form = PersonAdminForm
    list_display = ("last_names", "first_names", "dui", "email", "created_at")
    search_fields = ("dui", "last_names", "first_names", "email")
    list_filter = ("sex",)
    ordering = ("last_names", "first_names")
    fields = ("dui", *PERSON_EDITABLE_FIELDS, "email_bounced_at", "created_at")
    readonly_fields = ("email_bounced_at", "created_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Person | None = None) -> tuple:
        # The DUI is also the login of the person's account: not editable here.
        return (*self.readonly_fields, "dui") if obj is not None else self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: Person | None = None) -> bool:
        return False

    def save_form(self, request: HttpRequest, form: forms.ModelForm, change: bool) -> Person:
        data = {name: form.cleaned_data[name] for name in PERSON_EDITABLE_FIELDS}
        if change:
            current = Person.objects.get(pk=form.instance.pk)
            return person_update(person=current, actor=request.user, **data)
        return person_create(dui=form.cleaned_data.get("dui") or None, **data)

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        """Already saved by the service in ``save_form``."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """A person has no many-to-many fields or inlines to save."""


class UserAddForm(forms.ModelForm):
    """New account: the DUI, the person's names (when the person is new) and a password."""

    first_names = forms.CharField(label=_("Nombres"), max_length=100, required=False)
    last_names = forms.CharField(label=_("Apellidos"), max_length=100, required=False)
    email = forms.EmailField(label=_("Correo electrónico"), required=False)
    password1 = forms.CharField(
        label=_("Contraseña"),
        strip=False,
        required=False,
        help_text=_("Déjela vacía para crear la cuenta sin contraseña utilizable. ")
        + str(PASSWORD_HINT),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Repita la contraseña"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ("dui",)

    def clean_dui(self) -> str:
        return normalize_dui(self.cleaned_data["dui"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        dui = cleaned.get("dui")
        if dui and not Person.objects.filter(dui=dui).exists():
            for name in ("first_names", "last_names"):
                if not cleaned.get(name):
                    self.add_error(name, _("Obligatorio cuando la persona aún no existe."))
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 != password2:
            self.add_error("password2", _("Las dos contraseñas no coinciden."))
        elif password1:
            from django.contrib.auth import password_validation

            try:
                password_validation.validate_password(password1)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ServicePasswordForm(AdminPasswordChangeForm):
    """The admin's "set password" form, writing through ``user_password_change``."""

    def save(self, commit: bool = True) -> User:
        usable = self.cleaned_data.get("set_usable_password", True)
        return user_password_change(
            user=self.user,
            new_password=self.cleaned_data["password1"] if usable else None,
            actor=_acting_admin.get(),
        )


class RoleGrantInline(admin.TabularInline):
    """The account's grants, read only: grants are added and revoked in their own admin."""

    model = RoleGrant
    fk_name = "user"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("role", "scope_kind", "scope_label", "valid_from", "valid_until")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoleGrant]:
        return super().get_queryset(request).select_related(*GRANT_TARGETS)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserAddForm
    change_password_form = ServicePasswordForm
    add_fieldsets = (
        (None, {"fields": ("dui", "password1", "password2")}),
        (_("Persona (solo si aún no existe)"), {"fields": ("first_names", "last_names", "email")}),
    )
    fieldsets = (
        (None, {"fields": ("dui", "person", "password")}),
        (
            _("Permisos"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Fechas"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("dui", "person", "last_login", "date_joined")
    list_display = ("dui", "person", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "role_grants__role")
    list_select_related = ("person",)
    search_fields = ("dui", "person__last_names", "person__first_names", "person__email")
    ordering = ("person__last_names", "person__first_names")
    inlines = [RoleGrantInline]
    actions = ["remove_second_factor"]

    @admin.action(description=_("Quitar la verificación en dos pasos (teléfono perdido)"))
    def remove_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = 0
        for user in queryset:
            if second_factor_remove(user=user, actor=request.user, request=request):
                count += 1
        self.message_user(
            request,
            _("Se quitó la verificación en dos pasos de %(count)d cuenta(s).") % {"count": count},
        )

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> tuple:
        return self.readonly_fields if obj is not None else ()

    def get_inlines(self, request: HttpRequest, obj: User | None = None) -> list:
        return self.inlines if obj is not None else []

    def save_form(self, request: HttpRequest, form: forms.ModelForm, change: bool) -> User:
        if change:
            # Prepares save_m2m (groups, permissions) without saving the row: the flags are
            # written by user_update_access in save_model.
            return form.save(commit=False)
        data = form.cleaned_data
        return user_create(
            dui=data["dui"],
            password=data.get("password1") or None,
            first_names=data.get("first_names", ""),
            last_names=data.get("last_names", ""),
            email=data.get("email", ""),
            actor=request.user,
        )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change:
            return  # created by user_create in save_form
        current = User.objects.get(pk=obj.pk)
        user_update_access(
            user=current,
            actor=request.user,
            is_active=obj.is_active,
            is_staff=obj.is_staff,
            is_superuser=obj.is_superuser,
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if change:
            super().save_related(request, form, formsets, change)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        token = _acting_admin.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _acting_admin.reset(token)


class RoleGrantForm(forms.ModelForm):
    class Meta:
        model = RoleGrant
        fields = (
            "user",
            "role",
            "scope_kind",
            *GRANT_TARGETS,
            "valid_from",
            "valid_until",
        )


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    form = RoleGrantForm
    list_display = ("user", "role", "scope_kind", "scope_label", "valid_from", "valid_until")
    list_filter = ("role", "scope_kind", "valid_from", "valid_until")
    list_select_related = ("user__person", *GRANT_TARGETS)
    search_fields = ("user__dui", "user__person__last_names", "user__person__first_names")
    raw_id_fields = ("user", *GRANT_TARGETS)
    date_hierarchy = "valid_from"

    def has_change_permission(self, request: HttpRequest, obj: RoleGrant | None = None) -> bool:
        # A grant is never edited in place: revoke it and grant anew, both audited.
        return False

    def save_form(self, request: HttpRequest, form: forms.ModelForm, change: bool) -> RoleGrant:
        data = form.cleaned_data
        kind = data["scope_kind"]
        return role_grant(
            user=data["user"],
            role=data["role"],
            scope_kind=kind,
            target=data.get(kind) if kind in GRANT_TARGETS else None,
            granted_by=request.user,
            valid_from=data.get("valid_from"),
            valid_until=data.get("valid_until"),
        )

    def save_model(self, request: HttpRequest, obj: RoleGrant, form: Any, change: bool) -> None:
        """Already saved by ``role_grant`` in ``save_form``."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """A grant has no many-to-many fields or inlines to save."""

    def delete_model(self, request: HttpRequest, obj: RoleGrant) -> None:
        role_grant_revoke(grant=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RoleGrant]) -> None:
        for grant in queryset.select_related("user"):
            role_grant_revoke(grant=grant, actor=request.user)


# The admin asks for the second factor too (docs/security.md §1.7).
admin.site.login_form = AdminLoginForm
admin.site.login_template = "admin/siges_login.html"

# django-otp's own admin pages would show every person's TOTP secret to administrators; a lost
# phone is handled by the "Quitar la verificación en dos pasos" action on accounts instead.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
