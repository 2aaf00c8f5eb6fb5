"""The in-app inbox page (/notificaciones/): own messages only, paginated with a constant number
of queries, read marks by POST, and the unread count for the header."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from notifications.context_processors import inbox as inbox_context
from notifications.models import OutboxMessage
from tests.notifications.conftest import notify_generic

pytestmark = pytest.mark.django_db

INBOX = reverse("notifications:inbox")


def _messages_for(user, count, **kwargs):
    return [
        notify_generic(user.person, channels=["in_app"], titulo=f"Mensaje {n}", **kwargs)[0]
        for n in range(count)
    ]


@pytest.fixture
def owner(make_user):
    return make_user(role="citizen")


@pytest.fixture
def other(make_user):
    return make_user(role="citizen")


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(INBOX)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_inbox_lists_only_the_users_own_messages_newest_first(client, owner, other):
    _messages_for(owner, 2)
    _messages_for(other, 1, mensaje="Privado de otra persona")
    client.force_login(owner)

    response = client.get(INBOX)

    assert response.status_code == 200
    listed = list(response.context["page"].object_list)
    assert [m.subject for m in listed] == ["Mensaje 1", "Mensaje 0"]
    assert "Privado de otra persona" not in response.content.decode()


def test_email_rows_do_not_appear_in_the_inbox(client, owner):
    notify_generic(owner.person, channels=["email"], titulo="Solo por correo")
    client.force_login(owner)

    response = client.get(INBOX)

    assert list(response.context["page"].object_list) == []
    assert "No tiene notificaciones." in response.content.decode()


def test_the_inbox_is_paginated(client, owner):
    _messages_for(owner, 25)
    client.force_login(owner)

    first = client.get(INBOX)
    second = client.get(INBOX, {"page": 2})

    assert len(first.context["page"].object_list) == 20
    assert [m.subject for m in second.context["page"].object_list] == [
        f"Mensaje {n}" for n in range(4, -1, -1)
    ]
    assert "Página 2 de 2" in second.content.decode()


@pytest.mark.parametrize("count", [3, 25])
def test_the_inbox_page_runs_a_fixed_number_of_queries(
    client, owner, count, django_assert_num_queries
):
    _messages_for(owner, count)
    client.force_login(owner)

    # 1 user (the session comes from the cache), 2 paginator COUNT, 3 role grants
    # (navigation), 4 the page of messages, 5 the unread COUNT of the header badge, 6-8
    # savepoint + session update + release (the idle-timeout stamp). The same for 3 and for 25
    # messages.
    with django_assert_num_queries(8):
        response = client.get(INBOX)

    assert response.status_code == 200


def test_the_header_shows_the_unread_count(client, owner):
    read, _unread, _unread2 = _messages_for(owner, 3)
    client.force_login(owner)
    client.post(reverse("notifications:mark_read", args=[read.pk]))

    response = client.get(INBOX)

    assert (
        '<span class="badge">2<span class="visually-hidden"> sin leer</span></span>'
        in response.content.decode()
    )


def test_marking_one_message_read(client, owner):
    first, second = _messages_for(owner, 2)
    client.force_login(owner)

    response = client.post(reverse("notifications:mark_read", args=[first.pk]))

    assert response.status_code == 302
    assert response["Location"] == INBOX
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None


def test_marking_read_needs_post(client, owner):
    (message,) = _messages_for(owner, 1)
    client.force_login(owner)

    response = client.get(reverse("notifications:mark_read", args=[message.pk]))

    assert response.status_code == 405
    message.refresh_from_db()
    assert message.read_at is None


@pytest.mark.parametrize("name", ["notifications:mark_read", "notifications:open"])
def test_another_persons_message_answers_404_and_stays_unread(client, owner, other, name):
    (message,) = _messages_for(other, 1)
    client.force_login(owner)

    response = client.post(reverse(name, args=[message.pk]))

    assert response.status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


def test_an_email_row_cannot_be_marked_read_through_the_inbox(client, owner):
    email, _in_app = notify_generic(owner.person)
    client.force_login(owner)

    response = client.post(reverse("notifications:mark_read", args=[email.pk]))

    assert response.status_code == 404
    email.refresh_from_db()
    assert email.read_at is None


def test_opening_a_message_marks_it_read_and_follows_its_link(client, owner):
    (message,) = _messages_for(owner, 1, link="/tramites/42/")
    client.force_login(owner)

    response = client.post(reverse("notifications:open", args=[message.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/tramites/42/"
    message.refresh_from_db()
    assert message.read_at is not None


def test_marking_all_read_touches_only_the_users_messages(client, owner, other):
    _messages_for(owner, 3)
    (others,) = _messages_for(other, 1)
    client.force_login(owner)

    response = client.post(reverse("notifications:mark_all_read"), follow=True)

    assert response.status_code == 200
    assert "Se marcaron 3 mensajes como leídos." in response.content.decode()
    assert not OutboxMessage.objects.filter(recipient=owner.person, read_at__isnull=True).exists()
    others.refresh_from_db()
    assert others.read_at is None


def test_the_unread_filter(client, owner):
    read, unread = _messages_for(owner, 2)
    client.force_login(owner)
    client.post(reverse("notifications:mark_read", args=[read.pk]))

    response = client.get(INBOX, {"filtro": "no-leidas"})

    assert [m.pk for m in response.context["page"].object_list] == [unread.pk]


# --- the unread count for the header -------------------------------------------------------------


def test_the_context_processor_gives_nothing_to_anonymous_visitors(django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    with django_assert_num_queries(0):
        assert inbox_context(request) == {}


def test_the_unread_count_is_one_lazy_count_query(owner, other, django_assert_num_queries):
    read, _unread, _unread2 = _messages_for(owner, 3)
    _messages_for(other, 2)
    read.read_at = read.created_at
    read.save(update_fields=["read_at"])
    request = RequestFactory().get("/")
    request.user = owner

    with django_assert_num_queries(0):
        context = inbox_context(request)
    with django_assert_num_queries(1):
        assert int(str(context["inbox_unread"])) == 2
        assert context["inbox_unread"]  # evaluated once, then cached
