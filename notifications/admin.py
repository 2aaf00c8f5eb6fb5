"""Operators see the outbox and its delivery events; they cannot edit messages, only ask for a
retry (through the service, which audits it). The body and link of a sensitive message (it
carries a one-time access link) are never shown, not even before it is sent."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import linebreaksbr
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import DeliveryEvent, OutboxMessage
from .services import outbox_retry

# Shown instead of the body and link of a sensitive message, whatever its state (once the relay
# is done with it the stored body is only a placeholder anyway).
HIDDEN = _("[Contenido oculto: contiene un enlace de acceso de un solo uso.]")


class DeliveryEventInline(admin.TabularInline):
    model = DeliveryEvent
    extra = 0
    can_delete = False
    fields = ["occurred_at", "esp_name", "event_type", "event_id", "raw"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "created_at",
        "channel",
        "status",
        "recipient",
        "to_address",
        "subject",
        "attempts",
        "next_attempt_at",
    ]
    list_filter = ["status", "channel", "template"]
    search_fields = ["to_address", "idempotency_key", "esp_message_id", "subject"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    inlines = [DeliveryEventInline]
    actions = ["retry_now"]
    fieldsets = [
        (None, {"fields": ["channel", "status", "recipient", "user", "to_address", "reply_to"]}),
        (
            _("Contenido"),
            {
                "fields": [
                    "template",
                    "sensitive",
                    "subject",
                    "shown_body_text",
                    "shown_body_html",
                    "shown_link",
                ]
            },
        ),
        (
            _("Envío"),
            {
                "fields": [
                    "idempotency_key",
                    "attempts",
                    "next_attempt_at",
                    "claimed_at",
                    "last_error",
                    "sent_at",
                    "esp_message_id",
                    "delivered_at",
                    "read_at",
                    "created_at",
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [field for _title, options in self.fieldsets for field in options["fields"]]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("texto"))
    def shown_body_text(self, obj: OutboxMessage) -> str:
        return HIDDEN if obj.sensitive else linebreaksbr(obj.body_text)

    @admin.display(description=_("HTML"))
    def shown_body_html(self, obj: OutboxMessage) -> str:
        return HIDDEN if obj.sensitive and obj.body_html else linebreaksbr(obj.body_html)

    @admin.display(description=_("enlace"))
    def shown_link(self, obj: OutboxMessage) -> str:
        return HIDDEN if obj.sensitive and obj.link else obj.link

    @admin.action(description=_("Reintentar el envío ahora"), permissions=["change"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        selected = list(queryset)
        count = outbox_retry(actor=request.user, messages=selected)
        if count:
            self.message_user(
                request,
                ngettext(
                    "Se programó %(count)d mensaje para enviarse ahora.",
                    "Se programaron %(count)d mensajes para enviarse ahora.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
        skipped = len(selected) - count
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d mensaje no se puede reintentar en su estado actual.",
                    "%(count)d mensajes no se pueden reintentar en su estado actual.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


@admin.register(DeliveryEvent)
class DeliveryEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "esp_name", "event_type", "message", "event_id"]
    list_filter = ["esp_name", "event_type"]
    search_fields = ["event_id", "message__esp_message_id"]
    list_select_related = ["message"]
    readonly_fields = [
        "esp_name",
        "event_id",
        "message",
        "event_type",
        "occurred_at",
        "received_at",
        "raw",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
