"""Ticket lists built from plain rows instead of model instances.

A list call returns up to 200 tickets. Loading each one as a model instance (with its service,
queue and people) and running DRF's fields on it costs about a millisecond per ticket, most of
the call's time. The list endpoints therefore read only the columns they show, as named rows
(``values_list(*Serializer.ROW_FIELDS, named=True)``), and build each item with plain Python.

The shape of an item is still declared once, by its serializer (``TicketSerializer``,
``StaffTicketSerializer``): its fields document it in the OpenAPI schema and serialize single
tickets (detail and action answers). Those serializers set ``Meta.list_serializer_class`` to
``RowListSerializer``, which hands each row to the serializer's ``row_renderer()``. Tests assert
that a row and the same ticket through the fields give the same item.
"""

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from django.db.models import Model
from django.db.models.manager import BaseManager
from rest_framework import serializers

Row = Any  # a named row of ``QuerySet.values_list(..., named=True)``
RowRenderer = Callable[[Row], dict[str, Any]]


def iso_datetime(value: datetime | None, tz: tzinfo) -> str | None:
    """What DRF's ``DateTimeField`` gives for ``value``: ISO 8601 in ``tz`` (``Z`` for UTC)."""
    if value is None:
        return None
    text = value.astimezone(tz).isoformat()
    return f"{text[:-6]}Z" if text.endswith("+00:00") else text


class RowListSerializer(serializers.ListSerializer):
    """A list of rows, each built by the child serializer's ``row_renderer()`` (made once per
    list, so what is the same for every row is computed once). Model instances in the list
    still go through the child's fields."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        items = data.all() if isinstance(data, BaseManager) else data
        render: RowRenderer | None = None
        output = []
        for item in items:
            if isinstance(item, Model):
                output.append(self.child.to_representation(item))
                continue
            if render is None:
                render = self.child.row_renderer()
            output.append(render(item))
        return output
