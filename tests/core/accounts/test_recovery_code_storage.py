"""Recovery codes are stored only as keyed digests (docs/security.md §1.7): a code passes once,
what the database holds does not pass as a code, an old key in SECRET_KEY_FALLBACKS still
checks, and the data migration turns codes stored as typed into digests that keep working."""

import importlib

import pytest
from django.apps import apps as django_apps
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from core.accounts.twofactor import (
    _replace_recovery_codes,
    recovery_code_digest,
    recovery_codes_left,
    verify_second_factor,
)

from .helpers import totp_device

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(make_user):
    user = make_user(role="technician")
    totp_device(user)
    return user


def stored(user) -> list[str]:
    return sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def test_codes_are_stored_as_digests_and_pass_once(user):
    codes = _replace_recovery_codes(user)
    device = StaticDevice.objects.get(user=user)
    assert stored(user) == sorted(recovery_code_digest(device.pk, code) for code in codes)
    assert not set(codes) & set(stored(user))

    check = verify_second_factor(user, codes[3].upper())
    assert check.ok
    assert check.method == "recovery"
    assert recovery_codes_left(user) == 9
    assert recovery_code_digest(device.pk, codes[3]) not in stored(user)
    # Single use
    before = stored(user)
    assert not verify_second_factor(user, codes[3]).ok
    assert stored(user) == before


def test_what_the_database_holds_is_not_a_code(user):
    _replace_recovery_codes(user)
    before = stored(user)
    for digest in before:
        assert not verify_second_factor(user, digest).ok
    assert stored(user) == before
    device = StaticDevice.objects.get(user=user)
    assert device.throttling_failure_count > 0  # wrong codes still feed the throttle


def test_the_same_code_on_two_devices_has_two_digests():
    assert recovery_code_digest(1, "abcdefghijklmnop") != recovery_code_digest(
        2, "abcdefghijklmnop"
    )
    assert len(recovery_code_digest(1, "abcdefghijklmnop")) == 16


def test_a_rotated_key_in_the_fallbacks_still_checks(user, settings):
    codes = _replace_recovery_codes(user)
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert verify_second_factor(user, codes[0]).ok
    settings.SECRET_KEY_FALLBACKS = []
    assert not verify_second_factor(user, codes[1]).ok
    assert recovery_codes_left(user) == 9


def test_the_data_migration_hashes_codes_stored_as_typed(user):
    device = StaticDevice.objects.create(user=user, name="Códigos de recuperación", confirmed=True)
    plain = ["abcdefghijklmnop", "qrstuvwxyz234567"]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in plain)

    migration = importlib.import_module("core.accounts.migrations.0004_hash_recovery_codes")
    migration.hash_stored_codes(django_apps, None)

    assert stored(user) == sorted(recovery_code_digest(device.pk, code) for code in plain)
    assert verify_second_factor(user, "abcd-efgh-ijkl-mnop").ok
    assert stored(user) == [recovery_code_digest(device.pk, "qrstuvwxyz234567")]
