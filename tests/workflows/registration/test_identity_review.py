"""Identity reviews in the "Cuentas y accesos" queue: staff pages, API, scopes, query counts."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from core.accounts.models import User
from core.audit.models import AuditEvent
from notifications.models import OutboxMessage
from tests.factories import DepartmentFactory, PersonFactory, make_dui
from workflows.accounts_review.models import ReviewCase
from workflows.accounts_review.selectors import review_case_list
from workflows.registration.models import RegistrationRequest
from workflows.registration.services import registration_submit, registration_verify

from .helpers import PASSWORD, actions, applicant_data, emails, last_link, link_parts

pytestmark = pytest.mark.django_db

LIST = "/cuentas-y-accesos/"


def open_identity_review(n: int = 1, *, email: str = "ana.lopez@example.sv") -> ReviewCase:
    """A registration whose DUI belongs to a person with other names, verified: one open case."""
    dui = make_dui(77_000_000 + n)
    person = PersonFactory(dui=dui, first_names="Beatriz", last_names="López Pérez")
    registration_submit(**applicant_data(dui=dui, email=email))
    public_id, token = link_parts(last_link("registration_verify"))
    registration_verify(public_id=public_id, token=token)
    case = ReviewCase.objects.get(registration__dui=dui)
    assert case.person_id == person.pk
    return case


@pytest.fixture
def technician(make_user):
    return make_user(role="technician")


@pytest.fixture
def staff_client(technician):
    client = Client()
    client.force_login(technician)
    return client


def test_work_item_interface_for_the_help_desk(technician):
    case = open_identity_review()

    assert case.work_item_title == "Revisión de identidad: Ana María López Pérez"
    assert case.work_item_due_at == case.due_at
    assert case.due_at > case.created_at
    assert case.work_item_url == f"/cuentas-y-accesos/{case.pk}/"
    assert list(review_case_list(actor=technician)) == [case]


def test_list_shows_open_cases_to_a_national_technician(staff_client):
    case = open_identity_review()

    response = staff_client.get(LIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert case.subject_name in html
    assert case.work_item_url in html


def test_citizen_cannot_open_the_staff_pages(client, citizen):
    case = open_identity_review()
    client.force_login(citizen)

    assert client.get(LIST).status_code == 403
    assert client.get(case.work_item_url).status_code == 403
    response = client.post(reverse("accounts_review:approve", args=[case.pk]), {"reason": ""})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == "open"


def test_department_technician_does_not_reach_national_cases(client, make_user):
    department = DepartmentFactory()
    local = make_user(role="technician", scope_kind="department", target=department)
    case = open_identity_review()
    client.force_login(local)

    assert list(review_case_list(actor=local)) == []
    assert client.get(case.work_item_url).status_code == 404
    response = client.post(reverse("accounts_review:approve", args=[case.pk]), {"reason": "ok"})
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == "open"
    assert User.objects.filter(dui=case.registration.dui).count() == 0


def test_approving_activates_the_account_on_the_person_on_file(staff_client, technician):
    case = open_identity_review()
    detail = staff_client.get(case.work_item_url)

    response = staff_client.post(
        reverse("accounts_review:approve", args=[case.pk]),
        {"reason": "Verificado por teléfono con la persona."},
    )

    assert detail.status_code == 200
    assert "Beatriz" in detail.content.decode()
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.resolved_by_id) == ("approved", technician.pk)
    registration = RegistrationRequest.objects.get()
    assert registration.status == "active"
    user = User.objects.get(dui=registration.dui)
    assert user.person_id == case.person_id
    assert user.check_password(PASSWORD)
    assert user.person.first_names == "Beatriz"  # the record on file keeps its names
    assert user.person.email == "ana.lopez@example.sv"
    approve = AuditEvent.objects.get(action="reviewcase.approve")
    assert (approve.actor_id, approve.role, approve.scope) == (
        technician.pk,
        "technician",
        "Nacional",
    )
    assert approve.payload["reason"] == "Verificado por teléfono con la persona."
    assert (approve.from_state, approve.to_state) == ("open", "approved")
    activated = AuditEvent.objects.get(action="registrationrequest.approve_identity")
    assert (activated.actor_id, activated.from_state, activated.to_state) == (
        technician.pk,
        "identity_review",
        "active",
    )
    assert emails("registration_activated")[0].to_address == "ana.lopez@example.sv"


def test_rejecting_needs_a_reason_and_changes_nothing_without_one(staff_client):
    case = open_identity_review()
    before = (actions(), OutboxMessage.objects.count())

    response = staff_client.post(reverse("accounts_review:reject", args=[case.pk]), {"reason": ""})

    assert response.status_code == 400
    assert "Indique el motivo del rechazo." in response.content.decode()
    case.refresh_from_db()
    assert case.status == "open"
    assert RegistrationRequest.objects.get().status == "identity_review"
    assert (actions(), OutboxMessage.objects.count()) == before


def test_rejecting_with_a_reason_leaves_no_account_and_tells_the_applicant(staff_client):
    case = open_identity_review()

    response = staff_client.post(
        reverse("accounts_review:reject", args=[case.pk]),
        {"reason": "La persona no pudo confirmar sus datos."},
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.resolution_reason) == (
        "rejected",
        "La persona no pudo confirmar sus datos.",
    )
    registration = RegistrationRequest.objects.get()
    assert (registration.status, registration.password_hash) == ("rejected", "")
    assert User.objects.count() == 1  # only the technician
    assert actions(action__startswith="reviewcase.") == ["reviewcase.opened", "reviewcase.reject"]
    assert AuditEvent.objects.get(action="reviewcase.reject").payload["reason"] == (
        "La persona no pudo confirmar sus datos."
    )
    [message] = emails("registration_rejected")
    assert "La persona no pudo confirmar sus datos." in message.body_text


def test_a_decided_case_cannot_be_decided_again(staff_client):
    case = open_identity_review()
    staff_client.post(reverse("accounts_review:reject", args=[case.pk]), {"reason": "No."})
    before = actions()

    response = staff_client.post(reverse("accounts_review:approve", args=[case.pk]), {})

    assert response.status_code == 409
    assert "no es posible en el estado" in response.content.decode()
    assert actions() == before
    assert User.objects.count() == 1


def test_api_lists_approves_and_rejects(technician):
    first = open_identity_review(1, email="uno@example.sv")
    second = open_identity_review(2, email="dos@example.sv")
    api = Client()
    api.force_login(technician)

    listing = api.get(reverse("v1:account-review-list"))
    approved = api.post(
        reverse("v1:account-review-approve", args=[first.pk]),
        {"reason": "Documento verificado."},
        content_type="application/json",
    )
    missing_reason = api.post(
        reverse("v1:account-review-reject", args=[second.pk]),
        {"reason": ""},
        content_type="application/json",
    )
    rejected = api.post(
        reverse("v1:account-review-reject", args=[second.pk]),
        {"reason": "Datos inconsistentes."},
        content_type="application/json",
    )

    assert listing.status_code == 200
    assert [row["id"] for row in listing.json()["results"]] == [first.pk, second.pk]
    assert listing.json()["results"][0]["url"] == first.work_item_url
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert User.objects.filter(dui=first.registration.dui).exists()
    assert missing_reason.status_code == 400
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    assert not User.objects.filter(dui=second.registration.dui).exists()


def test_api_hides_cases_from_non_reviewers(citizen):
    case = open_identity_review()
    api = Client()
    api.force_login(citizen)

    assert api.get(reverse("v1:account-review-list")).status_code == 403
    assert api.get(reverse("v1:account-review-detail", args=[case.pk])).status_code == 404
    response = api.post(
        reverse("v1:account-review-approve", args=[case.pk]), {}, content_type="application/json"
    )
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == "open"


@pytest.mark.parametrize("rows", [1, 6])
def test_list_page_query_count_does_not_grow_with_rows(
    staff_client, django_assert_num_queries, rows
):
    for n in range(rows):
        open_identity_review(n, email=f"persona{n}@example.sv")

    # 1 the technician (the session comes from the cache), 2 their grants (scopes; reused by
    # the navigation), 3 COUNT for the paginator, 4 the unread in-app count (notifications'
    # context processor), 5 the page of cases (no joins: the list shows only the case's own
    # columns), 6-8 savepoint, UPDATE, release: the session's last-activity stamp (idle
    # timeout).
    with django_assert_num_queries(8):
        response = staff_client.get(LIST)

    assert response.status_code == 200
    assert response.content.decode().count("/cuentas-y-accesos/") >= rows


def test_birth_date_unknown_on_file_compares_names_only(client):
    PersonFactory(
        dui=make_dui(55_000_001), first_names="Ana María", last_names="López Pérez", birth_date=None
    )
    registration_submit(**applicant_data(birth_date=date(1980, 1, 1)))
    public_id, token = link_parts(last_link("registration_verify"))

    registration = registration_verify(public_id=public_id, token=token)

    assert registration.status == "active"
    assert ReviewCase.objects.count() == 0
