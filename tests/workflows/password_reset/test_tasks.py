"""The periodic expiry of stale reset links."""

from datetime import timedelta

import pytest
from django.test import Client

from tests.factories import make_dui
from workflows.password_reset.models import PasswordResetRequest
from workflows.password_reset.tasks import expire_stale_password_resets

pytestmark = pytest.mark.django_db


def test_periodic_task_expires_stale_links_once(settings, make_user):
    stale_user = make_user(dui=make_dui(22_000_001))
    fresh_user = make_user(dui=make_dui(22_000_002))
    client = Client()
    settings.SIGES_PASSWORD_RESET_LINK_TTL = timedelta(0)
    client.post("/recuperar-acceso/", {"identifier": stale_user.dui})
    settings.SIGES_PASSWORD_RESET_LINK_TTL = timedelta(hours=1)
    client.post("/recuperar-acceso/", {"identifier": fresh_user.dui})

    first = expire_stale_password_resets.delay().get()
    second = expire_stale_password_resets.delay().get()

    assert (first, second) == (1, 0)
    statuses = dict(PasswordResetRequest.objects.values_list("user_id", "status"))
    assert statuses == {stale_user.pk: "expired", fresh_user.pk: "email_sent"}
