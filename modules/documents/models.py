"""Titles: definitions, the signatory registry, requests, and issued titles that freeze what
was true the day they were issued (docs/domain.md, "Titles").

An issued title copies the student's name, the school, the year and the three signatories'
names and positions into its own columns, and points at the exact signature images used
(``SignatureImage`` rows are content-addressed and never change), so correcting a person or
replacing a signatory's image later leaves every title already issued as it was signed.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMModelMixin

from .choices import GenerationState, MotiveKind, RequestKind, SignatoryKind
from .lifecycles import IssuedTitleLifecycle, TitleRequestLifecycle


class TitleDefinition(models.Model):
    """A kind of title the ministry issues (shipped as data by migration), awarded to the
    students promoted from ``grade`` (the last grade of a bachillerato)."""

    code = models.CharField(_("código"), max_length=10, unique=True)
    name = models.CharField(_("nombre"), max_length=120)
    # The text printed under the name: "Bachiller General", "Bachiller Técnico Vocacional…".
    degree = models.CharField(_("grado académico"), max_length=160)
    grade = models.ForeignKey(
        "schools.Grade", on_delete=models.PROTECT, related_name="+", verbose_name=_("grado final")
    )
    position = models.PositiveSmallIntegerField(_("orden"))
    is_active = models.BooleanField(_("vigente"), default=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("tipo de título")
        verbose_name_plural = _("tipos de título")

    def __str__(self) -> str:
        return self.name


class Motive(models.Model):
    """Catalogue of motives (shipped as data): excluding a student, reprinting, annulling."""

    kind = models.CharField(_("tipo"), max_length=10, choices=MotiveKind.choices)
    code = models.CharField(_("código"), max_length=20)
    name = models.CharField(_("nombre"), max_length=120)
    position = models.PositiveSmallIntegerField(_("orden"))
    is_active = models.BooleanField(_("vigente"), default=True)

    class Meta:
        ordering = ["kind", "position"]
        verbose_name = _("motivo")
        verbose_name_plural = _("motivos")
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="documents_motive_unique")
        ]

    def __str__(self) -> str:
        return self.name


class SignatureImage(models.Model):
    """A signature image, by content (PNG or JPEG, checked by core/uploads.py). Rows are never
    updated: a title points at the image it was signed with for ever."""

    sha256 = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=20)
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("imagen de firma")
        verbose_name_plural = _("imágenes de firma")

    def __str__(self) -> str:
        return self.sha256[:12]


class Signatory(models.Model):
    """One appointment of a person who signs titles, with its validity period (the appointment
    record: a director's firma is valid only while ``valid_from <= day <= valid_until``)."""

    kind = models.CharField(_("tipo"), max_length=15, choices=SignatoryKind.choices)
    person = models.ForeignKey(
        "accounts.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("persona")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="title_signatories",
    )
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("centro educativo"),
    )
    position = models.CharField(_("cargo"), max_length=160)
    signature = models.ForeignKey(
        SignatureImage, on_delete=models.PROTECT, related_name="+", verbose_name=_("firma")
    )
    valid_from = models.DateField(_("vigente desde"))
    valid_until = models.DateField(_("vigente hasta"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-valid_from"]
        verbose_name = _("firmante")
        verbose_name_plural = _("firmantes")
        indexes = [models.Index(fields=["kind", "school"], name="signatory_kind_school")]
        constraints = [
            models.CheckConstraint(
                name="signatory_director_has_school",
                condition=~Q(kind=SignatoryKind.DIRECTOR) | Q(school__isnull=False),
            ),
            models.CheckConstraint(
                name="signatory_period_ordered",
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person_id}"

    def valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class TitleRequest(TitleRequestLifecycle, FSMModelMixin, models.Model):
    """A school's request for titles (a section's graduates, or titles to reprint, replace or
    annul), with the signatures it collected and the progress of its generation."""

    number = models.CharField(_("número"), max_length=20, unique=True)
    kind = models.CharField(_("tipo"), max_length=12, choices=RequestKind.choices)
    definition = models.ForeignKey(
        TitleDefinition, on_delete=models.PROTECT, related_name="+", verbose_name=_("título")
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("centro")
    )
    section = models.ForeignKey(
        "schools.Section", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    graduation_year = models.PositiveSmallIntegerField(_("año de graduación"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_on = models.DateField(_("fecha de solicitud"))
    motive = models.ForeignKey(
        Motive, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution_number = models.CharField(_("número de resolución"), max_length=40, blank=True)
    decision_note = models.TextField(_("observación"), blank=True)

    director = models.ForeignKey(
        Signatory, on_delete=models.PROTECT, related_name="+", verbose_name=_("director")
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(_("firmada"), null=True, blank=True)
    minister = models.ForeignKey(
        Signatory, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    authenticator = models.ForeignKey(
        Signatory, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    countersigned_at = models.DateTimeField(_("refrendada"), null=True, blank=True)

    generation_state = models.CharField(
        _("generación"), max_length=10, choices=GenerationState.choices, blank=True, default=""
    )
    generation_total = models.PositiveIntegerField(default=0)
    generation_done = models.PositiveIntegerField(default=0)
    generation_error = models.CharField(max_length=300, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)

    printed_at = models.DateTimeField(_("impresa"), null=True, blank=True)
    received_department_at = models.DateTimeField(
        _("recibida en la departamental"), null=True, blank=True
    )
    received_school_at = models.DateTimeField(_("recibida en el centro"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("entregada a los graduados"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("solicitud de títulos")
        verbose_name_plural = _("solicitudes de títulos")
        indexes = [models.Index(fields=["school", "status"], name="titlerequest_school_status")]

    def __str__(self) -> str:
        return self.number

    @property
    def progress_percent(self) -> int:
        if not self.generation_total:
            return 100 if self.generation_state == GenerationState.DONE else 0
        return min(100, self.generation_done * 100 // self.generation_total)


class TitleRequestItem(models.Model):
    """One student of a request (and, for reprints, replacements and annulments, the title
    concerned); excluded by the departmental office with a motive."""

    request = models.ForeignKey(TitleRequest, on_delete=models.CASCADE, related_name="items")
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")
    enrollment = models.ForeignKey(
        "students.Enrollment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    original_title = models.ForeignKey(
        "IssuedTitle", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    excluded = models.BooleanField(_("excluido"), default=False)
    exclusion_motive = models.ForeignKey(
        Motive, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    exclusion_note = models.CharField(_("observación"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "student"], name="titlerequestitem_one_per_student"
            ),
            models.CheckConstraint(
                name="titlerequestitem_exclusion_has_motive",
                condition=Q(excluded=False) | Q(exclusion_motive__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}:{self.student_id}"


class IssuedTitle(IssuedTitleLifecycle, FSMModelMixin, models.Model):
    """One title as issued and signed: frozen copies of everything printed on it."""

    number = models.CharField(_("número"), max_length=24, unique=True)
    verification_code = models.CharField(_("código de verificación"), max_length=16, unique=True)
    request = models.ForeignKey(TitleRequest, on_delete=models.PROTECT, related_name="titles")
    item = models.OneToOneField(TitleRequestItem, on_delete=models.PROTECT, related_name="title")
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")
    definition = models.ForeignKey(TitleDefinition, on_delete=models.PROTECT, related_name="+")

    student_name = models.CharField(_("nombre del graduado"), max_length=210)
    degree = models.CharField(_("grado académico"), max_length=160)
    definition_name = models.CharField(_("título"), max_length=120)
    school_code = models.CharField(_("código del centro"), max_length=15)
    school_name = models.CharField(_("centro educativo"), max_length=200)
    graduation_year = models.PositiveSmallIntegerField(_("año"))
    director_name = models.CharField(max_length=210)
    director_position = models.CharField(max_length=160)
    director_signature = models.ForeignKey(
        SignatureImage, on_delete=models.PROTECT, related_name="+"
    )
    minister_name = models.CharField(max_length=210)
    minister_position = models.CharField(max_length=160)
    minister_signature = models.ForeignKey(
        SignatureImage, on_delete=models.PROTECT, related_name="+"
    )
    authenticator_name = models.CharField(max_length=210)
    authenticator_position = models.CharField(max_length=160)
    authenticator_signature = models.ForeignKey(
        SignatureImage, on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(_("fecha de emisión"))
    pdf = models.FileField(upload_to="titles/%Y/", max_length=200)
    pdf_sha256 = models.CharField(max_length=64)

    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replaced_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    annulment_motive = models.ForeignKey(
        Motive, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    annulled_on = models.DateField(_("anulado el"), null=True, blank=True)
    annulment_note = models.CharField(max_length=300, blank=True)
    delivered_on = models.DateField(_("entregado el"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("título emitido")
        verbose_name_plural = _("títulos emitidos")
        indexes = [models.Index(fields=["request", "status"], name="issuedtitle_request_status")]

    def __str__(self) -> str:
        return self.number


class TitleCounter(models.Model):
    """The last title number handed out per title and year (locked while numbering)."""

    definition = models.ForeignKey(TitleDefinition, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["definition", "year"], name="titlecounter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.definition_id}/{self.year}: {self.last_value}"
