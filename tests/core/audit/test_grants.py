"""core/audit/sql/grants.sql on PostgreSQL: the application role can read and append to the
audit tables, and UPDATE, DELETE and TRUNCATE fail for it."""

import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import ProgrammingError, connection, transaction

from core.audit.models import AuditCheckpoint, AuditEvent
from core.audit.services import audit_checkpoint_write, audit_record
from core.audit.verify import verify

from .conftest import CHAIN, build_chain

GRANTS = Path(settings.BASE_DIR) / "core" / "audit" / "sql" / "grants.sql"

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def apply_grants(role: str) -> None:
    """Run the script as psql would with ``-v app_role=<role>`` (``:"app_role"`` is replaced by
    the quoted identifier). Everything runs in the test's transaction and is rolled back."""
    script = GRANTS.read_text(encoding="utf-8")
    assert script.count(':"app_role"') == 2
    script = script.replace(':"app_role"', connection.ops.quote_name(role))
    with connection.cursor() as cursor:
        cursor.execute(script)


def refused(sql: str) -> bool:
    """Whether the database refuses ``sql`` for lack of privilege (in a savepoint, so the
    test's transaction survives the error)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    except ProgrammingError as exc:
        return "permission denied" in str(exc)
    return False


def create_app_role() -> str:
    """A throwaway role with the broad rights an application role typically gets on every table
    (created inside the test transaction, so it disappears with the rollback)."""
    role = f"siges_test_app_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
        cursor.execute(f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{role}"')
        cursor.execute(f'GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
    return role


@pytest.fixture
def app_role():
    role = create_app_role()
    apply_grants(role)
    yield role
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def test_app_role_can_append_but_not_update_delete_or_truncate(app_role):
    # Given a chain and a checkpoint written by the owner
    build_chain(CHAIN, 2)
    audit_checkpoint_write()
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{app_role}"')

    # When the application role works: reading and appending through the real services works
    event = audit_record(action="thing.step3", chain_key=CHAIN, object_type="test.thing")
    assert event.seq == 3
    _checkpoint, created = audit_checkpoint_write()
    assert created is True
    assert verify().ok

    # Then every way of rewriting history is refused by the database itself
    for table in (AuditEvent._meta.db_table, AuditCheckpoint._meta.db_table):
        assert refused(f"UPDATE {table} SET id = id")  # noqa: S608
        assert refused(f"DELETE FROM {table}")  # noqa: S608
        assert refused(f"TRUNCATE {table}")

    # And nothing changed
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    assert AuditEvent.objects.filter(chain_key=CHAIN).count() == 3
    assert AuditCheckpoint.objects.count() == 2


def test_without_the_script_such_a_role_could_rewrite_history(db):
    # A control: the refusals above come from the script, not from the role's defaults.
    build_chain(CHAIN, 1)
    role = create_app_role()
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{role}"')
    try:
        assert not refused(f"UPDATE {AuditEvent._meta.db_table} SET id = id")  # noqa: S608
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
