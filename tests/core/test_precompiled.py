"""core.precompiled: a queryset's SQL compiled once, run with other values, rows built as the
queryset builds them; single-row inserts without save()'s machinery."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.db.models.sql.compiler import SQLCompiler
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.accounts.models import Person, RoleGrant, User
from core.audit.models import AuditEvent
from core.precompiled import PrecompiledInsert, precompiled, write_behind
from notifications.models import OutboxMessage
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _users_with_person():
    return precompiled(
        "test.users",
        lambda first, second: (
            User.objects.select_related("person").filter(Q(pk=first) | Q(pk=second)).order_by("pk")
        ),
        first=int,
        second=int,
    )


def test_rows_are_the_querysets_rows_with_their_joins(make_user):
    one, two, _other = make_user(), make_user(), make_user()
    query = _users_with_person()
    found = query.fetch(first=two.pk, second=one.pk)
    expected = list(
        User.objects.select_related("person").filter(pk__in=[one.pk, two.pk]).order_by("pk")
    )
    assert [u.pk for u in found] == [u.pk for u in expected]
    for got, want in zip(found, expected, strict=True):
        assert got.dui == want.dui
        assert got.password == want.password
        assert got._state.adding is False
        assert got._state.db == "default"
        # The person came in the same query, as select_related would have it.
        with CaptureQueriesContext(connection) as captured:
            assert got.person.full_name == want.person.full_name
        assert len(captured) == 0


def test_the_sql_is_compiled_once_and_each_call_runs_it_with_its_values(make_user):
    one, two = make_user(), make_user()
    query = _users_with_person()
    compiled = mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql
    )
    with compiled as as_sql, CaptureQueriesContext(connection) as captured:
        assert [u.pk for u in query.fetch(first=one.pk, second=one.pk)] == [one.pk]
        assert [u.pk for u in query.fetch(first=two.pk, second=two.pk)] == [two.pk]
        assert query.fetch(first=-1, second=-2) == []
    assert as_sql.call_count == 1
    assert len(captured) == 3  # every call ran its own query: nothing but the SQL is kept


def test_values_lists_dates_and_the_shortcuts(make_user):
    user = make_user(role="technician")
    today = timezone.localdate()
    grants = precompiled(
        "test.grants",
        lambda user_id, today: (
            RoleGrant.objects.filter(user_id=user_id, valid_from__lte=today)
            .order_by("pk")
            .values_list("role", flat=True)
        ),
        user_id=int,
        today=date,
    )
    # A date is passed as the backend adapts it (SQLite: as text): both backends filter by it.
    assert grants.fetch(user_id=user.pk, today=today) == ["technician"]
    assert grants.fetch(user_id=user.pk, today=today - timedelta(days=400)) == []
    by_dui = precompiled("test.by_dui", lambda dui: User.objects.filter(dui=dui), dui=str)
    assert by_dui.get(dui=user.dui).pk == user.pk
    assert by_dui.first(dui="no such dui") is None
    with pytest.raises(User.DoesNotExist):
        by_dui.get(dui="no such dui")


def test_wrong_or_missing_values_are_refused_before_any_query(make_user):
    user = make_user()
    query = _users_with_person()
    with CaptureQueriesContext(connection) as captured:
        with pytest.raises(TypeError):
            query.fetch(first=str(user.pk), second=user.pk)  # a str where an int goes
        with pytest.raises(TypeError):
            query.fetch(first=user.pk)  # one missing
        with pytest.raises(TypeError):
            query.fetch(first=user.pk, second=user.pk, third=1)
        with pytest.raises(TypeError):
            query.fetch(first=True, second=user.pk)  # bool is not int here
    assert len(captured) == 0
    with pytest.raises(TypeError):
        precompiled("test.float", lambda x: User.objects.filter(pk=x), x=float)


def test_shapes_it_cannot_keep_are_refused_when_compiled():
    unused = precompiled("test.unused", lambda pk: User.objects.all(), pk=int)
    with pytest.raises(ValueError, match="pk"):
        unused.fetch(pk=1)
    prefetching = precompiled(
        "test.prefetch",
        lambda pk: User.objects.prefetch_related("role_grants").filter(pk=pk),
        pk=int,
    )
    with pytest.raises(ValueError, match="prefetch_related"):
        prefetching.fetch(pk=1)
    # A query Django compiles to "no rows" (here an empty list) has no SQL to keep.
    empty = precompiled("test.empty", lambda pk: User.objects.filter(pk=pk, dui__in=[]), pk=int)
    with pytest.raises(ValueError, match="shape"):
        empty.fetch(pk=1)


@pytest.mark.django_db(transaction=True)  # outside the test's own transaction, as Django's rule
def test_select_for_update_keeps_djangos_rule(make_user):
    user = make_user()
    locking = precompiled(
        "test.lock", lambda pk: User.objects.select_for_update().filter(pk=pk), pk=int
    )
    with transaction.atomic():
        assert locking.get(pk=user.pk).pk == user.pk
    if connection.features.has_select_for_update:
        with (
            CaptureQueriesContext(connection) as captured,
            pytest.raises(TransactionManagementError),
        ):
            locking.get(pk=user.pk)
        assert len(captured) == 0
        assert "FOR UPDATE" in locking._for("default").sql
    else:  # SQLite: no row locks; Django runs the query without FOR UPDATE, and so does this
        assert locking.get(pk=user.pk).pk == user.pk


def _event(**overrides):
    fields = {
        "chain_key": "test:precompiled",
        "seq": 1,
        "occurred_at": date(2026, 1, 1),
        "actor_label": "Ana",
        "ip_address": "10.0.0.1",
        "object_type": "test",
        "object_id": "1",
        "action": "test.done",
        "payload": {"b": [1, 2], "a": "ñ"},
        "prev_hash": "0" * 64,
        "hash": "f" * 64,
    }
    fields["occurred_at"] = AuditEvent._meta.get_field("occurred_at").to_python(
        "2026-01-01T12:00:00.123456+00:00"
    )
    return AuditEvent(**{**fields, **overrides})


def test_an_insert_writes_what_save_would_write():
    inserted = PrecompiledInsert(AuditEvent).insert(_event())
    saved = _event(chain_key="test:saved", hash="e" * 64)
    saved.save()
    assert inserted.pk is not None
    assert inserted._state.adding is False
    columns = [f.attname for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    got = AuditEvent.objects.filter(pk=inserted.pk).values(*columns).get()
    want = AuditEvent.objects.filter(pk=saved.pk).values(*columns).get()
    assert {k: v for k, v in got.items() if k not in ("chain_key", "hash")} == {
        k: v for k, v in want.items() if k not in ("chain_key", "hash")
    }
    assert got["payload"] == {"b": [1, 2], "a": "ñ"}


def test_several_rows_go_in_one_insert_with_their_keys_in_order():
    events = [_event(chain_key=f"test:many{n}", seq=n + 1, hash=str(n) * 64) for n in range(3)]
    inserter = PrecompiledInsert(AuditEvent)
    with CaptureQueriesContext(connection) as captured:
        assert inserter.insert_many(events) is events
    assert len(captured) == 1
    assert [event._state.adding for event in events] == [False] * 3
    stored = dict(
        AuditEvent.objects.filter(chain_key__startswith="test:many").values_list("pk", "chain_key")
    )
    assert {event.pk: event.chain_key for event in events} == stored
    assert inserter.insert_many([]) == []


def test_an_insert_of_a_model_with_save_receivers_goes_through_save():
    heard = []

    def receiver(sender, instance, created, **kwargs):
        heard.append((instance.chain_key, created))

    post_save.connect(receiver, sender=AuditEvent, dispatch_uid="test-precompiled")
    try:
        PrecompiledInsert(AuditEvent).insert(_event())
    finally:
        post_save.disconnect(sender=AuditEvent, dispatch_uid="test-precompiled")
    assert heard == [("test:precompiled", True)]
    assert AuditEvent.objects.filter(chain_key="test:precompiled").count() == 1


def test_a_person_is_not_an_audit_event():
    # The compiled INSERT belongs to its model: another model's instance is refused.
    with pytest.raises(TypeError):
        PrecompiledInsert(AuditEvent).insert(Person())


def test_a_generated_column_is_not_read_back_but_read_when_asked_for(make_user):
    """A new message's search document is generated by the database: the insert does not read
    it back (it is deferred, like a field left out of ``only()``) and the object reads it when
    it is asked for, as the database wrote it."""
    from helpdesk.models import SlaPolicy, TicketEntry
    from tests.helpdesk.conftest import make_queue, make_service, open_ticket

    policy = SlaPolicy.objects.create(
        code="p",
        name="P",
        first_response_target=timedelta(hours=2),
        resolution_target=timedelta(hours=9),
    )
    ticket = open_ticket(make_user(role="citizen"), make_service(make_queue(), policy))
    entry = PrecompiledInsert(TicketEntry).insert(
        TicketEntry(ticket=ticket, kind="reply", body="Constancia de estudios extraviada")
    )
    assert entry.get_deferred_fields() == {"search_document"}
    with CaptureQueriesContext(connection) as captured:
        document = entry.search_document
    assert len(captured) == 1
    assert document == TicketEntry.objects.values_list("search_document", flat=True).get(
        pk=entry.pk
    )
    if connection.vendor == "postgresql":  # the full-text document (SQLite has no such type)
        assert "constanci" in str(document)


def test_a_model_whose_insert_returns_a_database_default_is_refused():
    # Only generated columns may be left unread: a db_default's value is the object's own.
    from core.accounts.models import RoleGrant

    returning = mock.patch.object(
        type(RoleGrant._meta), "db_returning_fields", new_callable=mock.PropertyMock
    )
    with returning as fields:
        fields.return_value = [RoleGrant._meta.pk, RoleGrant._meta.get_field("valid_from")]
        with pytest.raises(ValueError, match="primary key and generated columns"):
            PrecompiledInsert(RoleGrant)


def test_values_the_backend_adapts_are_adapted_the_same_way():
    # PostgreSQL's backend sends an integer column's value as a sized type (seq: Int8); the id
    # columns and text go as they are. Both backends must find and fill every parameter.
    for seq in (1, 2, 3):
        PrecompiledInsert(AuditEvent).insert(_event(seq=seq, hash=str(seq) * 64))
    older = precompiled(
        "test.older",
        lambda chain_key, before: (
            AuditEvent.objects.filter(chain_key=chain_key, seq__lt=before)
            .order_by("-seq")
            .values_list("seq", flat=True)
        ),
        chain_key=str,
        before=int,
    )
    assert older.fetch(chain_key="test:precompiled", before=3) == [2, 1]
    assert older.fetch(chain_key="test:precompiled", before=2) == [1]
    assert older.fetch(chain_key="other", before=3) == []


def test_sql_gives_what_a_call_would_run(make_user):
    """``sql()`` is the statement and parameters ``fetch`` runs (for a caller that sends it with
    another statement): run by hand, it gives the same plain rows."""
    users = [make_user() for _ in range(2)]
    by_id = precompiled(
        "test.user_dui_sql",
        lambda pk: User.objects.filter(pk=pk).values_list("pk", "dui"),
        pk=int,
    )
    sql, params = by_id.sql(pk=users[1].pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert cursor.fetchall() == [(users[1].pk, users[1].dui)] == by_id.fetch(pk=users[1].pk)
    with pytest.raises(TypeError):
        by_id.sql(pk=str(users[1].pk))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_audit_append_locks_its_chain_and_reads_its_head_in_one_round_trip(make_user):
    """PostgreSQL: the chain's advisory lock and the read of its head go together (two
    statements, one round trip), then the insert; the event follows the chain's head, which
    an earlier transaction committed."""
    from core.audit.services import audit_record

    audit_record(action="thing.made", chain_key="test.thing:1", object_type="test.thing")
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        event = audit_record(
            action="thing.touched", chain_key="test.thing:1", object_type="test.thing"
        )
    lock_and_head, insert = (query["sql"] for query in captured.captured_queries)
    assert "pg_advisory_xact_lock" in lock_and_head
    assert "ORDER BY" in lock_and_head
    assert insert.startswith('INSERT INTO "audit_auditevent"')
    first = AuditEvent.objects.get(chain_key="test.thing:1", seq=1)
    assert (event.seq, event.prev_hash) == (2, first.hash)


# --- write_behind: the audit trail's and the outbox's rows of a block in one statement --------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="write_behind defers on PostgreSQL only"
)


def _message(person, n):
    return OutboxMessage(
        recipient=person,
        channel="in_app",
        status="delivered",
        subject=f"Aviso {n}",
        body_text="Texto",
        template="generico",
        idempotency_key=f"test:write-behind:{n}",
    )


def _stored(model, **lookup):
    return sorted(model.objects.filter(**lookup).values_list("pk", flat=True))


@postgres_only
def test_a_blocks_events_and_messages_are_written_in_one_statement_at_its_end():
    person = PersonFactory()
    events_in = PrecompiledInsert(AuditEvent, deferrable=True)
    messages_in = PrecompiledInsert(OutboxMessage, deferrable=True)
    events = [_event(chain_key="test:behind", seq=n, hash=str(n) * 64) for n in (1, 2, 3)]
    messages = [_message(person, n) for n in (1, 2)]

    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        with write_behind():
            events_in.insert(events[0])
            messages_in.insert(messages[0])
            # A statement on another table runs at once; the rows still wait
            Person.objects.filter(pk=person.pk).update(first_names="Ana")
            events_in.insert_many(events[1:])
            messages_in.insert(messages[1])
            assert [e.pk for e in events] == [None] * 3
        waited = len(captured)

    # The UPDATE, then one statement for the five rows, whose keys are set in order
    assert waited == 2
    assert "WITH" in captured[1]["sql"]
    assert [e.pk for e in events] == _stored(AuditEvent, chain_key="test:behind")
    assert [m.pk for m in messages] == _stored(OutboxMessage, recipient=person)
    assert [e._state.adding for e in events + messages] == [False] * 5
    assert list(
        AuditEvent.objects.filter(chain_key="test:behind").order_by("pk").values_list("seq")
    ) == [(1,), (2,), (3,)]


@postgres_only
def test_a_statement_naming_a_waiting_table_sees_its_rows():
    events_in = PrecompiledInsert(AuditEvent, deferrable=True)
    event = _event(chain_key="test:behind-read")

    with transaction.atomic(), write_behind():
        events_in.insert(event)
        # The read is preceded by the row it looks for
        assert AuditEvent.objects.filter(chain_key="test:behind-read").count() == 1
        assert event.pk is not None


@postgres_only
def test_rows_of_a_savepoint_rolled_back_are_rolled_back_with_it():
    events_in = PrecompiledInsert(AuditEvent, deferrable=True)

    with transaction.atomic(), write_behind():
        events_in.insert(_event(chain_key="test:kept", hash="a" * 64))
        try:
            with transaction.atomic():
                events_in.insert(_event(chain_key="test:undone", hash="b" * 64))
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass

    assert _stored(AuditEvent, chain_key="test:kept") != []
    assert _stored(AuditEvent, chain_key="test:undone") == []


def test_rows_waiting_when_an_exception_leaves_the_block_are_not_written():
    events_in = PrecompiledInsert(AuditEvent, deferrable=True)

    def change():
        with transaction.atomic(), write_behind():
            events_in.insert(_event(chain_key="test:dropped"))
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        change()

    assert _stored(AuditEvent, chain_key="test:dropped") == []


def test_elsewhere_rows_are_written_as_they_come():
    # A model that did not ask to wait is written at once, and so is every model on SQLite.
    eager = PrecompiledInsert(AuditEvent)
    deferrable = PrecompiledInsert(AuditEvent, deferrable=True)
    with transaction.atomic(), write_behind():
        assert eager.insert(_event(chain_key="test:eager", hash="e" * 64)).pk is not None
        if connection.vendor != "postgresql":
            assert deferrable.insert(_event(chain_key="test:sqlite", hash="d" * 64)).pk
