"""Read-only admin view of account review cases (they are decided on the staff page or API)."""

from django.contrib import admin
from django.http import HttpRequest

from .models import ReviewCase


@admin.register(ReviewCase)
class ReviewCaseAdmin(admin.ModelAdmin):
    list_display = ("subject_name", "kind", "status", "due_at", "resolved_by")
    list_filter = ("kind", "status")
    search_fields = ("subject_name",)
    list_select_related = ("resolved_by__person",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
