"""Accounts without a usable email: an access-recovery case for staff instead of a link."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.accounts.models import Person
from core.audit.models import AuditEvent
from notifications.models import OutboxMessage
from tests.factories import DEFAULT_PASSWORD, make_dui
from tests.workflows.registration.helpers import NEW_PASSWORD, actions, emails, last_link
from workflows.accounts_review.models import ReviewCase
from workflows.password_reset.models import PasswordResetRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def technician(make_user):
    return make_user(role="technician")


@pytest.fixture
def staff(technician):
    client = Client()
    client.force_login(technician)
    return client


@pytest.fixture
def no_email(make_user):
    return make_user(dui=make_dui(33_000_001), email="")


@pytest.fixture
def bounced(make_user):
    user = make_user(dui=make_dui(33_000_002), email="viejo@example.sv")
    Person.objects.filter(pk=user.person_id).update(email_bounced_at=timezone.now())
    return user


@pytest.mark.parametrize("holder", ["no_email", "bounced"])
def test_no_usable_email_opens_a_case_and_answers_the_same(client, holder, request):
    user = request.getfixturevalue(holder)

    response = client.post("/recuperar-acceso/", {"identifier": user.dui})

    assert response["Location"] == "/recuperar-acceso/enviado/"
    reset = PasswordResetRequest.objects.get()
    assert reset.status == "access_review"
    case = ReviewCase.objects.get()
    assert (case.kind, case.status, case.queue_code) == (
        "access_recovery",
        "open",
        "cuentas-y-accesos",
    )
    assert case.reset_request_id == reset.pk
    assert case.person_id == user.person_id
    assert emails("password_reset_link") == []
    assert not OutboxMessage.objects.filter(channel="email", status="pending").exists()


def test_asking_again_while_the_case_is_open_adds_nothing(client, no_email):
    client.post("/recuperar-acceso/", {"identifier": no_email.dui})

    client.post("/recuperar-acceso/", {"identifier": no_email.dui})

    assert PasswordResetRequest.objects.count() == 1
    assert ReviewCase.objects.count() == 1


def test_approving_records_the_new_email_and_sends_a_link(client, staff, technician, bounced):
    client.post("/recuperar-acceso/", {"identifier": bounced.dui})
    case = ReviewCase.objects.get()
    detail = staff.get(case.work_item_url)

    response = staff.post(
        reverse("accounts_review:approve", args=[case.pk]),
        {"new_email": "Nuevo@Example.sv", "reason": "Identidad verificada en ventanilla."},
    )

    assert detail.status_code == 200
    assert "Cuenta sin correo utilizable" in detail.content.decode()
    assert response.status_code == 302
    person = Person.objects.get(pk=bounced.person_id)
    assert (person.email, person.email_bounced_at) == ("nuevo@example.sv", None)
    reset = PasswordResetRequest.objects.get()
    assert reset.status == "email_sent"
    [link] = emails("password_reset_link")
    assert link.to_address == "nuevo@example.sv"
    assert "Cuentas y accesos registró este correo" in link.body_text
    assert AuditEvent.objects.get(action="person.updated").actor_id == technician.pk
    approve = AuditEvent.objects.get(action="passwordresetrequest.approve_access")
    assert (approve.actor_id, approve.from_state, approve.to_state) == (
        technician.pk,
        "access_review",
        "email_sent",
    )

    done = client.post(
        last_link("password_reset_link"),
        {"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD},
    )

    assert done.status_code == 302
    bounced.refresh_from_db()
    assert bounced.check_password(NEW_PASSWORD)


@pytest.mark.parametrize("new_email", ["", "no-es-un-correo"])
def test_approving_without_a_valid_email_changes_nothing(client, staff, no_email, new_email):
    client.post("/recuperar-acceso/", {"identifier": no_email.dui})
    case = ReviewCase.objects.get()
    before = (actions(), OutboxMessage.objects.count())

    response = staff.post(
        reverse("accounts_review:approve", args=[case.pk]), {"new_email": new_email}
    )

    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == "open"
    assert PasswordResetRequest.objects.get().status == "access_review"
    assert Person.objects.get(pk=no_email.person_id).email == ""
    assert (actions(), OutboxMessage.objects.count()) == before


def test_api_approval_needs_the_new_email_and_rolls_everything_back(client, technician, no_email):
    client.post("/recuperar-acceso/", {"identifier": no_email.dui})
    case = ReviewCase.objects.get()
    api = Client()
    api.force_login(technician)

    response = api.post(
        reverse("v1:account-review-approve", args=[case.pk]),
        {"reason": "ok"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "new_email" in response.json()
    case.refresh_from_db()
    assert case.status == "open"  # the case's own transition was rolled back too
    assert not AuditEvent.objects.filter(action="reviewcase.approve").exists()


def test_rejecting_keeps_the_password_and_tells_the_person_in_app(staff, client, no_email):
    client.post("/recuperar-acceso/", {"identifier": no_email.dui})
    case = ReviewCase.objects.get()

    response = staff.post(
        reverse("accounts_review:reject", args=[case.pk]),
        {"reason": "No se pudo verificar la identidad."},
    )

    assert response.status_code == 302
    assert PasswordResetRequest.objects.get().status == "rejected"
    no_email.refresh_from_db()
    assert no_email.check_password(DEFAULT_PASSWORD)
    in_app = OutboxMessage.objects.get(template="password_recovery_rejected", channel="in_app")
    assert "No se pudo verificar la identidad." in in_app.body_text
    assert OutboxMessage.objects.get(
        template="password_recovery_rejected", channel="email"
    ).status == ("skipped")
