"""Two partial indexes over the active tickets: the staff list's deadline order
(``ticket_active_due_idx``) and the Bandeja's per-queue lookups (``ticket_active_queue_idx``).

Measured on 1 M tickets (docs/fragments/bench.md): the staff list goes from a sort of every
active ticket to an index walk that stops at the page."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0003_search_indexes"),
        ("viewflow", "0015_task_scheduled"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(
                    (
                        "status__in",
                        ("new", "open", "in_progress", "waiting_on_requester", "reopened"),
                    )
                ),
                fields=["resolution_due_at", "id"],
                name="ticket_active_due_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(
                    (
                        "status__in",
                        ("new", "open", "in_progress", "waiting_on_requester", "reopened"),
                    )
                ),
                fields=["queue", "assignee"],
                name="ticket_active_queue_idx",
            ),
        ),
    ]
