"""Administration of the catalogue, queues, teams and SLA policies.

Tickets are read-only here: their status, assignment and conversation change only through the
services (and so through the audit chain). Catalogue and configuration rows are plain data.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Attachment,
    CannedResponse,
    Queue,
    SatisfactionRating,
    Service,
    ServiceField,
    SlaPolicy,
    SlaPriorityTarget,
    Team,
    TechnicianStatus,
    Ticket,
    TicketEntry,
)


class SlaPriorityTargetInline(admin.TabularInline):
    model = SlaPriorityTarget
    extra = 0


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "first_response_target", "resolution_target", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]
    inlines = [SlaPriorityTargetInline]


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "department",
        "assignment_mode",
        "escalation_queue",
        "email_local_part",
        "is_active",
    ]
    list_filter = ["assignment_mode", "is_active", "department"]
    search_fields = ["name", "code", "email_local_part"]
    list_select_related = ["department", "escalation_queue"]
    autocomplete_fields = ["escalation_queue"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    filter_horizontal = ["members", "queues"]


@admin.register(TechnicianStatus)
class TechnicianStatusAdmin(admin.ModelAdmin):
    list_display = ["user", "available", "updated_at"]
    list_filter = ["available"]
    list_select_related = ["user__person"]
    raw_id_fields = ["user"]


class ServiceFieldInline(admin.TabularInline):
    model = ServiceField
    extra = 0
    fields = ["order", "key", "label", "field_type", "required", "choices", "help_text"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "queue",
        "sla_policy",
        "any_citizen",
        "workflow_key",
        "is_active",
    ]
    list_filter = ["is_active", "any_citizen", "queue"]
    search_fields = ["name", "code", "description"]
    list_select_related = ["queue", "sla_policy"]
    inlines = [ServiceFieldInline]


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ["title", "queue", "is_active", "updated_at"]
    list_filter = ["is_active", "queue"]
    search_fields = ["title", "body"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TicketEntryInline(admin.TabularInline):
    model = TicketEntry
    extra = 0
    fields = ["created_at", "kind", "author", "channel", "body"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "subject",
        "status",
        "priority",
        "queue",
        "assignee",
        "resolution_due_at",
        "created_at",
    ]
    list_filter = ["status", "priority", "queue", "resolution_breached"]
    search_fields = ["number", "subject"]
    list_select_related = ["queue", "assignee__person"]
    date_hierarchy = "created_at"
    show_full_result_count = False  # counting a million rows on every page is not free
    inlines = [TicketEntryInline]
    readonly_fields = [
        "number",
        "subject",
        "requester",
        "service",
        "queue",
        "assignee",
        "priority",
        "status",
        "channel",
        "form_data",
        "first_response_due_at",
        "first_responded_at",
        "first_response_breached",
        "resolution_due_at",
        "resolved_at",
        "resolution_breached",
        "escalated_at",
        "closed_at",
        "parent",
        "merged_into",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields


@admin.register(TicketEntry)
class TicketEntryAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "kind", "author", "channel", "created_at"]
    list_filter = ["kind", "channel"]
    list_select_related = ["ticket", "author__person"]
    raw_id_fields = ["ticket"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "content_type", "size", "entry", "created_at"]
    list_filter = ["content_type"]
    list_select_related = ["entry__ticket"]


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "rating", "short_comment", "created_at"]
    list_filter = ["rating"]
    list_select_related = ["ticket"]

    @admin.display(description=_("comentario"))
    def short_comment(self, obj: SatisfactionRating) -> str:
        return obj.comment[:80]
