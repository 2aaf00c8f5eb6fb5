"""Absence permissions: a guardian asks, the homeroom teacher or director decides once (409
afterwards), approval justifies the recorded days through the academics service and makes the
days recorded later start justified; refusals are 404 with nothing changed."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.urls import reverse

from core.audit.models import AuditEvent
from core.exceptions import Conflict
from core.work import WorkFilters, work_queue
from modules.academics.models import AttendanceRecord
from modules.academics.services import Mark, attendance_record
from modules.family import services
from modules.family.models import PermissionRequest
from notifications.models import OutboxMessage
from tests.modules.academics.conftest import CLASS_DAY

from .conftest import guardian_of

pytestmark = pytest.mark.django_db

TUESDAY, WEDNESDAY = date(2026, 3, 3), date(2026, 3, 4)


def _state():
    return (
        list(PermissionRequest.objects.order_by("pk").values_list("status", "comment")),
        list(
            AttendanceRecord.objects.order_by("pk").values_list(
                "enrollment_id", "presence", "reason"
            )
        ),
        OutboxMessage.objects.count(),
        AuditEvent.objects.filter(
            Q(action__startswith="family.")
            | Q(action__startswith="permissionrequest.")
            | Q(action__startswith="attendance.")
        ).count(),
    )


def _ask(guardian, child, start=CLASS_DAY, end=WEDNESDAY, reason="Cita médica"):
    return services.permission_request(
        actor=guardian, student_id=child.student_id, date_from=start, date_to=end, reason=reason
    )


def _items(actor):
    return [
        item
        for item in work_queue(actor=actor, filters=WorkFilters()).available.items
        if item.kind == "absence_permission"
    ]


def test_a_guardian_asks_from_the_child_page_and_the_school_sees_it(
    client, guardian, child, teacher, director, other_teacher
):
    client.force_login(guardian)

    response = client.post(
        reverse("family:permission_new", args=[child.student_id]),
        {"date_from": "2026-03-02", "date_to": "2026-03-04", "reason": "Cita médica"},
    )

    permission = PermissionRequest.objects.get()
    assert response.status_code == 302
    assert response.url.endswith("#permisos")
    assert (permission.status, permission.date_from, permission.date_to) == (
        "requested",
        CLASS_DAY,
        WEDNESDAY,
    )
    assert {m.recipient_id for m in OutboxMessage.objects.all()} == {
        teacher.person_id,
        director.person_id,
    }
    for staff in (teacher, director):
        (item,) = _items(staff)
        assert item.url == reverse("family:permission", args=[permission.pk])
        assert item.due_at == permission.due_at is not None
    assert _items(other_teacher) == []
    page = client.get(reverse("academics:family_child", args=[child.student_id])).content.decode()
    assert "Cita médica" in page
    assert "Solicitado" in page


def test_approval_justifies_the_recorded_days_and_the_later_ones_start_justified(
    client, guardian, child, pupils, teacher
):
    classmate = pupils[1]
    # Monday: the child absent, the classmate justified; Tuesday: everyone present.
    attendance_record(
        actor=teacher,
        section=child.section,
        day=CLASS_DAY,
        marks={child.pk: Mark("absent"), classmate.pk: Mark("justified", "Enfermedad")},
    )
    attendance_record(actor=teacher, section=child.section, day=TUESDAY, marks={})
    permission = _ask(guardian, child)
    OutboxMessage.objects.all().delete()
    client.force_login(teacher)

    response = client.post(
        reverse("family:permission", args=[permission.pk]),
        {"decision": "aprobar", "comment": "Que se recupere."},
    )

    assert response.status_code == 302
    permission.refresh_from_db()
    assert (permission.status, permission.decided_by_id, permission.days_justified) == (
        "approved",
        teacher.pk,
        2,
    )
    records = {
        (r.enrollment_id, r.date): (r.presence, r.reason) for r in AttendanceRecord.objects.all()
    }
    assert records[(child.pk, CLASS_DAY)] == ("justified", "Cita médica")
    assert records[(child.pk, TUESDAY)] == ("justified", "Cita médica")
    assert records[(classmate.pk, CLASS_DAY)] == ("justified", "Enfermedad")  # kept
    assert records[(classmate.pk, TUESDAY)] == ("present", "")
    assert AuditEvent.objects.filter(action="attendance.corrected").count() == 2
    assert AuditEvent.objects.filter(action="permissionrequest.approve", role="teacher").exists()
    assert {(m.recipient_id, m.channel) for m in OutboxMessage.objects.all()} == {
        (guardian.person_id, "email"),
        (guardian.person_id, "in_app"),
    }
    assert _items(teacher) == []
    # Wednesday is not recorded yet: the sheet starts with the child justified.
    sheet = client.get(
        reverse("academics:attendance", args=[child.section_id]), {"fecha": WEDNESDAY}
    )
    rows = {row.enrollment_id: (row.status, row.reason) for row in sheet.context["rows"]}
    assert rows[child.pk] == ("justified", "Cita médica")
    assert rows[classmate.pk] == ("present", "")


def test_a_decided_request_cannot_be_decided_again(client, guardian, child, director):
    permission = _ask(guardian, child)
    services.permission_decide(actor=director, permission=permission, approve=False, comment="No.")
    before = _state()
    client.force_login(director)

    page = client.post(reverse("family:permission", args=[permission.pk]), {"decision": "aprobar"})
    api = client.post(
        reverse("v1:family-permission-decide", args=[permission.pk]),
        {"decision": "approve"},
        content_type="application/json",
    )

    assert (page.status_code, api.status_code) == (409, 409)
    assert _state() == before


def test_rejecting_needs_a_comment(guardian, child, director):
    permission = _ask(guardian, child)

    with pytest.raises(ValidationError, match="comentario"):
        services.permission_decide(actor=director, permission=permission, approve=False)

    permission.refresh_from_db()
    assert permission.status == "requested"


def test_outsiders_get_a_404_with_nothing_changed(
    client, guardian, child, pupils, other_teacher, subject_teacher
):
    permission = _ask(guardian, child)
    other_family = guardian_of(pupils[1])
    before = _state()

    for outsider in (other_teacher, subject_teacher, other_family):
        client.force_login(outsider)
        url = reverse("family:permission", args=[permission.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"decision": "aprobar"}).status_code == 404
        cancel = reverse("family:permission_cancel", args=[permission.pk])
        assert client.post(cancel).status_code == 404
        decide = reverse("v1:family-permission-decide", args=[permission.pk])
        api = client.post(decide, {"decision": "approve"}, content_type="application/json")
        assert api.status_code == 404
    # Another family's child cannot be asked for either.
    asked = client.post(
        reverse("family:permission_new", args=[child.student_id]),
        {"date_from": "2026-03-02", "date_to": "2026-03-02", "reason": "x"},
    )
    assert asked.status_code == 404
    assert _state() == before


def test_the_guardian_cancels_and_then_nobody_decides(client, guardian, child, teacher):
    permission = _ask(guardian, child)
    client.force_login(guardian)

    response = client.post(reverse("family:permission_cancel", args=[permission.pk]))

    assert response.status_code == 302
    permission.refresh_from_db()
    assert permission.status == "cancelled"
    assert AuditEvent.objects.filter(action="permissionrequest.cancel", role="guardian").exists()
    with pytest.raises(Conflict):
        services.permission_decide(actor=teacher, permission=permission, approve=True)


def test_dates_are_checked(guardian, child, teacher):
    with pytest.raises(ValidationError, match="anterior"):
        _ask(guardian, child, start=WEDNESDAY, end=CLASS_DAY)
    with pytest.raises(ValidationError, match="año lectivo"):
        _ask(guardian, child, start=date(2027, 1, 5), end=date(2027, 1, 6))
    assert PermissionRequest.objects.count() == 0


def test_the_api_asks_lists_cancels_and_decides(client, guardian, child, teacher):
    client.force_login(guardian)
    url = reverse("v1:family-child-permissions", args=[child.student_id])
    first = client.post(
        url,
        {"date_from": "2026-03-02", "date_to": "2026-03-02", "reason": "Trámite familiar"},
        content_type="application/json",
    )
    second = client.post(
        url,
        {"date_from": "2026-03-09", "date_to": "2026-03-10", "reason": "Viaje"},
        content_type="application/json",
    )
    assert (first.status_code, second.status_code) == (201, 201)
    cancelled = client.post(reverse("v1:family-permission-cancel", args=[first.json()["id"]]))
    assert cancelled.json()["status"] == "cancelled"
    assert [row["reason"] for row in client.get(url).json()] == ["Viaje", "Trámite familiar"]

    client.force_login(teacher)
    listed = client.get(reverse("v1:family-permissions")).json()
    decided = client.post(
        reverse("v1:family-permission-decide", args=[second.json()["id"]]),
        {"decision": "approve"},
        content_type="application/json",
    )
    assert {row["id"] for row in listed} == {first.json()["id"], second.json()["id"]}
    assert decided.status_code == 200
    assert decided.json()["status"] == "approved"
    detail = client.get(reverse("v1:family-permission", args=[second.json()["id"]])).json()
    assert detail["status"] == "approved"


PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_an_optional_document_is_checked_and_served_to_both_sides_only(
    client, settings, tmp_path, guardian, child, pupils, teacher, other_teacher
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(guardian)
    url = reverse("family:permission_new", args=[child.student_id])
    fields = {"date_from": "2026-03-02", "date_to": "2026-03-02", "reason": "Cita médica"}

    refused = client.post(
        url, {**fields, "document": SimpleUploadedFile("nota.pdf", b"MZ\x90\x00 not a pdf")}
    )
    accepted = client.post(
        url, {**fields, "document": SimpleUploadedFile("Constancia médica.pdf", PDF_BYTES)}
    )

    assert refused.status_code == 400
    assert accepted.status_code == 302
    permission = PermissionRequest.objects.get()
    assert (permission.document_name, permission.document_type) == (
        "Constancia médica.pdf",
        "application/pdf",
    )
    assert "médica" not in permission.document.name  # stored under a random name
    download = reverse("family:permission_document", args=[permission.pk])
    for reader in (guardian, teacher):
        client.force_login(reader)
        response = client.get(download)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["X-Content-Type-Options"] == "nosniff"
    for outsider in (other_teacher, guardian_of(pupils[1])):
        client.force_login(outsider)
        assert client.get(download).status_code == 404


def test_the_api_takes_the_document_as_multipart(client, settings, tmp_path, guardian, child):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(guardian)

    response = client.post(
        reverse("v1:family-child-permissions", args=[child.student_id]),
        {
            "date_from": "2026-03-02",
            "date_to": "2026-03-02",
            "reason": "Cita médica",
            "document": SimpleUploadedFile("nota.pdf", PDF_BYTES),
        },
    )

    assert response.status_code == 201
    assert response.json()["has_document"] is True
    assert PermissionRequest.objects.get().document_type == "application/pdf"
