"""Admin for students: the motive catalogue is editable; students and enrollments are read here
and changed only through the services (their pages and API), which audit every change."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Enrollment, Student, WithdrawalMotive


@admin.register(WithdrawalMotive)
class WithdrawalMotiveAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    ordering = ("position",)


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Student)
class StudentAdmin(_ReadOnly):
    list_display = ("nie", "person", "created_at")
    list_select_related = ("person",)
    search_fields = ("=nie", "person__last_names", "person__first_names")


@admin.register(Enrollment)
class EnrollmentAdmin(_ReadOnly):
    list_display = ("student", "section", "school_year", "status", "enrolled_on", "ended_on")
    list_filter = ("school_year", "status")
    list_select_related = ("student", "section__grade")
    search_fields = ("=student__nie",)
    raw_id_fields = ("student", "section", "school", "previous")
