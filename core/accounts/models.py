"""People (one identity per human), the user account that logs in with the DUI, and role grants.

A person may exist without an account (a guardian registered by a school, a migrated teacher);
the account is a facet of the person. ``User.dui`` is the login copy of ``Person.dui``: the
services in ``services.py`` are the only writers and keep the two equal.
"""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from .choices import Role, ScopeKind, Sex
from .dui import validate_dui

SCOPE_LABEL_MAX_LENGTH = 80


class Person(models.Model):
    dui = models.CharField(
        _("DUI"), max_length=10, unique=True, null=True, blank=True, validators=[validate_dui]
    )
    first_names = models.CharField(_("nombres"), max_length=100)
    last_names = models.CharField(_("apellidos"), max_length=100)
    birth_date = models.DateField(_("fecha de nacimiento"), null=True, blank=True)
    sex = models.CharField(_("sexo"), max_length=1, choices=Sex.choices, blank=True)
    email = models.EmailField(_("correo electrónico"), blank=True)
    # Set when the person proved ``email`` is theirs (followed an emailed link); cleared when
    # the address changes. Only verified addresses may open tickets by email.
    email_verified_at = models.DateTimeField(_("correo verificado el"), null=True, blank=True)
    # Set when the email provider reports a hard bounce or complaint for ``email``.
    email_bounced_at = models.DateTimeField(_("correo rebotado el"), null=True, blank=True)
    phone = PhoneNumberField(_("teléfono"), blank=True, region="SV")
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)

    class Meta:
        ordering = ["last_names", "first_names"]
        verbose_name = _("persona")
        verbose_name_plural = _("personas")
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return self.compose_full_name(self.first_names, self.last_names)

    @staticmethod
    def compose_full_name(first_names: str | None, last_names: str | None) -> str:
        """The full name from its parts (lists that read the columns with ``values()`` use it)."""
        return f"{first_names or ''} {last_names or ''}".strip()

    @property
    def has_usable_email(self) -> bool:
        return bool(self.email) and self.email_bounced_at is None


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, dui: str, password: str | None = None, **extra) -> "User":
        from .services import user_create

        return user_create(dui=dui, password=password, **extra)

    def create_superuser(self, dui: str, password: str | None = None, **extra) -> "User":
        from .services import user_create

        extra.setdefault("first_names", "Administrador")
        extra.setdefault("last_names", "SIGES")
        return user_create(dui=dui, password=password, is_staff=True, is_superuser=True, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="user")
    dui = models.CharField(_("DUI"), max_length=10, unique=True, validators=[validate_dui])
    is_active = models.BooleanField(_("activo"), default=True)
    is_staff = models.BooleanField(_("acceso al administrador"), default=False)
    date_joined = models.DateTimeField(_("fecha de alta"), default=timezone.now)
    time_zone = models.CharField(_("zona horaria"), max_length=64, default="America/El_Salvador")
    # When the user accepted the "aviso de conformidad" shown at first login.
    terms_accepted_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "dui"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("usuario")
        verbose_name_plural = _("usuarios")

    def __str__(self) -> str:
        return self.person.full_name if self.person_id else self.dui

    def get_full_name(self) -> str:
        return self.person.full_name

    def get_short_name(self) -> str:
        return self.person.first_names

    @property
    def email(self) -> str:
        return self.person.email


class RoleGrant(models.Model):
    """One role held by one user over one scope, for a period.

    Exactly the foreign key matching ``scope_kind`` is set (database check constraint).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("rol"), max_length=30, choices=Role.choices)
    scope_kind = models.CharField(_("ámbito"), max_length=15, choices=ScopeKind.choices)
    department = models.ForeignKey(
        "schools.Department", on_delete=models.PROTECT, null=True, blank=True
    )
    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.PROTECT, null=True, blank=True
    )
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, null=True, blank=True)
    section = models.ForeignKey("schools.Section", on_delete=models.PROTECT, null=True, blank=True)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    valid_from = models.DateField(_("vigente desde"), default=timezone.localdate)
    valid_until = models.DateField(_("vigente hasta"), null=True, blank=True)
    granted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rol asignado")
        verbose_name_plural = _("roles asignados")
        indexes = [models.Index(fields=["user", "role"])]
        constraints = [
            models.CheckConstraint(
                name="rolegrant_scope_matches_kind",
                condition=(
                    Q(
                        scope_kind=ScopeKind.NATIONAL,
                        department__isnull=True,
                        municipality__isnull=True,
                        school__isnull=True,
                        section__isnull=True,
                        person__isnull=True,
                    )
                    | Q(
                        scope_kind=ScopeKind.DEPARTMENT,
                        department__isnull=False,
                        municipality__isnull=True,
                        school__isnull=True,
                        section__isnull=True,
                        person__isnull=True,
                    )
                    | Q(
                        scope_kind=ScopeKind.MUNICIPALITY,
                        department__isnull=True,
                        municipality__isnull=False,
                        school__isnull=True,
                        section__isnull=True,
                        person__isnull=True,
                    )
                    | Q(
                        scope_kind=ScopeKind.SCHOOL,
                        department__isnull=True,
                        municipality__isnull=True,
                        school__isnull=False,
                        section__isnull=True,
                        person__isnull=True,
                    )
                    | Q(
                        scope_kind=ScopeKind.SECTION,
                        department__isnull=True,
                        municipality__isnull=True,
                        school__isnull=True,
                        section__isnull=False,
                        person__isnull=True,
                    )
                    | Q(
                        scope_kind=ScopeKind.PERSON,
                        department__isnull=True,
                        municipality__isnull=True,
                        school__isnull=True,
                        section__isnull=True,
                        person__isnull=False,
                    )
                ),
            ),
            models.CheckConstraint(
                name="rolegrant_valid_period",
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.scope_label}"

    @property
    def scope_target_id(self) -> int | None:
        return {
            ScopeKind.NATIONAL: None,
            ScopeKind.DEPARTMENT: self.department_id,
            ScopeKind.MUNICIPALITY: self.municipality_id,
            ScopeKind.SCHOOL: self.school_id,
            ScopeKind.SECTION: self.section_id,
            ScopeKind.PERSON: self.person_id,
        }[self.scope_kind]

    @property
    def scope_key(self) -> str:
        """A short, stable identifier of the scope ("national", "school:12") for machine use."""
        if self.scope_kind == ScopeKind.NATIONAL:
            return str(ScopeKind.NATIONAL)
        return f"{self.scope_kind}:{self.scope_target_id}"

    @property
    def scope_label(self) -> str:
        """A label such as "Departamento: San Salvador", at most 80 characters (it may be stored
        in ``AuditEvent.scope``). The target is read if it was not loaded with the grant
        (``select_related``, or ``scopes.load_grant_targets`` for a list)."""
        if self.scope_kind == ScopeKind.NATIONAL:
            return str(ScopeKind.NATIONAL.label)
        target = getattr(self, self.scope_kind)
        if target is None:
            return f"{self.get_scope_kind_display()} {self.scope_target_id}"
        label = f"{self.get_scope_kind_display()}: {target}"
        return Truncator(label).chars(SCOPE_LABEL_MAX_LENGTH)
