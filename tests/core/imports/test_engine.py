"""The dry run and the import of a student file: report, all or nothing, idempotent, audited."""

import pytest

from core.audit.models import AuditEvent
from core.imports.lifecycles import JobStatus
from modules.students.choices import EnrollmentStatus
from modules.students.models import Enrollment, Student

from .conftest import STUDENT_HEADER, csv_bytes, student_rows

pytestmark = pytest.mark.django_db


def test_a_clean_file_is_checked_then_imported_with_counts(campus, upload, start):
    job = upload(campus["admin"], "students", csv_bytes(STUDENT_HEADER, student_rows(5)))

    assert job.status == JobStatus.READY
    assert job.total_rows == 5
    assert Student.objects.count() == 0  # the dry run writes nothing

    job = start(campus["admin"], job)

    assert job.status == JobStatus.DONE
    assert (job.created_count, job.updated_count, job.unchanged_count) == (5, 0, 0)
    assert job.processed_rows == 5
    assert job.percent == 100
    assert Student.objects.count() == 5
    statuses = set(Enrollment.objects.values_list("status", flat=True))
    assert statuses == {EnrollmentStatus.ACTIVE}
    finish = AuditEvent.objects.get(action="importjob.finish", object_id=str(job.pk))
    assert finish.payload["file_sha256"] == job.file_sha256
    assert finish.payload["created"] == 5
