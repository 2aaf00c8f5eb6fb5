"""Read-only admin views of the audit trail: nobody adds, changes or deletes through the admin."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditCheckpoint, AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = [
        "occurred_at",
        "chain_key",
        "seq",
        "action",
        "object_type",
        "object_id",
        "actor_label",
    ]
    list_filter = ["action", "object_type"]
    search_fields = ["chain_key", "object_id"]
    date_hierarchy = "occurred_at"
    ordering = ["-id"]
    show_full_result_count = False


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "chain_count", "event_count", "merkle_root"]
    ordering = ["-created_at"]
