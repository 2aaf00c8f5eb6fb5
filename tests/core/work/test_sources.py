"""core.work: the sources (tickets, any viewflow flow's tasks, account reviews), how the
Bandeja merges them by due time, its filters and counts, and the bulk claim and assign."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from viewflow.workflow.models import Task

from core.accounts.services import role_grant
from core.audit.models import AuditEvent
from core.work import (
    ItemRef,
    ModelWorkItemSource,
    QueueCount,
    SourceResult,
    WorkFilters,
    WorkItemSource,
    get_source,
    register_source,
    unregister_source,
    work_queue,
    work_queue_assign,
    work_queue_claim,
    work_sources,
)
from core.workflow import task_action
from helpdesk.models import Queue, Ticket
from helpdesk.services import (
    ticket_cancel,
    ticket_claim,
    ticket_reply,
    ticket_resolve,
    ticket_set_priority,
)
from tests.factories import DepartmentFactory
from tests.helpdesk.conftest import make_queue, make_service, make_team, open_ticket

from .conftest import open_identity_review, start_review

pytestmark = pytest.mark.django_db


def keys(section) -> list[tuple[str, str]]:
    return [(item.kind, item.id) for item in section.items]


def owner_of(task: Task) -> int | None:
    return Task.objects.filter(pk=task.pk).values_list("owner_id", flat=True).get()


def assignee_of(ticket: Ticket) -> int | None:
    return Ticket.objects.filter(pk=ticket.pk).values_list("assignee_id", flat=True).get()


@pytest.fixture
def mixed(clock, technician, requester, service):
    """Monday 9:00 ticket A, 9:30 ticket B; A answered (its next deadline becomes resolution,
    Tuesday 9:00); an identity review due Wednesday 9:30; one task of the test flow."""
    first = open_ticket(requester, service, description="Primera")
    clock.advance(minutes=30)
    second = open_ticket(requester, service, description="Segunda")
    ticket_reply(actor=technician, ticket=first, body="Estamos revisando su caso.")
    case = open_identity_review()
    task = start_review()
    return {"first": first, "second": second, "case": case, "task": task}


# --- Registry --------------------------------------------------------------------------------


def test_the_help_desk_sources_come_first_and_account_reviews_register_from_their_app():
    found = [source.key for source in work_sources()]

    assert found[:2] == ["ticket", "task"]
    assert "account_review" in found
    review = get_source("account_review")
    assert isinstance(review, ModelWorkItemSource)
    assert review.queue_key == "cuentas-y-accesos"


class _FakeSource(WorkItemSource):
    key = "prueba"
    label = "Prueba"

    def collect(self, *, actor, filters, limit, now):
        return SourceResult([], [], [QueueCount("cola-falsa", "Cola falsa", 1, 2)])


def test_a_registered_source_is_merged_and_can_be_removed(technician):
    register_source(_FakeSource())
    try:
        bandeja = work_queue(actor=technician)
        chip = next(chip for chip in bandeja.queues if chip.key == "cola-falsa")
        assert (chip.assigned, chip.available) == (1, 2)
        assert ("prueba", "Prueba") in bandeja.kinds
    finally:
        unregister_source("prueba")
    assert get_source("prueba") is None


def test_a_source_key_with_a_colon_is_refused():
    fake = _FakeSource()
    fake.key = "mala:clave"
    with pytest.raises(ValueError, match="without ':'"):
        register_source(fake)
    assert get_source("mala:clave") is None


# --- Merging ---------------------------------------------------------------------------------


def test_items_are_merged_by_due_time_with_undated_items_last(technician, mixed):
    bandeja = work_queue(actor=technician)

    first, second, case, task = mixed["first"], mixed["second"], mixed["case"], mixed["task"]
    # B's first response is due Monday 11:30; A was answered, so its resolution (Tuesday 9:00);
    # the review is due Wednesday 9:30; the flow task has no due time.
    assert keys(bandeja.available) == [
        ("ticket", second.number),
        ("ticket", first.number),
        ("account_review", str(case.pk)),
        ("task", str(task.pk)),
    ]
    assert [item.due_state for item in bandeja.available.items] == ["near_due", "", "", ""]
    assert bandeja.available.total == 4
    assert bandeja.assigned.items == []
    assert bandeja.assigned.total == 0
    assert [(c.key, c.label, c.assigned, c.available) for c in bandeja.queues] == [
        ("pruebas", "Cola pruebas", 0, 2),
        ("cuentas-y-accesos", "Cuentas y accesos", 0, 1),
        ("flujo-workflowapp-review", "Revisión de prueba", 0, 1),
    ]


def test_each_kind_of_item_carries_what_the_list_shows(technician, mixed):
    items: dict = {}
    for item in work_queue(actor=technician).available.items:
        items.setdefault(item.kind, item)  # the first of each kind: ticket B, due soonest

    ticket = mixed["second"]
    assert items["ticket"].title == "Servicio consulta"
    assert items["ticket"].subtitle == f"{ticket.number} · Servicio consulta · {ticket.requester}"
    assert items["ticket"].url == f"/mesa/casos/{ticket.number}/"
    assert items["ticket"].status_label == "Nuevo"
    assert (items["ticket"].priority, items["ticket"].priority_label) == ("normal", "Normal")
    assert items["ticket"].due_at == ticket.first_response_due_at
    assert (items["ticket"].claimable, items["ticket"].assignable) == (True, True)

    task = mixed["task"]
    assert items["task"].title == f"Revisión de prueba n.º {task.process_id}"
    assert items["task"].subtitle == "Review"
    assert items["task"].queue_label == "Revisión de prueba"
    assert items["task"].status_label == "Pendiente"
    assert items["task"].url == f"/procesos/tareas/{task.pk}/"
    assert items["task"].due_at is None
    assert (items["task"].claimable, items["task"].assignable) == (True, False)

    case = mixed["case"]
    assert items["account_review"].title == "Revisión de identidad: Ana María López Pérez"
    assert items["account_review"].url == f"/cuentas-y-accesos/{case.pk}/"
    assert items["account_review"].due_at == case.due_at
    assert items["account_review"].status_label == "Pendiente"
    assert (items["account_review"].claimable, items["account_review"].assignable) == (
        False,
        False,
    )


def test_claimed_items_move_to_assigned_to_me_and_leave_the_others_lists(
    make_user, queue, technician, mixed
):
    colleague = make_user(role="technician")
    make_team(queue, colleague)
    ticket_claim(actor=technician, ticket=mixed["first"])
    task_action(actor=technician, task=mixed["task"], action="assign")

    mine = work_queue(actor=technician)
    theirs = work_queue(actor=colleague)

    assert keys(mine.assigned) == [
        ("ticket", mixed["first"].number),
        ("task", str(mixed["task"].pk)),
    ]
    assert all(item.assigned_to_me and not item.claimable for item in mine.assigned.items)
    assert [chip.assigned for chip in mine.queues] == [1, 0, 1]
    assert keys(theirs.available) == [
        ("ticket", mixed["second"].number),
        ("account_review", str(mixed["case"].pk)),
    ]
    assert theirs.assigned.total == 0


def test_the_ticket_chip_counts_only_active_tickets_that_are_mine_or_nobodys(
    make_user, queue, requester, service, technician
):
    colleague = make_user(role="technician")
    make_team(queue, colleague)
    mine, theirs, resolved, cancelled, free = [
        open_ticket(requester, service, description=f"Caso {n}") for n in range(5)
    ]
    ticket_claim(actor=technician, ticket=mine)
    ticket_claim(actor=colleague, ticket=theirs)
    ticket_claim(actor=technician, ticket=resolved)
    ticket_resolve(actor=technician, ticket=resolved)
    ticket_cancel(actor=requester, ticket=cancelled)

    bandeja = work_queue(actor=technician, filters=WorkFilters(kind="ticket"))

    assert [(chip.key, chip.assigned, chip.available) for chip in bandeja.queues] == [
        ("pruebas", 1, 1)
    ]
    assert keys(bandeja.assigned) == [("ticket", mine.number)]
    assert keys(bandeja.available) == [("ticket", free.number)]


def test_the_section_is_cut_to_its_limit_and_says_there_is_more(technician, mixed):
    bandeja = work_queue(actor=technician, limit=2)

    assert keys(bandeja.available) == [
        ("ticket", mixed["second"].number),
        ("ticket", mixed["first"].number),
    ]
    assert bandeja.available.total == 4
    assert bandeja.available.has_more is True
    assert bandeja.assigned.has_more is False


# --- Scope ---------------------------------------------------------------------------------------


def test_tickets_of_queues_not_served_are_not_listed(make_user, requester, sla_policy, technician):
    other_queue = make_queue("otra-cola")
    open_ticket(requester, make_service(other_queue, sla_policy, code="otro"))

    bandeja = work_queue(actor=technician)

    assert bandeja.available.items == []
    assert [chip.key for chip in bandeja.queues] == ["pruebas"]


def test_a_department_supervisor_sees_nothing_of_a_national_queue(make_user, mixed):
    local = make_user(role="supervisor", scope_kind="department", target=DepartmentFactory())

    bandeja = work_queue(actor=local)

    # The queue is national; the test flow is for technicians; review cases are national.
    assert bandeja.available.items == []
    assert bandeja.queues == []


def test_flow_tasks_are_listed_only_to_who_may_take_them(supervisor, mixed):
    # The test flow offers its review to technicians: a supervisor sees the tickets and the
    # review case of their scope, not the flow task.
    bandeja = work_queue(actor=supervisor)

    assert [item.kind for item in bandeja.available.items] == ["ticket", "ticket", "account_review"]


def test_people_without_a_staff_role_have_no_workqueue(citizen):
    with pytest.raises(PermissionDenied):
        work_queue(actor=citizen)


# --- Filters -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (WorkFilters(kind="task"), ["task"]),
        (WorkFilters(kind="account_review"), ["case"]),
        (WorkFilters(queue="pruebas"), ["second", "first"]),
        (WorkFilters(queue="flujo-workflowapp-review"), ["task"]),
        (WorkFilters(queue="no-existe"), []),
        (WorkFilters(text="prueba"), ["task"]),  # the flow's name
        (WorkFilters(text="lópez"), ["case"]),  # the applicant's name
        (WorkFilters(text="  Servicio   consulta "), ["second", "first"]),  # the subject
    ],
)
def test_filters_narrow_the_lists(technician, mixed, filters, expected):
    bandeja = work_queue(actor=technician, filters=filters)

    wanted = {
        name: (kind, getattr(mixed[name], "number", None) or str(mixed[name].pk))
        for name, kind in [("first", "ticket"), ("second", "ticket")]
    }
    wanted["case"] = ("account_review", str(mixed["case"].pk))
    wanted["task"] = ("task", str(mixed["task"].pk))
    assert keys(bandeja.available) == [wanted[name] for name in expected]
    assert bandeja.available.total == len(expected)


def test_the_text_filter_finds_a_ticket_by_number(technician, mixed):
    bandeja = work_queue(actor=technician, filters=WorkFilters(text=mixed["first"].number))

    assert keys(bandeja.available) == [("ticket", mixed["first"].number)]


# "²" and "١٢" are digits to str.isdigit(): int("²") failed (the Bandeja answered 500) and a
# task's or a case's number typed in Arabic-Indic digits found it. Only ASCII digits are a number.
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_a_number_search_that_is_not_plain_digits_finds_nothing(technician, mixed):
    bandeja = work_queue(actor=technician, filters=WorkFilters(text="²"))

    assert keys(bandeja.available) == []


@pytest.mark.parametrize(
    ("item", "kind", "queue_key"),
    [("task", "task", "flujo-workflowapp-review"), ("case", "account_review", "")],
)
def test_a_task_or_case_number_is_searched_in_ascii_digits_only(
    technician, mixed, item, kind, queue_key
):
    number = str(mixed[item].pk)

    def found(text):
        return keys(
            work_queue(actor=technician, filters=WorkFilters(text=text, queue=queue_key)).available
        )

    assert (kind, number) in found(number)
    assert found(number.translate(ARABIC_INDIC)) == []


def test_a_task_number_searched_without_a_queue_is_listed_as_its_chip_counts_it(technician, mixed):
    # A number matches no flow's or task's name: the task is found by its own number (or its
    # process's), with every queue shown, and listed where its chip counts it.
    number = str(mixed["task"].pk)

    bandeja = work_queue(actor=technician, filters=WorkFilters(text=number))

    assert ("task", number) in keys(bandeja.available)
    chips = {chip.key: chip.available for chip in bandeja.queues}
    listed = [item for item in bandeja.available.items if item.kind == "task"]
    assert chips["flujo-workflowapp-review"] == len(listed) >= 1


def test_the_priority_filter_leaves_only_tickets_of_that_priority(technician, mixed):
    ticket_set_priority(actor=technician, ticket=mixed["first"], priority="high")

    bandeja = work_queue(actor=technician, filters=WorkFilters(priority="high"))

    assert keys(bandeja.available) == [("ticket", mixed["first"].number)]
    assert [(chip.key, chip.available) for chip in bandeja.queues] == [("pruebas", 1)]


def test_overdue_only_keeps_what_is_past_its_due_time(clock, technician, mixed):
    clock.set(clock.at(0, 12))  # Monday noon: B's first response (11:30) is late

    bandeja = work_queue(actor=technician, filters=WorkFilters(overdue_only=True))

    assert keys(bandeja.available) == [("ticket", mixed["second"].number)]
    assert bandeja.available.items[0].overdue is True
    clock.set(clock.at(2, 10))  # Wednesday 10:00: A's resolution and the review are late too
    later = work_queue(actor=technician, filters=WorkFilters(overdue_only=True))
    assert keys(later.available) == [
        ("ticket", mixed["second"].number),
        ("ticket", mixed["first"].number),
        ("account_review", str(mixed["case"].pk)),
    ]


def test_a_queue_filter_keeps_every_chip(technician, mixed):
    bandeja = work_queue(actor=technician, filters=WorkFilters(queue="cuentas-y-accesos"))

    assert [chip.key for chip in bandeja.queues] == [
        "pruebas",
        "cuentas-y-accesos",
        "flujo-workflowapp-review",
    ]
    assert bandeja.available.total == 1


def test_a_help_desk_queue_and_review_cases_of_the_same_queue_share_one_chip(
    requester, sla_policy, technician
):
    accounts = Queue.objects.get(code="cuentas-y-accesos")
    Queue.objects.filter(pk=accounts.pk).update(assignment_mode="manual")
    make_team(accounts, technician)
    open_ticket(requester, make_service(accounts, sla_policy, code="acceso"))
    open_identity_review()

    chips = {chip.key: chip for chip in work_queue(actor=technician).queues}

    assert (chips["cuentas-y-accesos"].label, chips["cuentas-y-accesos"].available) == (
        "Cuentas y accesos",
        2,
    )


# --- Bulk claim ----------------------------------------------------------------------------------


def test_bulk_claim_takes_each_item_and_reports_per_item(
    make_user, queue, requester, service, technician, mixed
):
    colleague = make_user(role="technician")
    make_team(queue, colleague)
    ticket_claim(actor=colleague, ticket=mixed["second"])  # taken before our claim
    outside = open_ticket(requester, make_service(make_queue("ajena"), service.sla_policy, "x"))
    refs = [
        ItemRef("ticket", mixed["first"].number),
        ItemRef("ticket", mixed["second"].number),
        ItemRef("task", str(mixed["task"].pk)),
        ItemRef("account_review", str(mixed["case"].pk)),
        ItemRef("ticket", outside.number),
        ItemRef("desconocido", "1"),
        ItemRef("ticket", mixed["first"].number),  # a repeated item is handled once
    ]

    results = work_queue_claim(actor=technician, items=refs)

    assert [(r.kind, r.id, r.ok, r.code) for r in results] == [
        ("ticket", mixed["first"].number, True, "claimed"),
        ("ticket", mixed["second"].number, False, "already_claimed"),
        ("task", str(mixed["task"].pk), True, "claimed"),
        ("account_review", str(mixed["case"].pk), False, "not_supported"),
        ("ticket", outside.number, False, "not_found"),
        ("desconocido", "1", False, "unknown_kind"),
    ]
    assert results[1].message == "Otra persona tomó este caso antes que usted."
    assert assignee_of(mixed["first"]) == technician.pk
    assert assignee_of(mixed["second"]) == colleague.pk
    assert assignee_of(outside) is None
    assert owner_of(mixed["task"]) == technician.pk


def test_claiming_a_task_someone_else_took_says_so_and_changes_nothing(
    make_user, queue, technician, mixed
):
    colleague = make_user(role="technician")
    task_action(actor=colleague, task=mixed["task"], action="assign")
    events = AuditEvent.objects.count()

    [result] = work_queue_claim(actor=technician, items=[ItemRef("task", str(mixed["task"].pk))])

    assert (result.ok, result.code, result.message) == (
        False,
        "already_claimed",
        "Otra persona tomó esta tarea antes que usted.",
    )
    assert owner_of(mixed["task"]) == colleague.pk
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("item_id", ["²", "task"])
def test_a_task_id_that_is_not_plain_digits_is_not_found_and_nothing_is_claimed(
    technician, mixed, item_id
):
    item_id = str(mixed["task"].pk).translate(ARABIC_INDIC) if item_id == "task" else item_id
    events = AuditEvent.objects.count()

    [result] = work_queue_claim(actor=technician, items=[ItemRef("task", item_id)])

    assert (result.ok, result.code) == (False, "not_found")
    assert owner_of(mixed["task"]) is None
    assert AuditEvent.objects.count() == events


def test_claiming_my_own_task_again_is_reported(technician, mixed):
    task_action(actor=technician, task=mixed["task"], action="assign")

    [result] = work_queue_claim(actor=technician, items=[ItemRef("task", str(mixed["task"].pk))])

    assert (result.ok, result.code) == (False, "already_yours")


def test_a_task_the_actor_may_not_take_is_not_found(supervisor, mixed):
    [result] = work_queue_claim(actor=supervisor, items=[ItemRef("task", str(mixed["task"].pk))])

    assert (result.ok, result.code) == (False, "not_found")
    assert owner_of(mixed["task"]) is None


def test_bulk_claim_needs_a_staff_role(citizen, mixed):
    with pytest.raises(PermissionDenied):
        work_queue_claim(actor=citizen, items=[ItemRef("ticket", mixed["first"].number)])
    assert assignee_of(mixed["first"]) is None


# --- Bulk assign (supervisors) ------------------------------------------------------------------


def test_a_supervisor_assigns_tickets_and_hears_why_other_items_were_not(
    supervisor, technician, mixed
):
    refs = [
        ItemRef("ticket", mixed["first"].number),
        ItemRef("task", str(mixed["task"].pk)),
        ItemRef("account_review", str(mixed["case"].pk)),
    ]

    results = work_queue_assign(actor=supervisor, items=refs, assignee=technician)

    assert [(r.kind, r.ok, r.code) for r in results] == [
        ("ticket", True, "assigned"),
        ("task", False, "not_found"),  # the test flow's tasks are not the supervisor's to see
        ("account_review", False, "not_supported"),
    ]
    assert results[0].message == f"Asignado a {technician.get_full_name()}."
    assert results[2].message == "Los casos de cuentas y accesos se deciden desde su página."
    assert assignee_of(mixed["first"]) == technician.pk
    assert owner_of(mixed["task"]) is None


@pytest.fixture
def boss(make_user):
    """A supervisor who is also a technician: the test flow's tasks are theirs to see."""
    user = make_user(role="supervisor")
    role_grant(user=user, role="technician", scope_kind="national", target=None)
    return user


