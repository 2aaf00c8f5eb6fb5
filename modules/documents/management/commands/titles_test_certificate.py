"""Create the development/test certificate that signs titles (never for production)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from modules.documents.pki import dev_pki_create


class Command(BaseCommand):
    help = (
        "Genera una CA de prueba y un certificado de firma de títulos en "
        "SIGES_TITLES_TEST_PKI_DIR (solo desarrollo y pruebas)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Reemplazar los existentes.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.SIGES_TITLES_ALLOW_TEST_CERTIFICATE:
            raise CommandError("Los certificados de prueba están desactivados en este entorno.")
        pki = dev_pki_create(Path(settings.SIGES_TITLES_TEST_PKI_DIR), force=options["force"])
        self.stdout.write(f"CA de prueba: {pki.ca_pem}\nCertificado de firma: {pki.p12}")
