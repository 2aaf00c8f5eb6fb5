"""Registration through the web pages: sign up, the verification link, no enumeration."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.core import mail
from django.urls import reverse

from core.accounts.models import Person, User
from notifications.models import OutboxMessage
from tests.factories import PersonFactory, make_dui
from workflows.accounts_review.models import ReviewCase
from workflows.registration.models import RegistrationRequest

from .helpers import (
    PASSWORD,
    actions,
    emails,
    last_link,
    link_parts,
    register,
    without_csrf,
)

pytestmark = pytest.mark.django_db

REGISTER = "/registro/"
SUBMITTED = "/registro/enviado/"


def test_form_offers_every_time_zone_with_el_salvador_preselected_for_the_script(client):
    response = client.get(REGISTER)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-timezone-detect="true"' in html
    assert '<option value="America/El_Salvador" selected>' in html
    assert '<option value="Europe/Madrid">' in html
    assert "js/timezone.js" in html


def test_submission_stores_a_hashed_password_and_emails_a_hashed_one_time_link(client):
    response = register(client)

    assert response.status_code == 302
    assert response["Location"] == SUBMITTED
    registration = RegistrationRequest.objects.get()
    assert registration.status == "email_sent"
    assert registration.dui == make_dui(55_000_001)
    assert registration.password_hash != PASSWORD
    assert check_password(PASSWORD, registration.password_hash)
    # The emailed link carries the public id and the raw token; only its SHA-256 is stored.
    path = last_link("registration_verify")
    public_id, token = link_parts(path)
    assert public_id == str(registration.public_id)
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    assert registration.token_hash not in path
    assert len(registration.token_hash) == 64
    assert registration.dui not in path
    lifetime = registration.token_expires_at - registration.created_at
    assert timedelta(minutes=59) < lifetime <= timedelta(hours=1, seconds=5)
    [message] = emails("registration_verify")
    assert message.to_address == "ana.lopez@example.sv"
    assert actions(object_type="registration.registrationrequest") == [
        "registrationrequest.submitted",
        "registrationrequest.send_verification",
    ]
    # No account yet, and the applicant's contact record has no DUI until it is verified.
    assert User.objects.count() == 0
    assert Person.objects.get().dui is None


def test_wrong_dui_check_digit_is_refused_in_spanish_and_creates_nothing(client):
    response = register(client, dui="12345678-5")

    assert response.status_code == 400
    assert "El DUI no es válido: el dígito verificador no corresponde." in response.content.decode()
    assert RegistrationRequest.objects.count() == 0
    assert Person.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_weak_password_is_refused_and_creates_nothing(client):
    response = register(client, password="12345678", password_confirmation="12345678")

    assert response.status_code == 400
    assert "contraseña" in response.content.decode()
    assert RegistrationRequest.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_existing_account_gets_the_same_answer_and_its_owner_is_told(client, make_user):
    owner = make_user(dui=make_dui(66_000_001), email="dueno@example.sv")
    new = register(client, email="nuevo@example.sv")
    new_page = client.get(new["Location"])

    again = register(client, dui=owner.dui, email="intruso@example.sv")
    again_page = client.get(again["Location"])

    # Same redirect, same page: the applicant cannot tell the DUI had an account.
    assert (again.status_code, again["Location"]) == (new.status_code, new["Location"])
    assert without_csrf(again_page) == without_csrf(new_page)
    # No second account, no registration for the taken DUI, nothing sent to the applicant.
    assert User.objects.filter(dui=owner.dui).count() == 1
    assert not RegistrationRequest.objects.filter(dui=owner.dui).exists()
    assert not OutboxMessage.objects.filter(to_address="intruso@example.sv").exists()
    [warning] = emails("registration_existing_account")
    assert warning.to_address == "dueno@example.sv"
    assert warning.recipient_id == owner.person_id
    assert owner.dui not in warning.body_text
    assert actions(object_type="accounts.user", object_id=str(owner.pk))[-1] == (
        "registration.existing_account_attempt"
    )


def test_verification_link_activates_the_account_with_the_chosen_password_and_zone(client):
    register(client, time_zone="America/Guatemala")
    path = last_link("registration_verify")

    confirm_page = client.get(path)
    response = client.post(path)

    assert confirm_page.status_code == 200
    assert "Confirmar mi correo" in confirm_page.content.decode()
    assert response.status_code == 200
    assert "Su cuenta está activa" in response.content.decode()
    registration = RegistrationRequest.objects.get()
    assert registration.status == "active"
    assert registration.password_hash == ""  # not kept once the account exists
    user = User.objects.get(dui=registration.dui)
    assert registration.user == user
    assert user.check_password(PASSWORD)
    assert user.time_zone == "America/Guatemala"
    assert user.terms_accepted_at is None
    # The applicant's contact record became the person holding the DUI.
    assert user.person_id == registration.applicant_id
    assert user.person.dui == registration.dui
    assert user.person.birth_date == date(1990, 5, 17)
    assert list(user.role_grants.values_list("role", "scope_kind", "person")) == [
        ("citizen", "person", user.person_id)
    ]
    # Following the link proved the address.
    assert user.person.email == "ana.lopez@example.sv"
    assert user.person.email_verified_at is not None
    assert emails("registration_activated")[0].to_address == "ana.lopez@example.sv"
    assert actions(object_type="registration.registrationrequest")[-2:] == [
        "registrationrequest.verify_email",
        "registrationrequest.activate",
    ]


def test_dui_typed_without_hyphen_is_stored_canonical_and_logs_in(client):
    register(client, dui=" " + make_dui(55_000_001).replace("-", "") + " ")
    client.post(last_link("registration_verify"))

    response = client.post(
        reverse("accounts:login"), {"dui": make_dui(55_000_001), "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(User.objects.get().pk)


def test_reused_link_is_refused_and_changes_nothing(client):
    register(client)
    path = last_link("registration_verify")
    client.post(path)
    before = actions()

    again = client.post(path)
    again_get = client.get(path)

    assert again.status_code == 400
    assert "Este enlace ya fue utilizado." in again.content.decode()
    assert again_get.status_code == 400
    assert User.objects.count() == 1
    assert actions() == before


def test_expired_link_is_refused_and_the_request_expires(client, settings):
    settings.SIGES_REGISTRATION_LINK_TTL = timedelta(0)
    register(client)
    path = last_link("registration_verify")

    response = client.post(path)

    assert response.status_code == 400
    assert "El enlace venció" in response.content.decode()
    registration = RegistrationRequest.objects.get()
    assert registration.status == "expired"
    assert registration.password_hash == ""
    assert User.objects.count() == 0
    assert actions(object_type="registration.registrationrequest")[-1] == (
        "registrationrequest.expire"
    )


def test_tampered_token_is_refused_without_saying_more(client):
    register(client)
    public_id, token = link_parts(last_link("registration_verify"))
    forged = reverse("registration:verify", args=[public_id, token[:-2] + "xx"])

    response = client.post(forged)

    assert response.status_code == 400
    assert "El enlace no es válido" in response.content.decode()
    assert RegistrationRequest.objects.get().status == "email_sent"
    assert User.objects.count() == 0


def test_invalid_time_zone_falls_back_to_el_salvador(client):
    register(client, time_zone="Marte/Olympus")
    client.post(last_link("registration_verify"))

    assert User.objects.get().time_zone == "America/El_Salvador"


def test_a_new_registration_supersedes_the_pending_one_for_the_same_dui(client):
    register(client, email="primero@example.sv")
    first_link = last_link("registration_verify")
    register(client, email="segundo@example.sv")

    old = client.post(first_link)

    assert old.status_code == 400
    assert list(RegistrationRequest.objects.order_by("pk").values_list("status", flat=True)) == [
        "expired",
        "email_sent",
    ]
    client.post(last_link("registration_verify"))
    assert User.objects.get().person.email == "segundo@example.sv"


def test_dui_on_file_with_matching_names_activates_on_that_person(client):
    person = PersonFactory(
        dui=make_dui(55_000_001),
        first_names="ANA MARIA",
        last_names="Lopez  Perez",
        birth_date=date(1990, 5, 17),
        email="",
    )
    register(client)

    client.post(last_link("registration_verify"))

    user = User.objects.get()
    assert user.person_id == person.pk
    person.refresh_from_db()
    assert person.email == "ana.lopez@example.sv"
    assert person.first_names == "ANA MARIA"  # the record on file keeps its names
    assert RegistrationRequest.objects.get().status == "active"


@pytest.mark.parametrize(
    ("first_names", "birth_date"),
    [("Beatriz", date(1990, 5, 17)), ("Ana María", date(1991, 1, 1))],
    ids=["names-differ", "birth-date-differs"],
)
def test_dui_on_file_with_other_data_goes_to_identity_review(client, first_names, birth_date):
    person = PersonFactory(
        dui=make_dui(55_000_001),
        first_names=first_names,
        last_names="López Pérez",
        birth_date=birth_date,
    )
    register(client)

    response = client.post(last_link("registration_verify"))

    assert response.status_code == 200
    assert "necesita una revisión" in response.content.decode()
    registration = RegistrationRequest.objects.get()
    assert registration.status == "identity_review"
    assert registration.person_id == person.pk
    assert User.objects.count() == 0
    case = ReviewCase.objects.get()
    assert (case.kind, case.status, case.queue_code) == (
        "identity_review",
        "open",
        "cuentas-y-accesos",
    )
    assert case.registration_id == registration.pk
    assert case.department_id is None  # national scope for now
    assert emails("registration_identity_review")[0].to_address == "ana.lopez@example.sv"


def test_registration_while_an_identity_review_is_open_changes_nothing(client):
    PersonFactory(dui=make_dui(55_000_001), first_names="Beatriz", birth_date=None)
    register(client)
    client.post(last_link("registration_verify"))
    before = (RegistrationRequest.objects.count(), OutboxMessage.objects.count(), actions())

    response = register(client, email="otra@example.sv")

    assert response["Location"] == SUBMITTED
    assert (RegistrationRequest.objects.count(), OutboxMessage.objects.count(), actions()) == (
        before
    )


def test_emails_never_contain_the_full_dui(client, make_user):
    owner = make_user(dui=make_dui(66_000_002))
    register(client)
    register(client, dui=owner.dui)
    client.post(last_link("registration_verify"))

    for message in OutboxMessage.objects.all():
        assert make_dui(55_000_001) not in message.subject + message.body_text + message.body_html
        assert owner.dui not in message.subject + message.body_text + message.body_html


def test_the_verification_email_is_sent_by_the_relay_after_commit(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        register(client)
    assert mail.outbox == []  # only an outbox row until the transaction commits

    for callback in callbacks:  # commit: the relay runs inline (eager Celery)
        callback()

    assert [m.to for m in mail.outbox] == [["ana.lopez@example.sv"]]
    assert "Confirme su correo" in mail.outbox[0].subject
