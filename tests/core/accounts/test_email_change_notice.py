"""An email change tells the OLD address (docs/security.md §1.6, ASVS 6.3.7): when, the new address
masked, and to call the help desk if they did not ask for it; never a link. Written in the same
transaction as the change, so a rolled-back change sends nothing."""

import re
import zoneinfo

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from core.accounts.emails import mask_email
from core.accounts.models import Person, User
from core.accounts.services import person_update, user_update_access
from core.audit.models import AuditEvent
from notifications.models import OutboxMessage
from notifications.services import outbox_relay_run
from tests.factories import PersonFactory, make_dui
from tests.workflows.registration.helpers import emails
from workflows.accounts_review.models import ReviewCase

pytestmark = pytest.mark.django_db

TEMPLATE = "accounts/email_changed"
URL = re.compile(r"https?://|www\.", re.IGNORECASE)


def notices() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(template=TEMPLATE).order_by("pk"))


def local_time(moment, zone: str) -> str:
    with translation.override("es"):
        return formats.date_format(
            timezone.localtime(moment, zoneinfo.ZoneInfo(zone)), "DATETIME_FORMAT"
        )


@pytest.fixture
def admin_client(make_user) -> tuple[Client, User]:
    admin_user = make_user(role="administrator")
    user_update_access(user=admin_user, actor=None, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin_user)
    return client, admin_user


def person_form(person: Person, **changes: str) -> dict[str, str]:
    return {
        "first_names": person.first_names,
        "last_names": person.last_names,
        "birth_date": "",
        "sex": "",
        "email": person.email,
        "phone": "",
        **changes,
    }


# --- the masked address -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("maria.lopez@gmail.com", "ma***@gmail.com"),
        ("Maria@Example.SV", "Ma***@Example.SV"),
        ("abcd@example.sv", "ab***@example.sv"),
        # Never more than half of the part before the @: short ones are not given away whole.
        ("abc@example.sv", "a***@example.sv"),
        ("ab@example.sv", "a***@example.sv"),
        ("a@example.sv", "***@example.sv"),
        ('"a@b"@example.sv', '"a***@example.sv'),
        ("  ana@example.sv ", "a***@example.sv"),
        ("no-es-un-correo", "***"),
        ("@example.sv", "***"),
        ("ana@", "***"),
        ("", ""),
    ],
)
def test_mask_email(address, masked):
    assert mask_email(address) == masked


# --- the pathways that change an address ------------------------------------------------------


def test_an_admin_change_tells_the_old_address_with_the_new_one_masked(
    admin_client, make_user, django_capture_on_commit_callbacks
):
    # Given a person with an account in Madrid's time zone
    client, admin_user = admin_client
    owner = make_user(dui=make_dui(34_000_001), email="maria.lopez@gmail.com")
    User.objects.filter(pk=owner.pk).update(time_zone="Europe/Madrid")
    person = owner.person

    # When an administrator changes the email in the admin (and the change commits)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_person_change", args=[person.pk]),
            person_form(person, email="Nuevo.Correo@Example.SV"),
        )

    # Then the change is saved and audited as before, without the addresses
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.email == "nuevo.correo@example.sv"
    event = AuditEvent.objects.get(action="person.updated")
    assert event.actor_id == admin_user.pk
    assert event.payload == {"fields": ["email", "email_bounced_at", "email_verified_at"]}
    # And one email-only notice went to the OLD address
    (notice,) = notices()
    assert (notice.channel, notice.to_address, notice.recipient_id, notice.user_id) == (
        "email",
        "maria.lopez@gmail.com",
        person.pk,
        owner.pk,
    )
    assert notice.subject == "El correo de su cuenta de SIGES fue cambiado"
    assert notice.idempotency_key == f"person_email_changed:{person.pk}:{event.seq}:email"
    assert notice.sensitive is False
    # It says when (in the owner's local time), shows the new address masked only, and says
    # what to do; it carries no link at all
    when = local_time(event.occurred_at, "Europe/Madrid")
    assert when != local_time(event.occurred_at, "America/El_Salvador")
    for body in (notice.body_text, notice.body_html):
        assert f"se cambió el {when}" in body
        assert "nu***@example.sv" in body
        assert "nuevo.correo" not in body
        assert "Mesa de ayuda" in body
        assert URL.search(body) is None
    assert "<a " not in notice.body_html
    assert notice.link == ""
    # And the relay sent it, to the old address only
    (sent,) = mail.outbox
    assert sent.to == ["maria.lopez@gmail.com"]
    assert sent.body == notice.body_text
    notice.refresh_from_db()
    assert notice.status == "sent"
    assert notice.body_text == sent.body


