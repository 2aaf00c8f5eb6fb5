"""Writes for the test app: creating a permit (transitions go through core.workflow)."""

from django.db import transaction

from .models import OutboxRow, Permit


@transaction.atomic
def permit_create(*, requester, title: str = "Permiso de prueba", attachments: int = 1) -> Permit:
    return Permit.objects.create(requester=requester, title=title, attachments=attachments)


def outbox_write(permit: Permit) -> OutboxRow:
    """An in-transaction hook: one outbox row per change, like notifications would write."""
    return OutboxRow.objects.create(topic=f"permit.{permit.status}", object_id=permit.pk)
