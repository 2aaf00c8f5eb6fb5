"""Demo second factors (DEMO ONLY): seed_demo gives the demo director and title authenticator a
confirmed app with the published demo secret; ``demo_totp`` prints its current code."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.accounts.demo_totp import DEMO_TOTP_DUIS, DEMO_TOTP_SECRET_BASE32, demo_totp_key_hex
from modules.schools.demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db


def demo_totp(*args: str) -> str:
    out = StringIO()
    call_command("demo_totp", *args, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def seeded(db):
    call_command("seed_demo", "--force", stdout=StringIO())


def test_only_the_signing_demo_accounts_get_an_app(seeded):
    with_app = set(TOTPDevice.objects.filter(confirmed=True).values_list("user__dui", flat=True))

    assert with_app == {"02026006-0", "02026015-9"} == set(DEMO_TOTP_DUIS)
    assert all(d.key == demo_totp_key_hex() for d in TOTPDevice.objects.all())
    assert DEMO_TOTP_SECRET_BASE32.replace(" ", "") == "SIGESDEMOTOTPSECRETKEYFORDEMO234"
    call_command("seed_demo", "--force", stdout=StringIO())  # idempotent
    assert TOTPDevice.objects.count() == 2


@override_settings(DEBUG=True)
def test_the_printed_code_logs_the_demo_director_in(seeded):
    director = next(a for a in DEMO_ACCOUNTS if a.dui == "02026006-0")
    client = Client()
    client.post("/cuentas/ingresar/", {"dui": director.dui, "password": director.password})

    response = client.post("/cuentas/ingresar/codigo/", {"code": demo_totp("02026006-0")})

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_the_command_refuses_with_debug_off(seeded):
    with pytest.raises(CommandError, match="DEBUG"):
        demo_totp("02026006-0")


@override_settings(DEBUG=True)
def test_the_command_never_prints_a_real_secret(seeded, make_user):
    from tests.core.accounts.helpers import totp_device

    person = make_user(role="technician")
    totp_device(person)

    with pytest.raises(CommandError):
        demo_totp(person.dui)
    with pytest.raises(CommandError):
        demo_totp("02026004-4")  # a demo account without an app
    with pytest.raises(CommandError):
        demo_totp("no-es-un-dui")
