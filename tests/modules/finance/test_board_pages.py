"""The school board's pages: the director registers the board and its members (DUI with its
check digit), ends a member's term; the school's finance page shows who the board is; outside
the scope is a 404 with nothing changed."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.accounts.choices import Role, ScopeKind
from core.accounts.dui import dui_check_digit
from core.accounts.models import Person
from core.audit.models import AuditEvent
from modules.finance.models import Board, BoardMember
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def a_dui(body: str) -> str:
    return f"{body}-{dui_check_digit(body)}"


def wrong_dui(body: str) -> str:
    return f"{body}-{(dui_check_digit(body) + 1) % 10}"


@pytest.fixture
def board(school, director):
    today = timezone.localdate()
    board = Board.objects.create(
        school=school,
        kind="cde",
        term_start=today - timedelta(days=200),
        term_end=today + timedelta(days=500),
    )
    BoardMember.objects.create(
        board=board,
        person=director.person,
        role="president",
        term_start=board.term_start,
        term_end=board.term_end,
    )
    return board


@pytest.fixture
def other_director(make_user, other_school):
    return make_user(role=Role.DIRECTOR, scope_kind=ScopeKind.SCHOOL, target=other_school)


def test_the_director_sees_the_board_and_the_finance_page_names_it(client, director, board):
    client.force_login(director)

    page = client.get(reverse("finance:board", args=[board.school_id])).content.decode()
    mine = client.get(reverse("finance:mine")).content.decode()

    assert "Consejo Directivo Escolar (CDE)" in page
    assert director.person.full_name in page
    assert "Agregar un miembro" in page
    assert "Presidente (director)" in mine
    assert director.person.full_name in mine
    assert reverse("finance:board", args=[board.school_id]) in mine
    assert reverse("finance:bank", args=[board.school_id]) in mine


def test_the_board_home_goes_to_the_only_school(client, director, school):
    client.force_login(director)

    response = client.get(reverse("finance:board_home"))

    assert response.status_code == 302
    assert response.url == reverse("finance:board", args=[school.pk])


def test_the_director_registers_a_board(client, director, school):
    client.force_login(director)

    response = client.post(
        reverse("finance:board_create", args=[school.pk]),
        {"kind": "", "term_start": "01/03/2026", "term_end": "28/02/2028"},
    )

    assert response.status_code == 302
    board = Board.objects.get()
    assert (board.kind, board.term_start, board.term_end) == (
        "cde",
        date(2026, 3, 1),
        date(2028, 2, 28),
    )
    assert AuditEvent.objects.filter(action="finance.board_created").count() == 1


def test_a_board_ending_before_it_starts_is_refused(client, director, school):
    client.force_login(director)

    response = client.post(
        reverse("finance:board_create", args=[school.pk]),
        {"term_start": "01/03/2026", "term_end": "01/01/2026"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "El período debe terminar después de empezar." in page
    assert 'value="01/01/2026"' in page
    assert not Board.objects.exists()


def test_the_director_adds_a_new_person_by_dui(client, director, board):
    client.force_login(director)
    dui = a_dui("04400123")

    response = client.post(
        reverse("finance:board_member_add", args=[board.pk]),
        {"dui": dui, "role": "treasurer", "first_names": "Rosa", "last_names": "Pérez"},
    )

    assert response.status_code == 302
    member = BoardMember.objects.get(role="treasurer")
    assert (member.person.dui, member.person.full_name) == (dui, "Rosa Pérez")
    assert (member.term_start, member.term_end) == (board.term_start, board.term_end)
    assert AuditEvent.objects.filter(action="finance.board_member_added").count() == 1


def test_a_known_person_is_added_without_names(client, director, board):
    person = PersonFactory()
    client.force_login(director)

    response = client.post(
        reverse("finance:board_member_add", args=[board.pk]),
        {"dui": person.dui, "role": "parent"},
    )

    assert response.status_code == 302
    assert BoardMember.objects.filter(board=board, person=person, role="parent").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"dui": wrong_dui("04400123"), "role": "parent", "first_names": "A", "last_names": "B"},
            "el dígito verificador no corresponde",
        ),
        ({"dui": a_dui("04400123"), "role": "parent"}, "Este dato es obligatorio."),
        (
            {"dui": a_dui("04400123"), "role": "president", "first_names": "A", "last_names": "B"},
            "Ese cargo ya está ocupado en el organismo.",
        ),
    ],
)
def test_a_refused_member_keeps_what_was_typed_and_changes_nothing(
    client, director, board, data, message
):
    client.force_login(director)
    people = Person.objects.count()

    response = client.post(reverse("finance:board_member_add", args=[board.pk]), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f'value="{data["dui"]}"' in page
    assert BoardMember.objects.count() == 1
    assert Person.objects.count() == people
    assert not AuditEvent.objects.filter(action="finance.board_member_added").exists()


def test_a_person_already_on_the_board_is_refused(client, director, board):
    client.force_login(director)

    response = client.post(
        reverse("finance:board_member_add", args=[board.pk]),
        {"dui": director.person.dui, "role": "teacher"},
    )

    assert response.status_code == 400
    assert "Esa persona ya es miembro del organismo." in response.content.decode()
    assert BoardMember.objects.count() == 1


def test_the_director_ends_a_members_term(client, director, board):
    member = BoardMember.objects.create(
        board=board,
        person=PersonFactory(),
        role="parent",
        term_start=board.term_start,
        term_end=board.term_end,
    )
    client.force_login(director)
    url = reverse("finance:board_member_end", args=[member.pk])

    response = client.post(url, {"on": ""})
    again = client.post(url, {"on": ""}, follow=True)

    member.refresh_from_db()
    assert response.status_code == 302
    assert member.term_end == timezone.localdate()
    assert AuditEvent.objects.filter(action="finance.board_member_term_ended").count() == 1
    assert "El período de ese miembro ya terminó." in again.content.decode()


def test_an_office_left_early_can_be_filled_again(client, director, board):
    treasurer = BoardMember.objects.create(
        board=board,
        person=PersonFactory(),
        role="treasurer",
        term_start=board.term_start,
        term_end=board.term_end,
    )
    client.force_login(director)
    add = reverse("finance:board_member_add", args=[board.pk])
    newcomer = {
        "dui": a_dui("04400777"),
        "role": "treasurer",
        "first_names": "Ana",
        "last_names": "Gil",
    }

    refused = client.post(add, newcomer)
    assert "Ese cargo ya está ocupado en el organismo." in refused.content.decode()

    client.post(reverse("finance:board_member_end", args=[treasurer.pk]), {"on": ""})
    response = client.post(add, newcomer)

    treasurer.refresh_from_db()
    assert response.status_code == 302
    assert treasurer.left_office
    assert BoardMember.objects.filter(board=board, role="treasurer", left_office=False).count() == 1
    # The database keeps one treasurer in office, whoever writes.
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardMember.objects.create(
            board=board,
            person=PersonFactory(),
            role="treasurer",
            term_start=board.term_start,
            term_end=board.term_end,
        )


def test_a_term_cannot_end_before_it_started(client, director, board):
    member = board.members.get()
    client.force_login(director)

    response = client.post(
        reverse("finance:board_member_end", args=[member.pk]),
        {"on": (board.term_start - timedelta(days=1)).strftime("%d/%m/%Y")},
        follow=True,
    )

    member.refresh_from_db()
    assert member.term_end == board.term_end
    assert "El período no puede terminar antes de empezar" in response.content.decode()


def test_another_schools_director_gets_404_and_nothing_changes(client, other_director, board):
    member = board.members.get()
    client.force_login(other_director)

    assert client.get(reverse("finance:board", args=[board.school_id])).status_code == 404
    add = client.post(
        reverse("finance:board_member_add", args=[board.pk]),
        {"dui": a_dui("04400123"), "role": "parent", "first_names": "A", "last_names": "B"},
    )
    end = client.post(reverse("finance:board_member_end", args=[member.pk]), {"on": ""})
    create = client.post(
        reverse("finance:board_create", args=[board.school_id]),
        {"term_start": "01/03/2026", "term_end": "28/02/2028"},
    )

    assert (add.status_code, end.status_code, create.status_code) == (404, 404, 404)
    member.refresh_from_db()
    assert member.term_end == board.term_end
    assert BoardMember.objects.count() == 1
    assert Board.objects.count() == 1


def test_the_treasurer_reads_the_board_but_does_not_manage_it(client, treasurer, board):
    client.force_login(treasurer)

    page = client.get(reverse("finance:board", args=[board.school_id])).content.decode()
    add = client.post(
        reverse("finance:board_member_add", args=[board.pk]),
        {"dui": a_dui("04400123"), "role": "parent", "first_names": "A", "last_names": "B"},
    )

    assert "Agregar un miembro" not in page
    assert "Terminar el período" not in page
    assert add.status_code == 404
    assert BoardMember.objects.count() == 1


def test_roles_without_school_finances_have_no_board_home(client, make_user):
    client.force_login(make_user(role=Role.TEACHER))

    assert client.get(reverse("finance:board_home")).status_code == 403
    assert client.get(reverse("finance:bank_home")).status_code == 403


def test_the_board_page_takes_fixed_queries(client, director, board, django_assert_num_queries):
    client.force_login(director)
    url = reverse("finance:board", args=[board.school_id])
    client.get(url)
    with django_assert_num_queries(6):
        client.get(url)
    for _ in range(8):
        BoardMember.objects.create(
            board=board,
            person=PersonFactory(),
            role="parent",
            term_start=board.term_start,
            term_end=board.term_end,
        )
    with django_assert_num_queries(6):
        client.get(url)
