"""One code, several requests at the same instant, on PostgreSQL: exactly one passes (the device
row is locked while a code is checked). SQLite has no row locks, so PostgreSQL only."""

import pytest
from django_otp.plugins.otp_static.models import StaticToken

from core.accounts.twofactor import _replace_recovery_codes, verify_second_factor
from tests.core.workflow.test_concurrency import race

from .helpers import totp_code, totp_device

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def attempt(user, code, results):
    def run():
        results.append(verify_second_factor(user, code).ok)

    return run


def test_one_totp_code_sent_six_times_at_once_passes_once(make_user):
    user = make_user(role="technician")
    code = totp_code(totp_device(user))
    results: list[bool] = []

    outcomes = race([attempt(user, code, results) for _ in range(6)])

    assert outcomes == ["ok"] * 6
    assert sorted(results) == [False] * 5 + [True]


def test_one_recovery_code_sent_six_times_at_once_passes_once(make_user):
    user = make_user(role="technician")
    totp_device(user)
    codes = _replace_recovery_codes(user)
    results: list[bool] = []

    race([attempt(user, codes[0], results) for _ in range(6)])

    assert sorted(results) == [False] * 5 + [True]
    assert StaticToken.objects.filter(device__user=user).count() == 9