def test_a_task_claimed_from_the_bandeja_is_audited_under_the_role_its_node_names(boss, mixed):
    # Given a supervisor who is also a technician, and a task of a node for technicians
    task = mixed["task"]

    # When they take it from the Bandeja
    [result] = work_queue_claim(actor=boss, items=[ItemRef("task", str(task.pk))])

    # Then the audit event says they acted as a technician (the node's role), not as the more
    # senior supervisor
    assert (result.ok, result.code) == (True, "claimed")
    assert owner_of(task) == boss.pk
    event = AuditEvent.objects.filter(actor=boss).latest("pk")
    assert event.role == "technician"


def test_sources_say_which_roles_have_their_items(make_user, mixed):
    director = make_user(role="director")

    # A director holds no help-desk role: the ticket and review sources are not asked at all
    # (the academics source of the day's attendance and the family sources are theirs)
    served = [source.key for source in work_sources() if source.serves(director)]
    assert served == ["task", "asistencia", "family_message", "absence_permission"]
    bandeja = work_queue(actor=director)
    assert bandeja.kinds == [
        ("task", "Tarea"),
        ("asistencia", "Asistencia"),
        ("family_message", "Mensaje de familia"),
        ("absence_permission", "Permiso de inasistencia"),
    ]
    assert (bandeja.assigned.total, bandeja.available.total) == (0, 0)


