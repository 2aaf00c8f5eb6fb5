"""The inbox API: GET /api/v1/notifications/ (own messages, cursor pagination) and the read marks;
another person's id answers 404."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from notifications.models import OutboxMessage
from tests.notifications.conftest import notify_generic

pytestmark = pytest.mark.django_db

LIST = reverse("v1:notifications-list")


def _messages_for(user, count, **kwargs):
    return [
        notify_generic(user.person, channels=["in_app"], titulo=f"Mensaje {n}", **kwargs)[0]
        for n in range(count)
    ]


@pytest.fixture
def owner(make_user):
    return make_user(role="guardian", scope_kind="national")


@pytest.fixture
def other(make_user):
    return make_user(role="citizen")


@pytest.fixture
def api(owner):
    client = APIClient()
    client.force_authenticate(owner)
    return client


def test_anonymous_callers_are_refused():
    response = APIClient().get(LIST)

    assert response.status_code == 401


def test_the_list_has_the_callers_messages_only(api, owner, other):
    (mine,) = _messages_for(owner, 1, link="/tramites/9/", mensaje="Cuerpo del aviso")
    _messages_for(other, 2)
    notify_generic(owner.person, channels=["email"])

    response = api.get(LIST)

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": mine.pk,
            "title": "Mensaje 0",
            "body": "Cuerpo del aviso",
            "link": "/tramites/9/",
            "is_read": False,
            "read_at": None,
            "created_at": response.json()["results"][0]["created_at"],
        }
    ]
    assert response.json()["previous"] is None
    assert response.json()["next"] is None


def test_the_list_pages_with_a_cursor(api, owner):
    _messages_for(owner, 25)

    first = api.get(LIST).json()
    second = api.get(first["next"]).json()

    assert [m["title"] for m in first["results"]] == [f"Mensaje {n}" for n in range(24, 4, -1)]
    assert [m["title"] for m in second["results"]] == [f"Mensaje {n}" for n in range(4, -1, -1)]
    assert "cursor=" in first["next"]
    assert second["next"] is None


def test_the_unread_filter(api, owner):
    read, unread = _messages_for(owner, 2)
    api.post(reverse("v1:notifications-read", args=[read.pk]))

    response = api.get(LIST, {"unread": "true"})

    assert [m["id"] for m in response.json()["results"]] == [unread.pk]


def test_a_bad_filter_value_is_a_400(api):
    response = api.get(LIST, {"unread": "quizá"})

    assert response.status_code == 400
    assert "unread" in response.json()


@pytest.mark.parametrize("count", [2, 30])
def test_the_list_runs_a_fixed_number_of_queries(api, owner, count, django_assert_num_queries):
    _messages_for(owner, count)

    # One query: the page of messages (cursor pagination needs no COUNT; the caller is
    # force-authenticated so no session or token lookup). The same for 2 and 30 messages.
    with django_assert_num_queries(1):
        response = api.get(LIST)

    assert response.status_code == 200


def test_marking_a_message_read(api, owner):
    first, second = _messages_for(owner, 2)

    response = api.post(reverse("v1:notifications-read", args=[first.pk]))

    assert response.status_code == 200
    assert response.json()["id"] == first.pk
    assert response.json()["is_read"] is True
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None


def test_marking_read_twice_keeps_the_first_time(api, owner):
    (message,) = _messages_for(owner, 1)
    api.post(reverse("v1:notifications-read", args=[message.pk]))
    message.refresh_from_db()
    first_read_at = message.read_at

    response = api.post(reverse("v1:notifications-read", args=[message.pk]))

    assert response.status_code == 200
    message.refresh_from_db()
    assert message.read_at == first_read_at


def test_another_persons_message_answers_404_and_stays_unread(api, other):
    (message,) = _messages_for(other, 1)

    response = api.post(reverse("v1:notifications-read", args=[message.pk]))

    assert response.status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


def test_an_unknown_id_answers_404_too(api):
    response = api.post(reverse("v1:notifications-read", args=[999_999]))

    assert response.status_code == 404


def test_read_all_and_unread_count(api, owner, other):
    _messages_for(owner, 3)
    (others,) = _messages_for(other, 1)

    before = api.get(reverse("v1:notifications-unread-count")).json()
    marked = api.post(reverse("v1:notifications-read-all")).json()
    after = api.get(reverse("v1:notifications-unread-count")).json()

    assert (before, marked, after) == ({"unread": 3}, {"marked": 3}, {"unread": 0})
    others.refresh_from_db()
    assert others.read_at is None
    assert OutboxMessage.objects.filter(read_at__isnull=False).count() == 3


def test_the_endpoints_are_in_the_openapi_schema(client):
    response = client.get(reverse("api-schema"), {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths["/api/v1/notifications/"]) == {"get"}
    assert paths["/api/v1/notifications/{id}/read/"]["post"]["operationId"] == "notifications_read"
    assert "/api/v1/notifications/read-all/" in paths
    assert "/api/v1/notifications/unread-count/" in paths
