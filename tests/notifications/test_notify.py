"""notify(): rows written in the caller's transaction, Spanish templates rendered at write time,
no full DUI in anything sent, and the relay kicked only after commit."""

from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from notifications.choices import Channel, OutboxStatus
from notifications.models import OutboxMessage
from notifications.tasks import outbox_relay
from tests.factories import PersonFactory, create_user
from tests.notifications.conftest import notify_generic

pytestmark = pytest.mark.django_db


def test_notify_writes_one_email_and_one_in_app_row(person, django_capture_on_commit_callbacks):
    # Given a person with an email address and no account
    # When a workflow notifies them
    with django_capture_on_commit_callbacks() as callbacks:
        email, in_app = notify_generic(
            person,
            titulo="Su solicitud fue recibida",
            mensaje="La revisaremos en 3 días hábiles.",
            link="/tramites/42/",
        )

    # Then the email row is pending, addressed and rendered in Spanish with an absolute link
    email.refresh_from_db()
    assert email.channel == Channel.EMAIL
    assert email.status == OutboxStatus.PENDING
    assert email.to_address == "ana.lopez@example.sv"
    assert email.subject == "Su solicitud fue recibida"
    assert email.body_text.startswith("Estimado(a) Ana López:\n\nLa revisaremos en 3 días hábiles.")
    assert "Ver en SIGES: http://127.0.0.1:8000/tramites/42/" in email.body_text
    assert '<a href="http://127.0.0.1:8000/tramites/42/">Ver en SIGES</a>' in email.body_html
    assert email.next_attempt_at is not None
    assert email.attempts == 0
    assert email.user is None
    # And the in-app row is in the person's inbox already (no relay involved)
    in_app.refresh_from_db()
    assert in_app.channel == Channel.IN_APP
    assert in_app.status == OutboxStatus.DELIVERED
    assert (in_app.subject, in_app.body_text) == (
        "Su solicitud fue recibida",
        "La revisaremos en 3 días hábiles.",
    )
    assert in_app.link == "/tramites/42/"
    assert in_app.read_at is None
    # And one relay kick waits for the commit
    assert len(callbacks) == 1
    assert OutboxMessage.objects.count() == 2


def test_notify_links_the_account_of_the_recipient(db):
    user = create_user(email="beto@example.sv")

    email, in_app = notify_generic(user.person)

    assert email.user == user
    assert in_app.user == user


def test_notify_refuses_a_user_that_is_not_the_recipients(person):
    stranger = create_user()

    with pytest.raises(ValueError, match="recipient's account"):
        notify_generic(person, user=stranger)

    assert OutboxMessage.objects.count() == 0


@pytest.mark.parametrize(
    ("email", "bounced", "reason"),
    [
        ("", False, "La persona no tiene correo electrónico registrado."),
        ("rebota@example.sv", True, "El correo de la persona rebotó o fue reportado como spam el"),
    ],
)
def test_notify_skips_email_without_a_usable_address(
    email, bounced, reason, django_capture_on_commit_callbacks
):
    # Given a person without a usable address (none, or one that bounced)
    person = PersonFactory(email=email, email_bounced_at=timezone.now() if bounced else None)

    # When notified
    with django_capture_on_commit_callbacks() as callbacks:
        result = notify_generic(person)

    # Then the return value says the email was skipped, and why
    skipped = [m for m in result if m.status == OutboxStatus.SKIPPED]
    assert [m.channel for m in skipped] == [Channel.EMAIL]
    assert skipped[0].last_error.startswith(reason)
    assert skipped[0].to_address == email
    # And the in-app message is delivered; nothing is queued for the relay
    assert [m.status for m in result if m.channel == Channel.IN_APP] == [OutboxStatus.DELIVERED]
    assert callbacks == []


def test_a_skipped_email_is_never_sent(db):
    person = PersonFactory(email="")
    notify_generic(person, channels=["email"])

    outbox_relay()

    assert mail.outbox == []
    assert OutboxMessage.objects.get().status == OutboxStatus.SKIPPED


def test_notify_rows_roll_back_with_the_callers_transaction(person):
    # Given a business change that fails after notifying
    def change_that_fails():
        with transaction.atomic():
            notify_generic(person)
            raise RuntimeError("the business change failed")

    with pytest.raises(RuntimeError, match="business change failed"):
        change_that_fails()

    # Then no message exists: rows and change commit together or not at all
    assert OutboxMessage.objects.count() == 0


