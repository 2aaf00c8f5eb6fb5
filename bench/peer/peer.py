"""django-helpdesk 2.6.1's side of ``python -m bench compare`` (bench/compare.py starts it).

Runs in its own virtual environment (``var/helpdesk-peer``) with ``peer_settings``; this folder
is the script's own, so ``import helpdesk`` finds django-helpdesk, not this project's app (the
project root is appended to the path only for ``bench.generate``'s COPY helpers).

- ``peer.py generate --tickets N --entries M``: migrate, then fill the peer's database with the
  same shape as ``python -m bench generate``: queues, staff, tickets over three years (about 5 %
  open, the rest resolved or closed), conversation entries (follow-ups) with the same frequent
  word in about 70 % of the tickets, all with COPY in one transaction.
- ``peer.py serve``: reads one JSON command a line (``{"op": "create", "n": 20}``), makes ``n``
  requests through Django's test client as a logged-in staff member, and answers one JSON line
  with the times (ms) and query counts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_settings")
sys.path.append(str(Path(__file__).resolve().parents[2]))

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import vocab  # noqa: E402
from bench.generate import CopyTable, reserve_ids, text, ts  # noqa: E402
from helpdesk.models import FollowUp, Queue, Ticket, UserSettings  # noqa: E402
from helpdesk.query import query_to_base64  # noqa: E402

FREQUENT_WORD = "necesito"
STAFF_PASSWORD = "siges-bench-2026"  # noqa: S105 - a published benchmark credential
SENTENCES = (
    "Necesito que revisen mi caso lo antes posible.",
    "Adjunto el documento que me pidieron en la oficina departamental.",
    "Ya presenté la información en el centro escolar y no aparece en el sistema.",
    "Necesito una constancia para presentar en otra institución.",
    "El trámite sigue pendiente y nadie me indica qué falta.",
    "Gracias por la respuesta, quedo pendiente.",
)


def generate(tickets: int, entries: int, queues: int, staff: int, seed: int) -> None:
    rng = random.Random(seed)
    call_command("migrate", verbosity=0)
    if Ticket.objects.exists():
        raise SystemExit("peer: the database already has tickets")
    user_model = get_user_model()
    started = time.perf_counter()
    with transaction.atomic():
        queue_ids = [
            Queue.objects.create(title=f"Cola {n + 1}", slug=f"cola-{n + 1}").pk
            for n in range(queues)
        ]
        admin = user_model.objects.create_superuser(
            "bench-admin", "admin@bench.example", STAFF_PASSWORD
        )
        hashed = make_password(STAFF_PASSWORD)  # one hash for all: a benchmark database
        staff_users = user_model.objects.bulk_create(
            user_model(
                username=f"tecnico{n}",
                email=f"tecnico{n}@bench.example",
                password=hashed,
                is_staff=True,
            )
            for n in range(staff)
        )
        # bulk_create sends no post_save, so the per-user settings django-helpdesk creates on a
        # user's first save (and reads on the ticket page) are created here.
        UserSettings.objects.bulk_create(UserSettings(user=user) for user in staff_users)
        users = [admin.pk, *(user.pk for user in staff_users)]
        with connection.cursor() as cursor:
            first_ticket = reserve_ids(cursor, Ticket._meta.db_table, tickets)
            table = CopyTable(
                cursor,
                Ticket,
                [
                    "id",
                    "title",
                    "queue_id",
                    "created",
                    "modified",
                    "submitter_email",
                    "assigned_to_id",
                    "status",
                    "description",
                    "priority",
                ],
            )
            now = time.time()
            span = 3 * 365 * 86400
            weights = [1.0 / (rank**0.8) for rank in range(1, queues + 1)]
            chosen_queues = rng.choices(queue_ids, weights=weights, k=tickets)
            created = sorted(now - span + rng.random() * span for _n in range(tickets))

            def ticket_lines():
                for n in range(tickets):
                    recent = n > tickets * 0.95
                    status = rng.choice((1, 1, 2)) if recent else rng.choice((3, 4, 4, 4))
                    word = FREQUENT_WORD if rng.random() < 0.7 else "solicito"
                    description = f"{word.capitalize()} ayuda. {rng.choice(SENTENCES[1:])}"
                    yield "\t".join(
                        (
                            str(first_ticket + n),
                            text(rng.choice(vocab.SUBJECT_STEMS)),
                            str(chosen_queues[n]),
                            ts(created[n]),
                            ts(created[n] + 3600),
                            f"persona{rng.randrange(tickets // 3 + 1)}@ciudadano.bench.example",
                            str(rng.choice(users)) if status != 1 else "\\N",
                            str(status),
                            text(description),
                            str(rng.choice((1, 2, 3, 3, 3, 4))),
                        )
                    )

            table.load(ticket_lines())
            first_entry = reserve_ids(cursor, FollowUp._meta.db_table, entries)
            follow = CopyTable(
                cursor,
                FollowUp,
                ["id", "ticket_id", "date", "title", "comment", "public", "user_id"],
            )

            def entry_lines():
                for n in range(entries):
                    index = n if n < tickets else rng.randrange(tickets)
                    yield "\t".join(
                        (
                            str(first_entry + n),
                            str(first_ticket + index),
                            ts(created[index] + 7200 + n % 1000),
                            "Comentario",
                            text(rng.choice(SENTENCES)),
                            "t",
                            str(rng.choice(users)),
                        )
                    )

            follow.load(entry_lines())
    with connection.cursor() as cursor:
        for model in (Ticket, FollowUp):
            cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
    print(
        f"peer: {tickets:,} tickets, {entries:,} follow-ups, {queues} queues, {staff} staff in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )


def _list_data(client: Client, query: dict) -> object:
    """The ticket list page, then its first 25 rows (the datatable's own request)."""
    params = {"status": [1, 2, 3, 4, 5]}
    if query.get("search_string"):
        params["q"] = query["search_string"]
    client.get("/tickets/", params)
    encoded = query_to_base64(query)
    return client.get(
        f"/datatables_ticket_list/{encoded}",
        {"draw": 1, "start": 0, "length": 25, "order[0][column]": 0, "order[0][dir]": "desc"},
    )


def serve() -> None:
    user_model = get_user_model()
    admin = user_model.objects.get(username="bench-admin")
    client = Client()
    client.force_login(admin)
    recent = list(Ticket.objects.order_by("-id").values_list("id", flat=True)[:20])
    queue = Queue.objects.order_by("id").values_list("id", flat=True).first()
    every_status = {
        "filtering": {"status__in": [1, 2, 3, 4, 5]},
        "filtering_null": {},
        "sorting": "created",
        "sortreverse": True,
        "search_string": "",
    }

    def create(i: int) -> object:
        return client.post(
            "/api/tickets/",
            {
                "queue": queue,
                "title": f"Consulta de prueba de rendimiento {i}",
                "description": "Necesito información sobre el estado de mi trámite.",
                "submitter_email": "persona@ciudadano.bench.example",
                "priority": 3,
            },
            content_type="application/json",
        )

    operations = {
        "create": create,
        "ticket": lambda i: client.get(f"/tickets/{recent[i % len(recent)]}/"),
        "search": lambda i: _list_data(client, {**every_status, "search_string": FREQUENT_WORD}),
        "list_all": lambda i: _list_data(client, every_status),
    }
    print(json.dumps({"ready": True, "tickets": Ticket.objects.count()}), flush=True)
    counter = 0
    for line in sys.stdin:
        command = json.loads(line)
        call = operations[command["op"]]
        times, queries, statuses = [], [], []
        for _n in range(int(command["n"])):
            counter += 1
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = call(counter)
                times.append((time.perf_counter() - started) * 1000)
            queries.append(len(captured.captured_queries))
            statuses.append(response.status_code)
        print(json.dumps({"times": times, "queries": queries, "statuses": statuses}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="peer.py")
    commands = parser.add_subparsers(dest="command", required=True)
    fill = commands.add_parser("generate")
    fill.add_argument("--tickets", type=int, required=True)
    fill.add_argument("--entries", type=int, required=True)
    fill.add_argument("--queues", type=int, default=60)
    fill.add_argument("--staff", type=int, default=400)
    fill.add_argument("--seed", type=int, default=2026)
    commands.add_parser("serve")
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.tickets, args.entries, args.queues, args.staff, args.seed)
    else:
        serve()


if __name__ == "__main__":
    main()
