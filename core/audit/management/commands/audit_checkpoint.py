"""``manage.py audit_checkpoint``: write a signed checkpoint of every chain head, and export it."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from core.audit.checkpoints import checkpoint_dumps
from core.audit.services import audit_checkpoint_write


class Command(BaseCommand):
    help = (
        "Writes a signed checkpoint (Merkle root over every chain head) unless nothing changed "
        "since the last one, and with --export writes it as JSON to FILE ('-' for stdout)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--export", metavar="FILE", help="write the checkpoint JSON here")

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint, created = audit_checkpoint_write()
        text = checkpoint_dumps(checkpoint)
        target = options["export"]
        if target == "-":
            self.stdout.write(text, ending="")
            return
        if target:
            Path(target).write_text(text, encoding="utf-8")
        message = (
            _(
                "Punto de control %(id)d escrito: %(chains)d cadenas, %(events)d eventos, "
                "raíz %(root)s"
            )
            if created
            else _(
                "Sin eventos nuevos; se conserva el punto de control %(id)d: %(chains)d cadenas, "
                "%(events)d eventos, raíz %(root)s"
            )
        )
        values = {
            "id": checkpoint.pk,
            "chains": checkpoint.chain_count,
            "events": checkpoint.event_count,
            "root": checkpoint.merkle_root,
        }
        self.stdout.write(self.style.SUCCESS(message % values))