def test_the_same_idempotency_key_writes_once(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = notify_generic(person, idempotency_key="ticket:7:reply:3")
        second = notify_generic(person, idempotency_key="ticket:7:reply:3", mensaje="Otro texto")

    assert [m.pk for m in second] == [m.pk for m in first]
    assert OutboxMessage.objects.count() == 2
    assert sorted(OutboxMessage.objects.values_list("idempotency_key", flat=True)) == [
        "ticket:7:reply:3:email",
        "ticket:7:reply:3:in_app",
    ]
    assert len(callbacks) == 1


def test_the_message_id_header_is_derived_from_the_idempotency_key(person):
    (email,) = notify_generic(person, channels=["email"], idempotency_key="ticket:7:reply:3")
    (again,) = notify_generic(person, channels=["email"], idempotency_key="ticket:7:reply:3")
    (other,) = notify_generic(person, channels=["email"], idempotency_key="ticket:7:reply:4")

    assert email.message_id_header == again.message_id_header
    assert email.message_id_header != other.message_id_header
    assert email.message_id_header.startswith("<")
    assert email.message_id_header.endswith(".outbox@siges.localhost>")
    assert ":" not in email.message_id_header


@pytest.mark.parametrize(
    "kwargs",
    [
        {"template": "../secret"},
        {"template": "generico", "link": "https://evil.example/"},
        {"template": "generico", "link": "//evil.example/"},
        {"template": "generico", "channels": ["sms"]},
        {"template": "generico", "idempotency_key": "x" * 151},
    ],
)
def test_notify_rejects_bad_arguments_and_writes_nothing(person, kwargs):
    from notifications.services import notify

    with pytest.raises(ValueError, match=r"invalid|links|idempotency_key"):
        notify(recipient=person, context={"titulo": "t", "mensaje": "m"}, **kwargs)

    assert OutboxMessage.objects.count() == 0


def test_text_is_not_html_escaped_and_html_is(person):
    email, in_app = notify_generic(person, titulo="Pérez & Hijos", mensaje="<b>5 > 3</b>")

    assert email.subject == "Pérez & Hijos"
    assert "<b>5 > 3</b>" in email.body_text
    assert "&lt;b&gt;5 &gt; 3&lt;/b&gt;" in email.body_html
    assert "<b>" not in email.body_html
    assert in_app.body_text == "<b>5 > 3</b>"  # escaped when shown (inbox template / JSON)


def test_a_newline_cannot_reach_the_subject_header(person):
    (email,) = notify_generic(person, channels=["email"], titulo="Hola\nBcc: todos@example.sv")

    assert email.subject == "Hola Bcc: todos@example.sv"


# --- no full DUI in anything sent --------------------------------------------------------------


@pytest.fixture
def dui_templates(tmp_path):
    """A template that (wrongly) prints the recipient's DUI everywhere."""
    (tmp_path / "email").mkdir()
    (tmp_path / "email" / "con_dui.subject.txt").write_text("Trámite del DUI {{ recipient.dui }}")
    (tmp_path / "email" / "con_dui.txt").write_text(
        "Su DUI {{ recipient.dui }}; también {{ sin_guion }}; "
        "teléfono 22223333; NIT 0614-010190-101-3."
    )
    (tmp_path / "email" / "con_dui.html").write_text("<p>DUI {{ recipient.dui }}</p>")
    templates = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    with override_settings(TEMPLATES=templates):
        yield


def test_no_full_dui_in_subjects_or_bodies(dui_templates):
    from notifications.services import notify

    # Given a person whose DUI the template prints (with and without the hyphen)
    person = PersonFactory(dui="01234567-8", email="dui@example.sv")
    assert person.dui == "01234567-8"

    # When notified
    email, in_app = notify(recipient=person, template="con_dui", context={"sin_guion": "012345678"})

    # Then every stored text shows the masked form only
    for text in (email.subject, email.body_text, email.body_html, in_app.subject, in_app.body_text):
        assert "01234567-8" not in text
        assert "012345678" not in text
    assert email.subject == "Trámite del DUI *****67-8"
    assert email.body_text == (
        "Su DUI *****67-8; también *****5678; teléfono 22223333; NIT 0614-010190-101-3.\n"
    )
    assert email.body_html == "<p>DUI *****67-8</p>"


def test_mask_duis_leaves_other_numbers_alone():
    from notifications.rendering import mask_duis

    # 123456789 is not a valid DUI (check digit); valid ones standing alone are masked, also in
    # a path; digits inside a longer token (a signed link, a hex id) are not a DUI written out
    assert mask_duis("caso 123456789, DUI 012345678, 01234567-8.") == (
        "caso 123456789, DUI *****5678, *****67-8."
    )
    assert mask_duis("/personas/01234567-8/ y /t/012345678/") == (
        "/personas/*****67-8/ y /t/*****5678/"
    )
    assert mask_duis("/verificar/ab012345678cd/ 0123456789 DUI-01234567-8") == (
        "/verificar/ab012345678cd/ 0123456789 DUI-*****67-8"
    )


# --- after commit -------------------------------------------------------------------------------


def test_after_commit_the_relay_sends_the_email(person, django_capture_on_commit_callbacks):
    # Given eager Celery (embedded mode and this suite)
    with django_capture_on_commit_callbacks(execute=True):
        email, _in_app = notify_generic(person, titulo="Aviso")

    # Then the kick ran the relay after commit and the email left once
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Aviso"
    assert mail.outbox[0].to == ["ana.lopez@example.sv"]
    email.refresh_from_db()
    assert email.status == OutboxStatus.SENT


def test_a_broker_that_is_down_does_not_break_the_business_transaction(
    person, django_capture_on_commit_callbacks, caplog
):
    # Given a broker that refuses connections
    down = OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")
    # When a committed change notifies (the kick runs in on_commit and fails)
    with (
        mock.patch.object(outbox_relay, "delay", side_effect=down) as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        (email,) = notify_generic(person, channels=["email"])

    # Then nothing was raised, the row is still pending and the failure is logged
    assert delay.call_count == 1
    email.refresh_from_db()
    assert email.status == OutboxStatus.PENDING
    assert mail.outbox == []
    assert "could not queue the relay" in caplog.text

    # And the periodic run sends it
    assert outbox_relay() == {"sent": 1, "retried": 0, "failed": 0, "stale": 0}
    email.refresh_from_db()
    assert email.status == OutboxStatus.SENT
    assert len(mail.outbox) == 1
