"""Read-only admin views of registration requests: every change goes through the services."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import RegistrationRequest


@admin.register(RegistrationRequest)
class RegistrationRequestAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "last_names", "first_names", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("last_names", "first_names", "email")
    # Never show the password hash or the token digest.
    exclude = ("password_hash", "token_hash")
