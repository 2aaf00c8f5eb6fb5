"""``manage.py audit_verify``: recompute every audit chain and report tampering."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from core.audit.checkpoints import checkpoint_load
from core.audit.verify import LATEST_STORED, Problem, verify


class Command(BaseCommand):
    help = (
        "Recomputes the audit chains (hashes, gapless numbering, links) and compares them with "
        "the latest signed checkpoint stored in the database, or with --checkpoint FILE (an "
        "exported one). Says how many events no signature covers yet. Exits with status 1 on "
        "any problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoint", metavar="FILE", help="exported checkpoint (JSON) to compare with"
        )
        parser.add_argument("--chain", metavar="KEY", help="verify only this chain")

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint = None
        if options["checkpoint"]:
            try:
                checkpoint = checkpoint_load(options["checkpoint"])
            except ValueError as exc:
                raise CommandError(
                    _("No se pudo leer el punto de control: %(error)s") % {"error": exc}
                ) from exc

        def print_problem(problem: Problem) -> None:
            self.stdout.write(self.style.ERROR(str(problem)))

        result = verify(
            chain_key=options["chain"],
            checkpoint=checkpoint if checkpoint is not None else LATEST_STORED,
            on_problem=print_problem,
        )
        if result.ok:
            self.stdout.write(self.style.SUCCESS(result.summary))
        else:
            self.stdout.write(self.style.ERROR(result.summary))
        # What a signature vouches for: a chain re-hashed after an edit, or cut at its end, is
        # caught only up to the checkpoint.
        if result.coverage:
            style = self.style.SUCCESS if result.fully_signed else self.style.WARNING
            self.stdout.write(style(result.coverage))
        if result.ok:
            return
        raise CommandError(_("La bitácora de auditoría no está íntegra."), returncode=1)
