"""Messages between a family and the school: who writes, who answers (the director and the
section's homeroom teacher, nobody else: 404 with nothing changed), the Bandeja item with its
due time, the outbox rows written and rolled back with the change, closing, query counts."""

from datetime import date
from unittest import mock

import pytest
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from core.audit.models import AuditEvent
from core.calendar import business_day_length, business_time_between
from core.exceptions import Conflict
from core.work import WorkFilters, work_queue
from modules.family import services
from modules.family.models import Conversation, Message
from notifications.models import OutboxMessage

from .conftest import guardian_of

pytestmark = pytest.mark.django_db


def _state():
    return (
        Conversation.objects.count(),
        Message.objects.count(),
        OutboxMessage.objects.count(),
        AuditEvent.objects.filter(
            Q(action__startswith="family.") | Q(action__startswith="conversation.")
        ).count(),
        list(Conversation.objects.order_by("pk").values_list("status", "due_at")),
    )


def _open(guardian, child, body="¿Qué tareas hay para el lunes?"):
    return services.conversation_open(
        actor=guardian, student_id=child.student_id, subject="Tareas", body=body
    )


def _items(actor):
    return [
        item
        for item in work_queue(actor=actor, filters=WorkFilters()).available.items
        if item.kind == "family_message"
    ]


def test_a_guardian_writes_and_the_director_and_homeroom_teacher_are_told(
    client, guardian, child, teacher, director, other_teacher, subject_teacher
):
    client.force_login(guardian)

    response = client.post(
        reverse("family:conversation_new", args=[child.student_id]),
        {"subject": "Tareas", "body": "<b>¿Qué</b> tareas hay?"},
    )

    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("family:conversation", args=[conversation.pk])
    assert (conversation.school_id, conversation.section_id) == (
        child.school_id,
        child.section_id,
    )
    assert business_time_between(conversation.created_at, conversation.due_at) == (
        2 * business_day_length()
    )
    assert conversation.messages.get().from_family
    outbox = OutboxMessage.objects.order_by("recipient_id")
    assert {(m.recipient_id, m.channel) for m in outbox} == {
        (teacher.person_id, "in_app"),
        (director.person_id, "in_app"),
    }
    assert AuditEvent.objects.filter(action="family.conversation_opened").count() == 1
    # In the Bandeja of exactly those two, with the due time and a link to the conversation.
    for staff in (teacher, director):
        (item,) = _items(staff)
        assert item.url == reverse("family:conversation", args=[conversation.pk])
        assert item.due_at == conversation.due_at
    assert _items(other_teacher) == []
    assert _items(subject_teacher) == []
    # Shown on the child's page, and the body escaped on the conversation page.
    child_page = client.get(reverse("academics:family_child", args=[child.student_id]))
    assert "Esperando respuesta" in child_page.content.decode()
    page = client.get(response.url).content.decode()
    assert "&lt;b&gt;¿Qué&lt;/b&gt; tareas hay?" in page


def test_another_guardians_child_is_a_404_with_nothing_changed(client, pupils, teacher):
    _mine, theirs = pupils
    stranger = guardian_of(_mine)
    client.force_login(stranger)
    before = _state()

    page = client.post(
        reverse("family:conversation_new", args=[theirs.student_id]),
        {"subject": "Hola", "body": "Hola"},
    )
    api = client.post(
        reverse("v1:family-child-conversations", args=[theirs.student_id]),
        {"subject": "Hola", "body": "Hola"},
        content_type="application/json",
    )

    assert (page.status_code, api.status_code) == (404, 404)
    assert _state() == before


def test_someone_elses_conversation_is_a_404_for_readers_and_writers(
    client, guardian, child, teacher, other_teacher, subject_teacher, pupils
):
    conversation = _open(guardian, child)
    other_family = guardian_of(pupils[1])
    url = reverse("family:conversation", args=[conversation.pk])
    before = _state()

    for outsider in (other_teacher, subject_teacher, other_family):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"body": "Respuesta"}).status_code == 404
        close = reverse("family:conversation_close", args=[conversation.pk])
        assert client.post(close).status_code == 404

    assert _state() == before


def test_the_homeroom_teacher_replies_and_the_family_gets_email_and_inbox(
    client, guardian, child, teacher
):
    conversation = _open(guardian, child)
    OutboxMessage.objects.all().delete()
    client.force_login(teacher)

    response = client.post(
        reverse("family:conversation", args=[conversation.pk]), {"body": "Los ejercicios 1 a 5."}
    )

    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.due_at is None  # answered: out of the Bandeja
    assert _items(teacher) == []
    assert [m.from_family for m in conversation.messages.order_by("pk")] == [True, False]
    assert {(m.recipient_id, m.channel) for m in OutboxMessage.objects.all()} == {
        (guardian.person_id, "email"),
        (guardian.person_id, "in_app"),
    }
    # The family writes again: the school owes an answer again.
    services.message_post(actor=guardian, conversation=conversation, body="Gracias, ¿y el 6?")
    conversation.refresh_from_db()
    assert conversation.due_at is not None
    assert len(_items(teacher)) == 1


