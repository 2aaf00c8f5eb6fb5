"""The signatory registry in the admin: a new appointment and its end go through the services
(audited); a bad image is refused and saves nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.accounts.choices import Role
from core.audit.models import AuditEvent
from modules.documents.models import Signatory

from .conftest import signature_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    admin = make_user(role=Role.ADMINISTRATOR)
    admin.is_staff = True
    admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(admin)
    return client


def _data(director, school, upload):
    return {
        "kind": "director",
        "person": director.person.pk,
        "user": director.pk,
        "school": school.pk,
        "position": "Director",
        "valid_from": "2026-01-01",
        "valid_until": "",
        "signature_file": upload,
    }


def test_register_and_end_an_appointment(admin_client, director, school):
    url = reverse("admin:documents_signatory_add")
    response = admin_client.post(url, _data(director, school, signature_upload()))
    assert response.status_code == 302
    signatory = Signatory.objects.get()
    assert signatory.signature.content_type == "image/png"
    assert AuditEvent.objects.filter(action="signatory.registered").count() == 1
    change = reverse("admin:documents_signatory_change", args=[signatory.pk])
    response = admin_client.post(change, {"valid_until": "2026-06-30"})
    assert response.status_code == 302
    signatory.refresh_from_db()
    assert str(signatory.valid_until) == "2026-06-30"
    assert AuditEvent.objects.filter(action="signatory.appointment_ended").count() == 1


def test_a_pdf_is_not_a_signature(admin_client, director, school):
    pdf = SimpleUploadedFile("firma.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = admin_client.post(
        reverse("admin:documents_signatory_add"), _data(director, school, pdf)
    )
    assert response.status_code == 200
    assert "La firma debe ser una imagen PNG o JPEG." in response.content.decode()
    assert not Signatory.objects.exists()
