"""The pages of ministry transfers and their allocation: the ministry officer creates and
allocates, the ministry and the department move allocations on, auditors read; refusals keep
what was typed and change nothing; outside the scope is a 404."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.accounts.choices import Role, ScopeKind
from core.audit.models import AuditEvent
from modules.finance.models import Allocation, FiscalYear, Transfer
from tests.factories import DepartmentFactory, SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user):
    return make_user(role=Role.MINISTRY_OFFICER)


@pytest.fixture
def departmental(make_user, school):
    return make_user(
        role=Role.DEPARTMENTAL_OFFICER,
        scope_kind=ScopeKind.DEPARTMENT,
        target=school.municipality.department,
    )


@pytest.fixture
def far_departmental(make_user):
    return make_user(
        role=Role.DEPARTMENTAL_OFFICER, scope_kind=ScopeKind.DEPARTMENT, target=DepartmentFactory()
    )


@pytest.fixture
def transfer(db):
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=2026)
    return Transfer.objects.create(
        fiscal_year=fiscal_year,
        name="Funcionamiento",
        total=Decimal("1000000000.00"),
        school_ceiling=Decimal("5000.00"),
    )


def allocate(transfer, school, amount="1000.00", status="requested"):
    return Allocation.objects.create(
        transfer=transfer,
        school=school,
        department_id=school.municipality.department_id,
        amount=Decimal(amount),
        status=status,
    )


# --- Transfers ----------------------------------------------------------------------------------


def test_the_officer_creates_a_transfer(client, officer):
    client.force_login(officer)

    response = client.post(
        reverse("finance:transfer_create"),
        {"year": "2027", "name": "Bono escolar", "total": "90000.00", "school_ceiling": "1500.00"},
    )

    transfer = Transfer.objects.get(name="Bono escolar")
    assert response.status_code == 302
    assert response.url == reverse("finance:transfer", args=[transfer.pk])
    assert transfer.fiscal_year_id == 2027
    assert transfer.school_ceiling == Decimal("1500.00")
    assert transfer.total == Decimal("90000.00")
    assert AuditEvent.objects.filter(action="finance.transfer_created").count() == 1


def test_a_repeated_transfer_name_is_refused_keeping_what_was_typed(client, officer, transfer):
    client.force_login(officer)

    response = client.post(
        reverse("finance:transfer_create"),
        {"year": "2026", "name": "Funcionamiento", "total": "9000.00", "school_ceiling": "777.77"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Ya existe una transferencia con ese nombre este año." in page
    assert 'value="777.77"' in page
    assert Transfer.objects.count() == 1


def test_a_transfer_without_a_ceiling_is_refused(client, officer):
    client.force_login(officer)

    response = client.post(
        reverse("finance:transfer_create"),
        {"year": "2026", "name": "X", "total": "100.00", "school_ceiling": "0"},
    )

    assert response.status_code == 400
    assert Transfer.objects.count() == 0


def test_a_ceiling_above_the_total_is_refused(client, officer):
    client.force_login(officer)

    response = client.post(
        reverse("finance:transfer_create"),
        {"year": "2026", "name": "Bono", "total": "1000.00", "school_ceiling": "1000.01"},
    )

    assert response.status_code == 400
    assert "El techo por centro no puede superar el monto total." in response.content.decode()
    assert Transfer.objects.count() == 0


def test_only_the_ministry_officer_creates_transfers(client, departmental):
    client.force_login(departmental)

    response = client.post(
        reverse("finance:transfer_create"),
        {"year": "2026", "name": "Propia", "total": "10.00", "school_ceiling": "10.00"},
    )

    assert response.status_code == 403
    assert Transfer.objects.count() == 0


@pytest.mark.parametrize("role", [Role.TEACHER, Role.TREASURER, Role.CITIZEN])
def test_roles_outside_finance_do_not_see_transfers(client, make_user, transfer, role):
    client.force_login(make_user(role=role))

    assert client.get(reverse("finance:transfers")).status_code == 403
    assert client.get(reverse("finance:transfer", args=[transfer.pk])).status_code == 403


def test_the_list_filters_by_year_and_totals_what_the_reader_may_see(
    client, departmental, transfer, school
):
    allocate(transfer, school, "1200.00")
    allocate(transfer, SchoolFactory(), "900.00")  # another department
    older = Transfer.objects.create(
        fiscal_year=FiscalYear.objects.create(year=2025),
        name="Anterior",
        total=Decimal("1000000000.00"),
        school_ceiling=1,
    )
    client.force_login(departmental)

    page = client.get(reverse("finance:transfers"), {"anio": "2026"}).content.decode()

    assert "Funcionamiento" in page
    assert older.name not in page
    assert "US$ 1200,00" in page
    assert "900,00" not in page
    # The departmental officer may not create transfers: no form.
    assert "Nueva transferencia" not in page


# --- Allocations --------------------------------------------------------------------------------


def test_the_officer_allocates_to_a_school(client, officer, transfer, school):
    client.force_login(officer)

    response = client.post(
        reverse("finance:allocation_create", args=[transfer.pk]),
        {"school": school.code.lower(), "amount": "2500.50"},
    )

    assert response.status_code == 302
    allocation = Allocation.objects.get()
    assert (allocation.school, allocation.amount, allocation.status) == (
        school,
        Decimal("2500.50"),
        "requested",
    )
    assert allocation.department_id == school.municipality.department_id
    assert AuditEvent.objects.filter(action="finance.allocation_created").count() == 1


def test_an_allocation_over_the_ceiling_is_refused_with_the_reason(
    client, officer, transfer, school
):
    client.force_login(officer)

    response = client.post(
        reverse("finance:allocation_create", args=[transfer.pk]),
        {"school": school.code, "amount": "5000.01"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Supera el techo por centro de 5000.00." in page
    assert 'value="5000.01"' in page
    assert not Allocation.objects.exists()


def test_allocations_never_add_up_to_more_than_the_transfer(client, officer, transfer, school):
    transfer.total = Decimal("6000.00")
    transfer.save()
    allocate(transfer, SchoolFactory(municipality=school.municipality), "4000.00")
    client.force_login(officer)

    response = client.post(
        reverse("finance:allocation_create", args=[transfer.pk]),
        {"school": school.code, "amount": "2000.01"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Supera lo que queda de la transferencia: US$ 2000.00 de US$ 6000.00." in page
    assert Allocation.objects.count() == 1
    # Exactly what is left is accepted, and the page then shows nothing left to allocate.
    response = client.post(
        reverse("finance:allocation_create", args=[transfer.pk]),
        {"school": school.code, "amount": "2000.00"},
    )
    assert response.status_code == 302
    assert Allocation.objects.count() == 2
    page = client.get(reverse("finance:transfer", args=[transfer.pk])).content.decode()
    assert '<dt>Por asignar</dt><dd class="num">US$ 0,00</dd>' in page


def test_a_second_allocation_to_the_same_school_is_refused(client, officer, transfer, school):
    allocate(transfer, school)
    client.force_login(officer)

    response = client.post(
        reverse("finance:allocation_create", args=[transfer.pk]),
        {"school": school.code, "amount": "10.00"},
    )

    assert response.status_code == 400
    assert "El centro ya tiene una asignación de esta transferencia." in response.content.decode()
    assert Allocation.objects.count() == 1


def test_a_school_outside_the_department_cannot_be_allocated(
    client, far_departmental, transfer, school
):
    client.force_login(far_departmental)

    response = client.post(
        reverse("finance:allocation_create", args=[transfer.pk]),
        {"school": school.code, "amount": "10.00"},
    )

    assert response.status_code == 400
    assert "No hay un centro activo con ese código dentro de su ámbito." in (
        response.content.decode()
    )
    assert not Allocation.objects.exists()


def test_an_auditor_reads_allocations_but_cannot_allocate(client, make_user, transfer, school):
    allocate(transfer, school)
    client.force_login(make_user(role=Role.AUDITOR))

    page = client.get(reverse("finance:transfer", args=[transfer.pk])).content.decode()
    response = client.post(
        reverse("finance:allocation_create", args=[transfer.pk]),
        {"school": school.code, "amount": "10.00"},
    )

    assert school.code in page
    assert "Asignar a un centro" not in page
    assert "Autorizar" not in page
    assert response.status_code == 403
    assert Allocation.objects.count() == 1


def test_an_allocation_moves_through_its_states(client, officer, transfer, school):
    allocation = allocate(transfer, school)
    client.force_login(officer)
    url = reverse("finance:allocation_advance", args=[allocation.pk])

    for action, state in [
        ("authorise", "authorised"),
        ("mark_transferred", "transferred"),
        ("close", "closed"),
    ]:
        response = client.post(url, {"action": action, "next_query": "estado=requested"})
        assert response.status_code == 302
        assert response.url == reverse("finance:transfer", args=[transfer.pk]) + (
            "?estado=requested"
        )
        allocation.refresh_from_db()
        assert allocation.status == state
    assert allocation.transferred_on is not None
    assert AuditEvent.objects.filter(action__startswith="allocation.").count() == 3


def test_a_step_out_of_order_is_refused_and_changes_nothing(client, officer, transfer, school):
    allocation = allocate(transfer, school)
    client.force_login(officer)

    response = client.post(
        reverse("finance:allocation_advance", args=[allocation.pk]),
        {"action": "close"},
        follow=True,
    )

    allocation.refresh_from_db()
    assert allocation.status == "requested"
    assert response.status_code == 200
    assert 'class="messages' in response.content.decode() or "alert" in response.content.decode()
    assert not AuditEvent.objects.filter(action__startswith="allocation.").exists()


def test_the_department_moves_its_own_allocations(client, departmental, transfer, school):
    allocation = allocate(transfer, school)
    client.force_login(departmental)

    page = client.get(reverse("finance:transfer", args=[transfer.pk])).content.decode()
    response = client.post(
        reverse("finance:allocation_advance", args=[allocation.pk]), {"action": "authorise"}
    )

    assert "Autorizar" in page
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert allocation.status == "authorised"


@pytest.mark.parametrize("who", ["far_departmental", "auditor"])
def test_moving_an_allocation_outside_the_scope_is_404_and_changes_nothing(
    client, request, make_user, transfer, school, who
):
    user = make_user(role=Role.AUDITOR) if who == "auditor" else request.getfixturevalue(who)
    allocation = allocate(transfer, school)
    client.force_login(user)

    response = client.post(
        reverse("finance:allocation_advance", args=[allocation.pk]), {"action": "authorise"}
    )

    assert response.status_code == 404
    allocation.refresh_from_db()
    assert allocation.status == "requested"
    assert not AuditEvent.objects.filter(action__startswith="allocation.").exists()


def test_the_transfer_page_filters_by_department_and_state_with_totals(
    client, officer, transfer, school
):
    allocate(transfer, school, "100.00", status="authorised")
    allocate(transfer, SchoolFactory(municipality=school.municipality), "50.25")
    far = SchoolFactory()
    allocate(transfer, far, "999.00")
    client.force_login(officer)
    url = reverse("finance:transfer", args=[transfer.pk])

    everything = client.get(url).content.decode()
    department = client.get(url, {"departamento": school.municipality.department.code})
    authorised = client.get(url, {"estado": "authorised"}).content.decode()

    assert "US$ 1149,25" in everything
    assert far.code not in department.content.decode()
    assert "US$ 150,25" in department.content.decode()
    assert school.code in authorised
    assert far.code not in authorised
    assert "US$ 100,00" in authorised


def test_the_departmental_officer_sees_only_their_department(
    client, departmental, transfer, school
):
    allocate(transfer, school)
    far = SchoolFactory()
    allocate(transfer, far)
    client.force_login(departmental)

    page = client.get(reverse("finance:transfer", args=[transfer.pk])).content.decode()

    assert school.code in page
    assert far.code not in page


def test_the_transfer_page_takes_fixed_queries_and_paginates(
    client, officer, transfer, school, django_assert_num_queries
):
    client.force_login(officer)
    url = reverse("finance:transfer", args=[transfer.pk])
    allocate(transfer, school)
    client.get(url)  # warm the session and caches
    # 8 at both sizes; one of them sums what is left of the whole transfer ("Por asignar").
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
    for _ in range(30):
        allocate(transfer, SchoolFactory(municipality=school.municipality))
    with django_assert_num_queries(8):
        response = client.get(url)
    assert "Página 1 de 2" in response.content.decode()


def test_the_transfer_list_takes_fixed_queries(client, officer, school, django_assert_num_queries):
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=2026)
    client.force_login(officer)
    url = reverse("finance:transfers")

    def add(count):
        for _ in range(count):
            transfer = Transfer.objects.create(
                fiscal_year=fiscal_year,
                name=f"Bono {Transfer.objects.count()}",
                total=Decimal("1000000000.00"),
                school_ceiling=Decimal("10.00"),
            )
            allocate(transfer, school, "5.00")

    add(2)
    client.get(url)
    with django_assert_num_queries(5):
        client.get(url)
    add(18)
    with django_assert_num_queries(5):
        response = client.get(url)
    assert "US$ 100,00" in response.content.decode()  # 20 allocations of 5.00


@pytest.mark.parametrize(
    ("role", "panel"),
    [
        (Role.MINISTRY_OFFICER, "Transferencias del Ministerio"),
        (Role.DEPARTMENTAL_OFFICER, "Transferencias del Ministerio"),
        (Role.TREASURER, "Cuentas bancarias"),
        (Role.DIRECTOR, "Organismo escolar"),
    ],
)
def test_the_home_panels_link_the_new_pages(client, make_user, role, panel):
    client.force_login(make_user(role=role))

    assert panel in client.get("/").content.decode()
