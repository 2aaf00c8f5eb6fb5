"""One copy of the audit's hashed field list: the model, the scan, the API and the export all
follow core/audit/hashing.py."""

from core.audit import verify
from core.audit.api import AuditEventOutputSerializer
from core.audit.hashing import HASHED_FIELDS
from core.audit.models import AuditEvent
from core.audit.views import EXPORT_COLUMNS


def test_every_hashed_field_is_a_column_of_the_event():
    columns = {field.attname for field in AuditEvent._meta.concrete_fields}

    assert set(HASHED_FIELDS) <= columns
    # Everything but the id, the hash and the write time is covered by the hash.
    assert columns - set(HASHED_FIELDS) <= {"id", "hash", "created_at", "recorded_at"}


def test_the_scan_the_api_and_the_export_carry_exactly_the_hashed_fields():
    row_fields = verify._ROW_FIELDS
    assert row_fields == (*HASHED_FIELDS, "hash")
    assert AuditEventOutputSerializer.Meta.fields == ["id", *HASHED_FIELDS, "hash"]
    assert [name for name, _label in EXPORT_COLUMNS] == ["id", *HASHED_FIELDS, "hash"]
