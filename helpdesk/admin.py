"""Administration of the catalogue, queues, teams and SLA policies.

Tickets are read-only here: their status, assignment and conversation change only through the
services (and so through the audit chain). Configuration (queues, teams and their membership,
SLA policies and targets, services and their fields, technician availability) is saved through
the audited services of ``helpdesk.services.config``: every edit here writes an audit event with
the values before and after.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

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
from .services.config import config_delete, config_save, config_set_related


class AuditedConfigAdmin(admin.ModelAdmin):
    """Saves, deletes, inlines and many-to-many sets go through ``helpdesk.services.config``."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        config_save(actor=request.user, instance=obj, request=request)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        config_delete(actor=request.user, instance=obj, request=request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            config_delete(actor=request.user, instance=obj, request=request)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseFormSet, change: bool
    ) -> None:
        changed = formset.save(commit=False)
        for obj in formset.deleted_objects:
            config_delete(actor=request.user, instance=obj, request=request)
        for obj in changed:
            config_save(actor=request.user, instance=obj, request=request)
        formset.save_m2m()

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list, change: bool
    ) -> None:
        # Instead of form.save_m2m(): each many-to-many field through the audited service.
        for field in form.instance._meta.many_to_many:
            if field.name in form.cleaned_data:
                config_set_related(
                    actor=request.user,
                    instance=form.instance,
                    field=field.name,
                    values=form.cleaned_data[field.name],
                    request=request,
                )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class SlaPriorityTargetInline(admin.TabularInline):
    model = SlaPriorityTarget
    extra = 0


@admin.register(SlaPolicy)
class SlaPolicyAdmin(AuditedConfigAdmin):
    list_display = ["name", "code", "first_response_target", "resolution_target", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]
    inlines = [SlaPriorityTargetInline]


@admin.register(Queue)
class QueueAdmin(AuditedConfigAdmin):
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
class TeamAdmin(AuditedConfigAdmin):
    list_display = ["name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    filter_horizontal = ["members", "queues"]


@admin.register(TechnicianStatus)
class TechnicianStatusAdmin(AuditedConfigAdmin):
    list_display = ["user", "available", "updated_at"]
    list_filter = ["available"]
    list_select_related = ["user__person"]
    raw_id_fields = ["user"]


class ServiceFieldInline(admin.TabularInline):
    model = ServiceField
    extra = 0
    fields = ["order", "key", "label", "field_type", "required", "choices", "help_text"]


@admin.register(Service)
class ServiceAdmin(AuditedConfigAdmin):
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
