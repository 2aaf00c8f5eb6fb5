"""Create the shipped help-desk catalogue rows that are missing (never overwrites edits)."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from helpdesk.catalogue import load_catalogue


class Command(BaseCommand):
    help = "Crea las políticas de SLA, colas y servicios del catálogo que falten."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            created = load_catalogue(apps)
        self.stdout.write(
            "Catálogo: {policies} políticas, {queues} colas y {services} servicios nuevos.".format(
                **created
            )
        )
