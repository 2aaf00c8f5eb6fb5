"""Read-only admin view of password-reset requests."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import PasswordResetRequest


@admin.register(PasswordResetRequest)
class PasswordResetRequestAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "user", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("user__person",)
    exclude = ("token_hash",)