def test_an_unassigned_task_is_not_assigned_by_a_supervisor(boss, technician, mixed):
    [result] = work_queue_assign(
        actor=boss, items=[ItemRef("task", str(mixed["task"].pk))], assignee=technician
    )

    assert (result.ok, result.code) == (False, "not_supported")
    assert result.message == "Una tarea sin asignar la toma quien la realizará desde su bandeja."
    assert owner_of(mixed["task"]) is None


def test_assigning_to_someone_who_does_not_serve_the_queue_is_refused(make_user, supervisor, mixed):
    outsider = make_user(role="technician")  # in no team

    [result] = work_queue_assign(
        actor=supervisor, items=[ItemRef("ticket", mixed["first"].number)], assignee=outsider
    )

    assert (result.ok, result.code) == (False, "invalid_assignee")
    assert result.message == "Esa persona no atiende la cola «Cola pruebas»."
    assert assignee_of(mixed["first"]) is None


def test_a_supervisor_may_reassign_a_taken_task_only_as_a_flow_manager(
    make_user, boss, technician, mixed
):
    # Reassigning a taken task needs the flow's manage permission (viewflow's rule, enforced
    # by core.workflow); a help-desk supervisor does not have it.
    colleague = make_user(role="technician")
    task_action(actor=colleague, task=mixed["task"], action="assign")
    events = AuditEvent.objects.count()

    [result] = work_queue_assign(
        actor=boss, items=[ItemRef("task", str(mixed["task"].pk))], assignee=technician
    )

    assert (result.ok, result.code) == (False, "forbidden")
    assert owner_of(mixed["task"]) == colleague.pk
    assert AuditEvent.objects.count() == events


