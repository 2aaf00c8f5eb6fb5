"""The conduct ledger and Media recovery pages and API: through the services (audited),
scoped (404 outside, nothing changed), refused cases leave nothing written, fixed queries."""

from datetime import date

import pytest
from django.urls import reverse

from core.accounts.choices import Role
from core.audit.models import AuditEvent
from modules.academics.models import ConductEntry, RecoveryGrade
from tests.factories import create_user

from .conftest import enroll, make_section
from .test_closing import _fill

pytestmark = pytest.mark.django_db


def _state():
    return (
        list(ConductEntry.objects.order_by("pk").values_list("enrollment_id", "demerits")),
        list(RecoveryGrade.objects.order_by("pk").values_list("enrollment_id", "score")),
        AuditEvent.objects.filter(
            action__in=["conduct.recorded", "grades.recovery_recorded"]
        ).count(),
    )


@pytest.fixture
def media(db):
    section = make_section(grade_code="BG1")
    teacher = create_user(role=Role.TEACHER, scope_kind="section", target=section)
    return section, teacher


# --- Conduct --------------------------------------------------------------------------------


def test_a_teacher_records_demerits_with_a_reason_and_sees_the_totals(client, section, teacher):
    child, other = enroll(section, 2)
    client.force_login(teacher)
    url = reverse("academics:conduct", args=[section.pk])

    response = client.post(
        url,
        {
            "enrollment": child.pk,
            "kind": "demeritos",
            "points": "4",
            "reason": "Uso del celular en clase",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"{url}?estudiante={child.pk}"
    entry = ConductEntry.objects.get()
    assert (entry.enrollment_id, entry.demerits, entry.reason, entry.recorded_by_id) == (
        child.pk,
        4,
        "Uso del celular en clase",
        teacher.pk,
    )
    assert AuditEvent.objects.filter(action="conduct.recorded").count() == 1
    page = client.get(response["Location"])
    totals = {row.enrollment_id: row.total for row in page.context["sheet"].students}
    assert totals == {child.pk: 4, other.pk: 0}
    assert [line.reason for line in page.context["sheet"].entries] == ["Uso del celular en clase"]


def test_a_refused_conduct_entry_keeps_the_form_and_writes_nothing(client, section, teacher):
    (child,) = enroll(section, 1)
    client.force_login(teacher)
    before = _state()

    response = client.post(
        reverse("academics:conduct", args=[section.pk]),
        {"enrollment": child.pk, "kind": "demeritos", "points": "20", "reason": "  "},
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"points", "reason"}
    assert _state() == before


def test_a_future_date_is_refused_by_the_service(client, section, teacher):
    (child,) = enroll(section, 1)
    client.force_login(teacher)
    before = _state()

    response = client.post(
        reverse("academics:conduct", args=[section.pk]),
        {
            "enrollment": child.pk,
            "kind": "demeritos",
            "points": "2",
            "reason": "Tarde",
            "day": "31/12/2099",
        },
    )

    assert response.status_code == 400
    assert "La fecha no puede ser futura." in response.content.decode()
    assert _state() == before


def test_conduct_outside_the_scope_is_404_and_changes_nothing(client, section, teacher):
    elsewhere = make_section(name="Z")
    (stranger,) = enroll(elsewhere, 1)
    client.force_login(teacher)
    before = _state()

    page = client.post(
        reverse("academics:conduct", args=[elsewhere.pk]),
        {"enrollment": stranger.pk, "kind": "demeritos", "points": "3", "reason": "X"},
    )
    api = client.post(
        reverse("v1:academics-conduct", args=[stranger.pk]),
        {"demerits": 3, "reason": "X"},
        content_type="application/json",
    )
    listing = client.get(reverse("v1:academics-section-conduct", args=[elsewhere.pk]))

    assert [page.status_code, api.status_code, listing.status_code] == [404, 404, 404]
    assert _state() == before


def test_an_officer_reads_the_ledger_but_cannot_write(client, section):
    (child,) = enroll(section, 1)
    officer = create_user(
        role=Role.DEPARTMENTAL_OFFICER,
        scope_kind="department",
        target=section.school.municipality.department,
    )
    client.force_login(officer)
    url = reverse("academics:conduct", args=[section.pk])
    before = _state()

    page = client.get(url)
    refused = client.post(
        url, {"enrollment": child.pk, "kind": "meritos", "points": "1", "reason": "X"}
    )

    assert page.status_code == 200
    assert page.context["can_write"] is False
    assert refused.status_code == 403
    assert _state() == before


def test_the_conduct_api_lists_the_section_and_one_enrollment(client, section, teacher):
    child, other = enroll(section, 2)
    client.force_login(teacher)
    for enrollment, demerits in ((child, 2), (other, 5), (child, 1)):
        created = client.post(
            reverse("v1:academics-conduct", args=[enrollment.pk]),
            {"demerits": demerits, "reason": "Indisciplina", "date": "2026-03-02"},
            content_type="application/json",
        )
        assert created.status_code == 201

    sheet = client.get(reverse("v1:academics-section-conduct", args=[section.pk])).json()
    mine = client.get(reverse("v1:academics-conduct", args=[child.pk])).json()

    merit = client.post(
        reverse("v1:academics-conduct", args=[other.pk]),
        {"merits": 2, "reason": "Ayudó a organizar la feria"},
        content_type="application/json",
    )
    both = client.post(
        reverse("v1:academics-conduct", args=[other.pk]),
        {"merits": 2, "demerits": 1, "reason": "X"},
        content_type="application/json",
    )
    sheet = client.get(reverse("v1:academics-section-conduct", args=[section.pk])).json()

    assert merit.status_code == 201
    assert both.status_code == 400
    assert sheet["limit"] == 15
    assert {row["enrollment"]: (row["total"], row["merits"]) for row in sheet["students"]} == {
        child.pk: (3, 0),
        other.pk: (5, 2),
    }
    assert len(sheet["entries"]) == 4
    assert [(line["demerits"], line["date"]) for line in mine] == [
        (1, "2026-03-02"),
        (2, "2026-03-02"),
    ]


@pytest.mark.parametrize("students", [2, 8])
def test_the_conduct_page_reads_a_fixed_number_of_queries(
    client, section, teacher, students, django_assert_num_queries
):
    enrollments = enroll(section, students)
    client.force_login(teacher)
    for enrollment in enrollments:
        client.post(
            reverse("academics:conduct", args=[section.pk]),
            {"enrollment": enrollment.pk, "kind": "demeritos", "points": "1", "reason": "Tarde"},
        )
    url = reverse("academics:conduct", args=[section.pk])
    client.get(url)

    # user 1 (the session comes from the cache), grants 1, the section 1, students 1, totals
    # (both kinds) 1, lines 1,
    # rule 1,
    # unread messages 1
    with django_assert_num_queries(8):
        response = client.get(url)

    assert len(response.context["sheet"].entries) == students


# --- Recovery -------------------------------------------------------------------------------


def test_the_recovery_page_lists_who_may_sit_it_and_saves_a_mark(client, media):
    section, teacher = media
    _passing, two_failed, _three_failed = enroll(section, 3)
    subjects = _fill(section, teacher, {1: {1: "3", 2: "4"}, 2: {1: "3", 2: "4", 3: "2"}})
    client.force_login(teacher)
    url = reverse("academics:recovery", args=[section.pk])

    sheet = client.get(url).context["sheet"]
    response = client.post(
        url, {"enrollment": two_failed.pk, "subject": subjects[0].pk, "value": "7"}
    )

    assert sheet.max_subjects == 2
    assert [(s.enrollment_id, [c.subject_id for c in s.cells]) for s in sheet.students] == [
        (two_failed.pk, [subjects[0].pk, subjects[1].pk])
    ]
    assert response.status_code == 302
    assert list(RecoveryGrade.objects.values_list("enrollment_id", "subject_id", "score")) == [
        (two_failed.pk, subjects[0].pk, 7)
    ]
    assert AuditEvent.objects.filter(action="grades.recovery_recorded").count() == 1
    cells = client.get(url).context["sheet"].students[0].cells
    assert [(c.recovery, c.passed) for c in cells] == [("7.0", True), ("", False)]


def test_a_refused_recovery_mark_shows_the_reason_and_writes_nothing(client, media):
    section, teacher = media
    _passing, two_failed, three_failed = enroll(section, 3)
    subjects = _fill(section, teacher, {1: {1: "3", 2: "4"}, 2: {1: "3", 2: "4", 3: "2"}})
    client.force_login(teacher)
    url = reverse("academics:recovery", args=[section.pk])
    before = _state()

    out_of_range = client.post(
        url, {"enrollment": two_failed.pk, "subject": subjects[0].pk, "value": "11"}
    )
    too_many = client.post(
        url, {"enrollment": three_failed.pk, "subject": subjects[0].pk, "value": "7"}
    )

    assert out_of_range.status_code == 400
    cell = out_of_range.context["sheet"].students[0].cells[0]
    assert (cell.recovery, cell.error) == ("11", "La calificación debe estar entre 0 y 10.")
    assert too_many.status_code == 400
    assert "la recuperación se permite hasta 2" in too_many.content.decode()
    assert _state() == before


def test_a_basica_section_has_no_recovery(client, section, teacher):
    enroll(section, 1)
    client.force_login(teacher)

    response = client.get(reverse("academics:recovery", args=[section.pk]))

    assert response.status_code == 200
    assert response.context["sheet"].max_subjects == 0
    assert "no tiene pruebas de recuperación" in response.content.decode()


def test_recovery_outside_the_scope_is_404_and_changes_nothing(client, media):
    _section, teacher = media
    elsewhere = make_section(grade_code="BG1", name="Z")
    other_teacher = create_user(role=Role.TEACHER, scope_kind="section", target=elsewhere)
    (stranger,) = enroll(elsewhere, 1)
    subjects = _fill(elsewhere, other_teacher, {0: {1: "3"}})
    client.force_login(teacher)
    before = _state()

    page = client.post(
        reverse("academics:recovery", args=[elsewhere.pk]),
        {"enrollment": stranger.pk, "subject": subjects[0].pk, "value": "7"},
    )
    api = client.put(
        reverse("v1:academics-recovery", args=[stranger.pk, subjects[0].pk]),
        {"value": "7"},
        content_type="application/json",
    )
    sheet = client.get(reverse("v1:academics-recovery-sheet", args=[elsewhere.pk]))

    assert [page.status_code, api.status_code, sheet.status_code] == [404, 404, 404]
    assert _state() == before


def test_the_recovery_api_lists_and_records(client, media):
    section, teacher = media
    _passing, failed = enroll(section, 2)
    subjects = _fill(section, teacher, {1: {1: "3"}})
    client.force_login(teacher)

    sheet = client.get(reverse("v1:academics-recovery-sheet", args=[section.pk])).json()
    saved = client.put(
        reverse("v1:academics-recovery", args=[failed.pk, subjects[0].pk]),
        {"value": "6"},
        content_type="application/json",
    )
    refused = client.put(
        reverse("v1:academics-recovery", args=[failed.pk, subjects[1].pk]),
        {"value": "6"},
        content_type="application/json",
    )

    assert sheet["max_subjects"] == 2
    assert [s["enrollment"] for s in sheet["students"]] == [failed.pk]
    assert sheet["students"][0]["cells"][0]["final"] == "3.0"
    assert saved.status_code == 200
    assert saved.json() == {"enrollment": failed.pk, "subject": subjects[0].pk, "score": "6.00"}
    assert refused.status_code == 409  # that subject was passed
    assert RecoveryGrade.objects.count() == 1


@pytest.mark.parametrize("students", [2, 6])
def test_the_recovery_page_reads_a_fixed_number_of_queries(
    client, media, students, django_assert_num_queries
):
    section, teacher = media
    enroll(section, students)
    _fill(section, teacher, {index: {1: "3"} for index in range(students)})
    client.force_login(teacher)
    url = reverse("academics:recovery", args=[section.pk])
    client.get(url)

    # user 1 (the session comes from the cache), grants 1, the section 1, rule 1, subjects 1,
    # periods 1, concepts 1, students 1, grades 1, recoveries 1, unread messages 1
    with django_assert_num_queries(11):
        response = client.get(url)

    assert len(response.context["sheet"].students) == students


def test_the_schema_documents_the_conduct_and_recovery_endpoints(client):
    paths = client.get(reverse("api-schema"), {"format": "json"}).json()["paths"]

    assert "get" in paths["/api/v1/academico/matriculas/{id}/conducta/"]
    assert "get" in paths["/api/v1/academico/secciones/{id}/conducta/"]
    assert "get" in paths["/api/v1/academico/secciones/{id}/recuperacion/"]
    assert "put" in paths["/api/v1/academico/matriculas/{id}/recuperacion/{subject}/"]


def test_demerits_dated_in_the_past_keep_their_date(client, section, teacher):
    (child,) = enroll(section, 1)
    client.force_login(teacher)

    client.post(
        reverse("academics:conduct", args=[section.pk]),
        {
            "enrollment": child.pk,
            "kind": "demeritos",
            "points": "1",
            "reason": "Tarde",
            "day": "02/03/2026",
        },
    )

    assert ConductEntry.objects.get().date == date(2026, 3, 2)


def test_merits_are_recorded_and_do_not_count_towards_the_limit(client, section, teacher):
    (child,) = enroll(section, 1)
    client.force_login(teacher)
    url = reverse("academics:conduct", args=[section.pk])

    response = client.post(
        url, {"enrollment": child.pk, "kind": "meritos", "points": "3", "reason": "Monitor"}
    )

    assert response.status_code == 302
    entry = ConductEntry.objects.get()
    assert (entry.demerits, entry.merits) == (0, 3)
    (row,) = client.get(url).context["sheet"].students
    assert (row.total, row.merits) == (0, 3)
    assert AuditEvent.objects.get(action="conduct.recorded").payload["merits"] == 3
