from django.db import models
from django.utils.translation import gettext_lazy as _


class AllocationStatus(models.TextChoices):
    """A ministry transfer allocated to one school (the departmental office's part)."""

    REQUESTED = "requested", _("Solicitada")
    AUTHORISED = "authorised", _("Autorizada")
    TRANSFERRED = "transferred", _("Transferida")
    CLOSED = "closed", _("Cerrada")


class BoardKind(models.TextChoices):
    CDE = "cde", _("Consejo Directivo Escolar (CDE)")
    CECE = "cece", _("Consejo Educativo Católico Escolar (CECE)")


class BoardRole(models.TextChoices):
    PRESIDENT = "president", _("Presidente (director)")
    TREASURER = "treasurer", _("Tesorero")
    SECRETARY = "secretary", _("Secretario")
    TEACHER = "teacher", _("Docente")
    PARENT = "parent", _("Madre, padre o responsable")
    STUDENT = "student", _("Estudiante")


class LineKind(models.TextChoices):
    INCOME = "income", _("Ingreso")
    EXPENSE = "expense", _("Gasto")


class FundSource(models.TextChoices):
    TRANSFER = "transfer", _("Transferencia del Ministerio")
    OWN = "own", _("Ingresos propios")


class BudgetStatus(models.TextChoices):
    IN_PROGRESS = "en_proceso", _("En proceso")
    SUBMITTED = "formulado", _("Formulado")
    OBSERVED = "observado", _("Observado")
    APPROVED = "aprobado", _("Aprobado")
    ADJUSTING = "en_ajuste", _("En ajuste autorizado")
    CLOSED = "cerrado", _("Cerrado")


# The states in which the school may edit the lines of its budget.
EDITABLE_BUDGET_STATES = (BudgetStatus.IN_PROGRESS, BudgetStatus.OBSERVED, BudgetStatus.ADJUSTING)


class PaymentMethod(models.TextChoices):
    CHEQUE = "cheque", _("Cheque")
    PETTY_CASH = "petty_cash", _("Caja chica")


class PaymentStatus(models.TextChoices):
    PREPARED = "prepared", _("Preparado")
    AUTHORISED = "authorised", _("Autorizado")


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("Factura")
    RECEIPT = "receipt", _("Recibo")


# Budgets whose figures the transparency pages publish.
PUBLISHED_BUDGET_STATES = (BudgetStatus.APPROVED, BudgetStatus.ADJUSTING, BudgetStatus.CLOSED)


class PurchasePlanStatus(models.TextChoices):
    IN_PROGRESS = "en_proceso", _("En proceso")
    IN_REVIEW = "en_revision", _("En revisión")
    OBSERVED = "observado", _("Observado")
    APPROVED = "aprobado", _("Aprobado")


class LiquidationStatus(models.TextChoices):
    CONFIRMED = "confirmada", _("Confirmada por el centro")
    EVALUATED = "evaluada", _("Evaluada")
    APPROVED = "aprobada", _("Aprobada")
