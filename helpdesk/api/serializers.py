"""Serializers of the help-desk API, shared by the portal, staff and work-queue endpoints.

Every serializer lists its fields (no ``__all__``: docs/security.md §3.3, ASVS 8.2.3). The
output serializers here show what a requester may see; staff endpoints extend them (assignee,
internal notes…) in their own classes. Input serializers live next to the endpoint that uses
them unless several endpoints share them.
"""

from typing import Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from helpdesk.api.rows import Row, RowListSerializer, RowRenderer, iso_datetime
from helpdesk.choices import EntryKind, Priority, TicketStatus
from helpdesk.display import choice_labels, next_deadline, process_status_label, process_title
from helpdesk.models import Attachment, SatisfactionRating, Service, Ticket, TicketEntry

# --- Attachments and conversation -------------------------------------------------------------


class AttachmentSerializer(serializers.ModelSerializer):
    """A file of a message; ``download_url`` goes through the permission-checked download."""

    name = serializers.CharField(source="original_name", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "download_url", "created_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, obj: Attachment) -> str:
        path = reverse("helpdesk:attachment_download", kwargs={"pk": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class TicketEntrySerializer(serializers.ModelSerializer):
    """One message of the conversation. Requesters only ever receive public replies (the
    selectors filter them); ``kind`` is there for staff, who see notes too."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    author_name = serializers.SerializerMethodField()
    by_requester = serializers.SerializerMethodField()
    ticket_number = serializers.CharField(source="ticket.number", read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = TicketEntry
        fields = [
            "id",
            "kind",
            "kind_label",
            "author_name",
            "by_requester",
            "body",
            "channel",
            "created_at",
            "ticket_number",
            "attachments",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author_name(self, obj: TicketEntry) -> str | None:
        # ``None``: a message written by the system.
        return obj.author.person.full_name if obj.author_id else None

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_by_requester(self, obj: TicketEntry) -> bool:
        return obj.author_id is not None and obj.author_id == obj.ticket.requester_id


# --- Catalogue -------------------------------------------------------------------------------


class ServiceSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = ["code", "name"]
        read_only_fields = fields


class RatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = SatisfactionRating
        fields = ["rating", "comment", "created_at"]
        read_only_fields = fields


# --- Tickets ---------------------------------------------------------------------------------


class NextDeadlineSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["first_response", "resolution"], help_text="Qué se espera antes de ``due_at``."
    )
    label = serializers.CharField()
    due_at = serializers.DateTimeField()
    breached = serializers.BooleanField()


def _deadline_representation(ticket: Ticket | Row, tz: Any = None) -> dict[str, Any] | None:
    deadline = next_deadline(ticket)
    if deadline is None:
        return None
    return {
        "kind": deadline.kind,
        "label": str(deadline.label),
        "due_at": iso_datetime(deadline.due_at, tz or timezone.get_current_timezone()),
        "breached": deadline.breached,
    }


class TicketSerializer(serializers.ModelSerializer):
    """A ticket in a list, as its requester sees it (no assignee, no internal flags).

    Lists hand it named rows of ``ROW_FIELDS`` (``helpdesk.api.rows``); a single ticket goes
    through the fields.
    """

    #: The columns ``row_renderer`` reads: ``values_list(*ROW_FIELDS, named=True)``.
    ROW_FIELDS: tuple[str, ...] = (
        "id",
        "number",
        "subject",
        "status",
        "priority",
        "channel",
        "created_at",
        "updated_at",
        "first_response_due_at",
        "first_responded_at",
        "first_response_breached",
        "resolution_due_at",
        "resolution_breached",
        "resolved_at",
        "closed_at",
        "service__code",
        "service__name",
        "queue__name",
    )

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    priority_label = serializers.CharField(source="get_priority_display", read_only=True)
    service = ServiceSummarySerializer(read_only=True)
    queue_name = serializers.CharField(source="queue.name", read_only=True)
    next_deadline = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "number",
            "subject",
            "status",
            "status_label",
            "priority",
            "priority_label",
            "service",
            "queue_name",
            "channel",
            "created_at",
            "updated_at",
            "first_response_due_at",
            "first_responded_at",
            "resolution_due_at",
            "resolved_at",
            "closed_at",
            "next_deadline",
        ]
        read_only_fields = fields
        list_serializer_class = RowListSerializer

    @extend_schema_field(NextDeadlineSerializer(allow_null=True))
    def get_next_deadline(self, obj: Ticket) -> dict[str, Any] | None:
        return _deadline_representation(obj)

    def _labels(self) -> tuple[dict[str, str], dict[str, str]]:
        """Status and priority labels in the active language, translated once per serializer
        (built on first use, inside the request)."""
        cached = getattr(self, "_label_cache", None)
        if cached is None:
            cached = (choice_labels(TicketStatus.choices), choice_labels(Priority.choices))
            self._label_cache = cached
        return cached

    def row_renderer(self) -> RowRenderer:
        """Builds the item of one row of ``ROW_FIELDS``, the same as the fields give."""
        tz = timezone.get_current_timezone()
        statuses, priorities = self._labels()

        def render(row: Row) -> dict[str, Any]:
            return {
                "number": row.number,
                "subject": row.subject,
                "status": row.status,
                "status_label": statuses.get(row.status, row.status),
                "priority": row.priority,
                "priority_label": priorities.get(row.priority, row.priority),
                "service": {"code": row.service__code, "name": row.service__name},
                "queue_name": row.queue__name,
                "channel": row.channel,
                "created_at": iso_datetime(row.created_at, tz),
                "updated_at": iso_datetime(row.updated_at, tz),
                "first_response_due_at": iso_datetime(row.first_response_due_at, tz),
                "first_responded_at": iso_datetime(row.first_responded_at, tz),
                "resolution_due_at": iso_datetime(row.resolution_due_at, tz),
                "resolved_at": iso_datetime(row.resolved_at, tz),
                "closed_at": iso_datetime(row.closed_at, tz),
                "next_deadline": _deadline_representation(row, tz),
            }

        return render


class ProcessStatusSerializer(serializers.Serializer):
    """The workflow instance a ticket follows (``viewflow.Process``)."""

    id = serializers.IntegerField()
    flow = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    created = serializers.DateTimeField()
    finished = serializers.DateTimeField(allow_null=True)


class TicketDetailSerializer(TicketSerializer):
    """One ticket with its answers, conversation and rating, as its requester sees it.

    The view passes the entries it is allowed to show in the context (``entries``): the
    serializer never reads the conversation itself, so notes cannot slip in.
    """

    form_data = serializers.JSONField(read_only=True)
    merged_into = serializers.CharField(
        source="merged_into.number", read_only=True, allow_null=True, default=None
    )
    process = serializers.SerializerMethodField()
    rating = serializers.SerializerMethodField()
    entries = serializers.SerializerMethodField()

    class Meta(TicketSerializer.Meta):
        fields = [
            *TicketSerializer.Meta.fields,
            "form_data",
            "merged_into",
            "process",
            "rating",
            "entries",
        ]
        read_only_fields = fields

    @extend_schema_field(ProcessStatusSerializer(allow_null=True))
    def get_process(self, obj: Ticket) -> dict[str, Any] | None:
        process = obj.process if obj.process_id else None
        if process is None:
            return None
        return ProcessStatusSerializer(
            {
                "id": process.pk,
                "flow": process_title(process),
                "status": process.status,
                "status_label": process_status_label(process.status),
                "created": process.created,
                "finished": process.finished,
            }
        ).data

    @extend_schema_field(RatingSerializer(allow_null=True))
    def get_rating(self, obj: Ticket) -> dict[str, Any] | None:
        try:
            rating = obj.rating
        except SatisfactionRating.DoesNotExist:
            return None
        return RatingSerializer(rating).data

    @extend_schema_field(TicketEntrySerializer(many=True))
    def get_entries(self, obj: Ticket) -> list[dict[str, Any]]:
        entries = self.context.get("entries", ())
        return TicketEntrySerializer(entries, many=True, context=self.context).data


def ticket_detail_data(
    ticket: Ticket, *, entries: list[TicketEntry], request: Any = None
) -> dict[str, Any]:
    """``TicketDetailSerializer(ticket, context={"request": request, "entries": entries}).data``
    built with plain Python: the answer to opening a ticket, which runs once per creation and
    would otherwise build a dozen DRF field objects for one item. Tickets that follow a process
    go through the serializer (``process``); tests hold the two equal.
    """
    if ticket.process_id is not None:
        context = {"request": request, "entries": entries}
        return TicketDetailSerializer(ticket, context=context).data
    tz = timezone.get_current_timezone()
    kinds = choice_labels(EntryKind.choices)
    try:
        rating = ticket.rating
    except SatisfactionRating.DoesNotExist:
        rating = None
    data = {
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "status_label": str(TicketStatus(ticket.status).label),
        "priority": ticket.priority,
        "priority_label": str(Priority(ticket.priority).label),
        "service": {"code": ticket.service.code, "name": ticket.service.name},
        "queue_name": ticket.queue.name,
        "channel": ticket.channel,
        "created_at": iso_datetime(ticket.created_at, tz),
        "updated_at": iso_datetime(ticket.updated_at, tz),
        "first_response_due_at": iso_datetime(ticket.first_response_due_at, tz),
        "first_responded_at": iso_datetime(ticket.first_responded_at, tz),
        "resolution_due_at": iso_datetime(ticket.resolution_due_at, tz),
        "resolved_at": iso_datetime(ticket.resolved_at, tz),
        "closed_at": iso_datetime(ticket.closed_at, tz),
        "next_deadline": _deadline_representation(ticket, tz),
        "form_data": ticket.form_data,
        "merged_into": ticket.merged_into.number if ticket.merged_into_id else None,
        "process": None,
        "rating": None if rating is None else RatingSerializer(rating).data,
    }
    items = []
    for entry in entries:
        attachments = []
        for attachment in entry.attachments.all():
            path = reverse("helpdesk:attachment_download", kwargs={"pk": attachment.pk})
            attachments.append(
                {
                    "id": attachment.pk,
                    "name": attachment.original_name,
                    "size": attachment.size,
                    "content_type": attachment.content_type,
                    "download_url": request.build_absolute_uri(path) if request else path,
                    "created_at": iso_datetime(attachment.created_at, tz),
                }
            )
        items.append(
            {
                "id": entry.pk,
                "kind": entry.kind,
                "kind_label": kinds.get(entry.kind, entry.kind),
                "author_name": entry.author.person.full_name if entry.author_id else None,
                "by_requester": entry.author_id is not None
                and entry.author_id == entry.ticket.requester_id,
                "body": entry.body,
                "channel": entry.channel,
                "created_at": iso_datetime(entry.created_at, tz),
                "ticket_number": entry.ticket.number,
                "attachments": attachments,
            }
        )
    data["entries"] = items
    return data
