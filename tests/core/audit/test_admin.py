"""The admin shows the audit trail read-only: no add, change or delete, even for a superuser."""

import pytest
from django.urls import reverse

from core.accounts.models import User
from core.audit.models import AuditCheckpoint, AuditEvent
from core.audit.services import audit_checkpoint_write
from tests.factories import make_dui

from .conftest import build_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser(dui=make_dui(4242), password="x" * 20))
    return client


def test_events_are_listed_and_shown_but_cannot_be_added_changed_or_deleted(admin_client):
    events = build_chain("test.thing:1", 2)
    chain = AuditEvent.objects.filter(chain_key="test.thing:1").order_by("pk")
    before = list(chain.values("pk", "action", "hash"))
    change_url = reverse("admin:audit_auditevent_change", args=[events[0].pk])

    assert admin_client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    page = admin_client.get(change_url)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert b'name="_save"' not in page.content
    assert admin_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert admin_client.post(change_url, {"action": "x"}).status_code == 403
    delete_url = reverse("admin:audit_auditevent_delete", args=[events[0].pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403

    assert list(chain.values("pk", "action", "hash")) == before
    # The three refusals are themselves in the trail
    assert AuditEvent.objects.filter(action="access.denied").count() == 3


def test_checkpoints_are_read_only_too(admin_client):
    build_chain("test.thing:1", 1)
    checkpoint, _created = audit_checkpoint_write()

    assert admin_client.get(reverse("admin:audit_auditcheckpoint_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:audit_auditcheckpoint_add")).status_code == 403
    delete_url = reverse("admin:audit_auditcheckpoint_delete", args=[checkpoint.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert AuditCheckpoint.objects.count() == 1
