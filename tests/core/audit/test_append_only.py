"""The application cannot rewrite history: saving a stored event again, deleting it, or bulk
updating / deleting through the queryset all refuse, and nothing changes."""

import pytest

from core.audit.models import AppendOnlyError, AuditEvent

from .conftest import CHAIN

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple]:
    return list(AuditEvent.objects.order_by("pk").values_list("pk", "seq", "action", "hash"))


def test_saving_a_stored_event_again_is_refused(chain):
    before = snapshot()
    event = AuditEvent.objects.get(pk=chain[1].pk)
    event.action = "thing.rewritten"

    with pytest.raises(AppendOnlyError, match=r"audit\.AuditEvent is append-only"):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.save(update_fields=["action"])

    assert snapshot() == before


def test_deleting_an_event_is_refused(chain):
    before = snapshot()

    with pytest.raises(AppendOnlyError, match=r"delete\(\) is not allowed"):
        chain[4].delete()

    assert snapshot() == before


def test_queryset_update_and_delete_are_refused(chain):
    before = snapshot()
    events = AuditEvent.objects.filter(chain_key=CHAIN)

    with pytest.raises(AppendOnlyError, match=r"update\(\) is not allowed"):
        events.update(action="thing.rewritten")
    with pytest.raises(AppendOnlyError, match=r"delete\(\) is not allowed"):
        events.delete()
    with pytest.raises(AppendOnlyError, match=r"bulk_update\(\) is not allowed"):
        AuditEvent.objects.bulk_update(list(events), ["action"])

    assert snapshot() == before
