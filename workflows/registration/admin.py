"""Read-only admin views of registration requests: every change goes through the services."""

from django.contrib import admin
from django.http import HttpRequest

from .models import RegistrationRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(RegistrationRequest)
class RegistrationRequestAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "last_names", "first_names", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("last_names", "first_names", "email")
    # Never show the password hash or the token digest.
    exclude = ("password_hash", "token_hash")
