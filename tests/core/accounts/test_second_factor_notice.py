"""People hear about changes to their second factor (docs/security.md §1.7, ASVS 6.3.7): by email
and in the inbox, with no link; nothing when the change rolls back."""

import re

import pytest
from django.db import transaction

from core.accounts.twofactor import (
    recovery_codes_regenerate,
    second_factor_remove,
    totp_enrol_confirm,
    totp_enrol_start,
)
from notifications.models import OutboxMessage

from .helpers import totp_code, totp_device

pytestmark = pytest.mark.django_db

TEMPLATE = "accounts/second_factor_changed"
URL = re.compile(r"https?://|www\.", re.IGNORECASE)


def notices(user) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(template=TEMPLATE, user=user).order_by("pk"))


@pytest.fixture
def technician(make_user):
    return make_user(role="technician", email="tecnico@example.org")


def test_activation_new_codes_and_removal_are_each_told(technician, make_user):
    totp_enrol_start(user=technician)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=technician)
    assert totp_enrol_confirm(user=technician, raw_code=totp_code(device)) is not None
    recovery_codes_regenerate(user=technician)
    admin = make_user(role="administrator")
    second_factor_remove(user=technician, actor=admin)

    rows = notices(technician)
    assert sorted({row.channel for row in rows}) == ["email", "in_app"]
    subjects = [row.subject for row in rows if row.channel == "email"]
    assert subjects == [
        "Activó la verificación en dos pasos en SIGES",
        "Nuevos códigos de recuperación en SIGES",
        "Se desactivó la verificación en dos pasos de su cuenta de SIGES",
    ]
    removal = [row for row in rows if row.channel == "email"][-1]
    assert "un administrador desactivó" in removal.body_text
    assert all(not URL.search(row.body_text) for row in rows)
    assert all(row.link == "" for row in rows)


def test_nothing_is_told_when_the_change_rolls_back(technician):
    totp_device(technician)

    def remove_then_fail() -> None:
        with transaction.atomic():
            second_factor_remove(user=technician, actor=technician)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        remove_then_fail()

    assert notices(technician) == []
    assert technician.totpdevice_set.count() == 1