def test_a_flow_manager_reassigns_a_taken_task(make_user, boss, technician, mixed):
    from django.contrib.auth.models import Permission

    boss.user_permissions.add(Permission.objects.get(codename="manage_process"))
    boss = type(boss).objects.get(pk=boss.pk)  # no cached permissions
    colleague = make_user(role="technician")
    task_action(actor=colleague, task=mixed["task"], action="assign")

    [result] = work_queue_assign(
        actor=boss, items=[ItemRef("task", str(mixed["task"].pk))], assignee=technician
    )

    assert (result.ok, result.code) == (True, "assigned")
    assert owner_of(mixed["task"]) == technician.pk
    event = AuditEvent.objects.filter(action="task.reassign").get()
    assert (event.actor_id, event.payload["owner_before"], event.payload["owner_after"]) == (
        boss.pk,
        colleague.pk,
        technician.pk,
    )


def test_a_task_is_not_reassigned_to_someone_who_may_not_do_it(make_user, boss, technician, mixed):
    task_action(actor=technician, task=mixed["task"], action="assign")

    [result] = work_queue_assign(
        actor=boss,
        items=[ItemRef("task", str(mixed["task"].pk))],
        assignee=make_user(role="citizen"),
    )

    assert (result.ok, result.code) == (False, "invalid_assignee")
    assert owner_of(mixed["task"]) == technician.pk