def test_an_access_recovery_tells_the_old_bounced_address_and_links_only_the_new_one(
    client, make_user
):
    # Given an account whose address bounced, and the technician who handles its case
    owner = make_user(dui=make_dui(34_000_002), email="viejo@example.sv")
    Person.objects.filter(pk=owner.person_id).update(email_bounced_at=timezone.now())
    technician = make_user(role="technician")
    staff = Client()
    staff.force_login(technician)
    client.post("/recuperar-acceso/", {"identifier": owner.dui})
    case = ReviewCase.objects.get()

    # When the technician records a new address for the owner
    response = staff.post(
        reverse("accounts_review:approve", args=[case.pk]),
        {"new_email": "nueva.direccion@example.sv", "reason": "Identidad verificada."},
    )

    # Then the reset link goes to the new address, as before
    assert response.status_code == 302
    [link] = emails("password_reset_link")
    assert link.to_address == "nueva.direccion@example.sv"
    # And the old address, bounced or not, is told (it is the one an attacker would replace)
    (notice,) = notices()
    assert (notice.channel, notice.status, notice.to_address) == (
        "email",
        "pending",
        "viejo@example.sv",
    )
    assert "nu***@example.sv" in notice.body_text
    assert URL.search(notice.body_text) is None
    assert AuditEvent.objects.get(action="person.updated").actor_id == technician.pk


def test_an_access_recovery_for_an_account_without_email_tells_nobody_else(client, make_user):
    owner = make_user(dui=make_dui(34_000_003), email="")
    technician = make_user(role="technician")
    staff = Client()
    staff.force_login(technician)
    client.post("/recuperar-acceso/", {"identifier": owner.dui})
    case = ReviewCase.objects.get()

    staff.post(
        reverse("accounts_review:approve", args=[case.pk]),
        {"new_email": "primera@example.sv", "reason": "Identidad verificada."},
    )

    assert Person.objects.get(pk=owner.person_id).email == "primera@example.sv"
    assert len(emails("password_reset_link")) == 1
    assert notices() == []


# --- when nobody is told ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"email": "  ANA@Example.sv "},  # the same address, written differently
        {"first_names": "Ana Lucía", "phone": "+50322223333"},  # other fields only
    ],
)
def test_no_notice_when_the_address_did_not_change(changes):
    person = PersonFactory(email="ana@example.sv")

    person_update(person=person, actor=None, **changes)

    assert Person.objects.get(pk=person.pk).email == "ana@example.sv"
    assert notices() == []


def test_no_notice_when_there_was_no_address_before():
    person = PersonFactory(email="")

    person_update(person=person, actor=None, email="ana@example.sv")

    assert Person.objects.get(pk=person.pk).email == "ana@example.sv"
    assert notices() == []


def test_removing_the_address_tells_the_old_one_that_there_is_none_now():
    person = PersonFactory(email="ana@example.sv")

    person_update(person=person, actor=None, email="")

    (notice,) = notices()
    assert notice.to_address == "ana@example.sv"
    assert "Desde ahora su cuenta no tiene un correo electrónico registrado." in notice.body_text
    assert "***" not in notice.body_text


def test_a_rolled_back_change_writes_and_sends_nothing(django_capture_on_commit_callbacks):
    # Given a person, and the state before the attempt
    person = PersonFactory(email="ana@example.sv")
    before = (
        list(AuditEvent.objects.values_list("pk", flat=True)),
        OutboxMessage.objects.count(),
    )

    written_inside = []

    def change_then_fail() -> None:
        with transaction.atomic():
            person_update(person=person, actor=None, email="otra@example.sv")
            written_inside.append(len(notices()))
            raise RuntimeError("something after the change failed")

    # When the change is made inside a transaction that then fails
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        change_then_fail()

    # Then the address, the audit history and the outbox are as they were, and nothing left
    assert Person.objects.get(pk=person.pk).email == "ana@example.sv"
    assert (
        list(AuditEvent.objects.values_list("pk", flat=True)),
        OutboxMessage.objects.count(),
    ) == before
    assert written_inside == [1]  # the notice was written, in the transaction that failed
    assert callbacks == []
    assert outbox_relay_run().sent == 0
    assert mail.outbox == []