def test_the_outbox_rows_roll_back_with_the_message(guardian, child, teacher):
    conversation = _open(guardian, child)
    before = _state()
    real = services._tell_family

    def tell_then_fail(*args, **kwargs):
        real(*args, **kwargs)
        assert OutboxMessage.objects.filter(recipient=guardian.person).count() == 2
        raise RuntimeError("después del aviso")

    with (
        mock.patch.object(services, "_tell_family", tell_then_fail),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.message_post(actor=teacher, conversation=conversation, body="Respuesta")

    assert _state() == before


def test_either_side_closes_and_a_closed_conversation_takes_no_reply(
    client, guardian, child, director
):
    conversation = _open(guardian, child)
    client.force_login(director)

    response = client.post(reverse("family:conversation_close", args=[conversation.pk]))

    assert response.status_code == 302
    conversation.refresh_from_db()
    assert (conversation.status, conversation.closed_by_id, conversation.due_at) == (
        "closed",
        director.pk,
        None,
    )
    assert AuditEvent.objects.filter(action="conversation.close", role="director").count() == 1
    assert _items(director) == []
    before = _state()
    client.force_login(guardian)
    reply = client.post(reverse("family:conversation", args=[conversation.pk]), {"body": "¿?"})
    again = client.post(reverse("family:conversation_close", args=[conversation.pk]))
    assert (reply.status_code, again.status_code) == (409, 409)
    assert _state() == before
    with pytest.raises(Conflict):
        services.message_post(actor=director, conversation=conversation, body="Tarde")


def test_bodies_are_limited_and_required(client, guardian, child, teacher):
    client.force_login(guardian)
    url = reverse("family:conversation_new", args=[child.student_id])

    too_long = client.post(url, {"subject": "Asunto", "body": "x" * 2001})
    blank = client.post(url, {"subject": "Asunto", "body": "   "})

    assert (too_long.status_code, blank.status_code) == (400, 400)
    assert Conversation.objects.count() == 0


@pytest.mark.parametrize("count", [1, 4])
def test_the_guardians_list_is_a_fixed_number_of_queries(
    client, guardian, child, teacher, count, django_assert_num_queries
):
    for _ in range(count):
        _open(guardian, child)
    client.force_login(guardian)
    url = reverse("v1:family-child-conversations", args=[child.student_id])
    client.get(url)

    # user 1 (the session comes from the cache), grants 1, the child 1, its latest enrollment
    # 1, the conversations 1
    with django_assert_num_queries(5):
        response = client.get(url)

    assert len(response.json()) == count


@pytest.mark.parametrize("replies", [1, 5])
def test_the_staff_conversation_page_is_a_fixed_number_of_queries(
    client, guardian, child, teacher, replies, django_assert_num_queries
):
    conversation = _open(guardian, child)
    for number in range(replies):
        services.message_post(actor=teacher, conversation=conversation, body=f"Respuesta {number}")
    client.force_login(teacher)
    url = reverse("family:conversation", args=[conversation.pk])
    client.get(url)

    # user 1 (the session comes from the cache), grants 1, the conversation as the school 1
    # (as a family: no query, the actor is nobody's guardian), the messages 1, the shell's
    # unread-messages count 1
    with django_assert_num_queries(5):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.context["thread"]) == replies + 1


def test_the_api_opens_lists_replies_and_closes(client, guardian, child, teacher):
    client.force_login(guardian)
    created = client.post(
        reverse("v1:family-child-conversations", args=[child.student_id]),
        {"subject": "Uniforme", "body": "¿Hay que llevar uniforme de deportes?"},
        content_type="application/json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["waiting_for_school"] is True

    client.force_login(teacher)
    listed = client.get(reverse("v1:family-conversations")).json()
    reply = client.post(
        reverse("v1:family-conversation-messages", args=[pk]),
        {"body": "Sí, los jueves."},
        content_type="application/json",
    )
    assert [row["id"] for row in listed] == [pk]
    assert reply.status_code == 201
    assert reply.json()["from_family"] is False

    client.force_login(guardian)
    thread = client.get(reverse("v1:family-conversation-messages", args=[pk])).json()
    closed = client.post(reverse("v1:family-conversation-close", args=[pk]))
    again = client.post(reverse("v1:family-conversation-close", args=[pk]))
    assert [m["body"] for m in thread] == [
        "¿Hay que llevar uniforme de deportes?",
        "Sí, los jueves.",
    ]
    assert closed.json()["status"] == "closed"
    assert again.status_code == 409


def test_the_schema_documents_the_family_endpoints(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()

    for path in (
        "/api/v1/familia/hijos/{id}/conversaciones/",
        "/api/v1/familia/conversaciones/",
        "/api/v1/familia/conversaciones/{id}/mensajes/",
        "/api/v1/familia/conversaciones/{id}/cerrar/",
        "/api/v1/familia/hijos/{id}/permisos/",
        "/api/v1/familia/permisos/",
        "/api/v1/familia/permisos/{id}/",
        "/api/v1/familia/permisos/{id}/cancelar/",
        "/api/v1/familia/permisos/{id}/decidir/",
    ):
        assert path in schema["paths"]


def test_the_school_overview_lists_what_the_actor_answers_only(
    client, guardian, child, teacher, other_teacher, director
):
    conversation = _open(guardian, child)
    services.permission_request(
        actor=guardian,
        student_id=child.student_id,
        date_from=date(2026, 3, 2),
        date_to=date(2026, 3, 2),
        reason="Cita médica",
    )
    url = reverse("family:school")

    client.force_login(teacher)
    mine = client.get(url)
    client.force_login(other_teacher)
    theirs = client.get(url)
    client.force_login(guardian)
    family = client.get(url)

    assert [c.pk for c in mine.context["conversations"]] == [conversation.pk]
    assert len(mine.context["permissions"]) == 1
    assert (theirs.context["conversations"], theirs.context["permissions"]) == ([], [])
    assert family.status_code == 404