def test_only_supervisors_assign(technician, mixed):
    with pytest.raises(PermissionDenied):
        work_queue_assign(
            actor=technician,
            items=[ItemRef("ticket", mixed["first"].number)],
            assignee=technician,
        )
    assert assignee_of(mixed["first"]) is None


def test_item_refs_parse_kind_and_id():
    assert ItemRef.parse("ticket:MA-2026-000001") == ItemRef("ticket", "MA-2026-000001")
    assert ItemRef.parse("task:12") == ItemRef("task", "12")
    assert ItemRef.parse("sin-dos-puntos") is None
    assert ItemRef.parse(":1") is None
    assert ItemRef.parse("ticket:") is None


def test_due_state_uses_the_near_due_window(settings, clock):
    from core.work import due_state

    now = clock.now
    settings.SIGES_BANDEJA_NEAR_DUE = timedelta(hours=1)
    assert due_state(None, now) == ""
    assert due_state(now - timedelta(seconds=1), now) == "overdue"
    assert due_state(now + timedelta(minutes=59), now) == "near_due"
    assert due_state(now + timedelta(hours=2), now) == ""


# --- Hooks a flow may use --------------------------------------------------------------------


def test_a_flow_summary_template_titles_its_tasks(monkeypatch, technician):
    from tests.workflowapp.flows import ReviewFlow

    monkeypatch.setattr(
        ReviewFlow, "process_summary_template", "Solicitud: {{ process.data.title }}"
    )
    task = start_review("Beca & transporte")

    [item] = work_queue(actor=technician).available.items

    assert (item.kind, item.id) == ("task", str(task.pk))
    assert item.title == "Solicitud: Beca & transporte"  # plain text, escaped by the page


def test_a_node_may_say_which_of_its_tasks_a_person_may_take(monkeypatch, technician, supervisor):
    from django.db.models import Q

    from tests.workflowapp.flows import ReviewFlow

    wanted, other = start_review("Para supervisores"), start_review("Otra")
    # A rule that depends on the process (here, its id) and lets supervisors in, not technicians.
    monkeypatch.setattr(
        ReviewFlow.review,
        "work_queue_q",
        lambda user: Q(process_id=wanted.process_id) if user.pk == supervisor.pk else None,
        raising=False,
    )

    assert keys(work_queue(actor=supervisor).available) == [("task", str(wanted.pk))]
    assert work_queue(actor=technician).available.items == []
    [result] = work_queue_claim(actor=supervisor, items=[ItemRef("task", str(other.pk))])
    assert (result.ok, result.code) == (False, "not_found")
    assert owner_of(other) is None
