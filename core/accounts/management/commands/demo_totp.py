"""``manage.py demo_totp <DUI>``: print the current code of a demo account's authenticator app.
DEMO ONLY: refuses with DEBUG off (unless ``--force``) and for any device whose secret is not
the published demo secret."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.accounts.demo_totp import current_code, demo_totp_key_hex
from core.accounts.dui import normalize_dui


class Command(BaseCommand):
    help = (
        "Print the current TOTP code of a demo account (02026006-0, 02026015-9). DEMO ONLY: "
        "refuses with DEBUG off unless --force is given, and for non-demo secrets."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dui")
        parser.add_argument(
            "--force", action="store_true", help="Run even though DEBUG is off (demo data only)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "demo_totp solo sirve para las cuentas de demostración y DEBUG está desactivado. "
                "/ demo_totp is for demo accounts only and DEBUG is off."
            )
        try:
            dui = normalize_dui(options["dui"])
        except Exception as exc:
            raise CommandError(f"DUI no válido / invalid DUI: {options['dui']}") from exc
        device = TOTPDevice.objects.filter(user__dui=dui, confirmed=True).first()
        if device is None or device.key != demo_totp_key_hex():
            # Only the published demo secret: a real person's codes are never printed.
            raise CommandError(
                "Esa cuenta no tiene la aplicación de demostración (ejecute seed_demo). / "
                "That account has no demo authenticator (run seed_demo)."
            )
        self.stdout.write(current_code(device))
