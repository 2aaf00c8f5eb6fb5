"""Configuration is audited: queues, teams and membership, SLA policies, services and technician
availability change through helpdesk.services.config, and the Django admin goes through it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.forms import BooleanField
from django.urls import reverse

from core.audit.models import AuditEvent
from helpdesk.models import Queue, Service, SlaPriorityTarget, Team, TechnicianStatus
from helpdesk.services import (
    config_delete,
    config_save,
    config_set_related,
    technician_set_availability,
)
from tests.helpdesk.conftest import make_queue, make_service

pytestmark = pytest.mark.django_db


def events(action: str, obj) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).order_by("pk")
    )


@pytest.fixture
def admin_user(make_user):
    user = make_user(role="administrator")
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def form_data(response) -> dict:
    """What the admin's change form would post back unchanged (main form and inlines)."""
    data: dict = {}

    def add(form) -> None:
        for name, field in form.fields.items():
            bound = form[name]
            value = field.prepare_value(bound.value())
            if isinstance(field, BooleanField):
                if value:
                    data[bound.html_name] = "on"
            elif value is None:
                data[bound.html_name] = ""
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(item) for item in value]
            else:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            if form.instance.pk is not None:
                add(form)
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(
            sum(1 for form in formset.forms if form.instance.pk is not None)
        )
    return data


# --- Services ------------------------------------------------------------------------------------


def test_creating_then_changing_a_queue_is_audited_with_before_and_after(admin_user):
    queue = config_save(actor=admin_user, instance=Queue(code="becas", name="Becas"))

    queue.name = "Becas y ayudas"
    config_save(actor=admin_user, instance=queue)

    [created] = events("config.created", queue)
    assert created.payload["after"]["name"] == "Becas"
    assert created.actor_id == admin_user.pk
    assert created.role == "administrator"
    [changed] = events("config.changed", queue)
    assert changed.payload == {"before": {"name": "Becas"}, "after": {"name": "Becas y ayudas"}}
    assert Queue.objects.get(pk=queue.pk).name == "Becas y ayudas"


def test_saving_without_a_change_writes_no_event(admin_user):
    queue = make_queue("sin-cambios")

    config_save(actor=admin_user, instance=Queue.objects.get(pk=queue.pk))

    assert events("config.changed", queue) == []


def test_someone_without_the_permission_changes_nothing(make_user):
    queue = make_queue("ajena")
    supervisor = make_user(role="supervisor")
    queue.name = "Otra"

    with pytest.raises(PermissionDenied):
        config_save(actor=supervisor, instance=queue)
    with pytest.raises(PermissionDenied):
        config_delete(actor=supervisor, instance=queue)

    assert Queue.objects.get(pk=queue.pk).name == "Cola ajena"
    assert AuditEvent.objects.filter(object_type="helpdesk.queue").count() == 0


def test_records_that_are_not_configuration_are_refused(admin_user, requester, service):
    from tests.helpdesk.conftest import open_ticket

    ticket = open_ticket(requester, service)

    with pytest.raises(ValueError, match="not configuration"):
        config_save(actor=admin_user, instance=ticket)


def test_team_membership_is_audited_with_who_joined_and_left(admin_user, make_user):
    ana, beto, carla = (make_user(role="technician") for _ in range(3))
    team = Team.objects.create(name="Equipo de prueba")
    team.members.set([ana, beto])

    config_set_related(actor=admin_user, instance=team, field="members", values=[beto, carla])
    config_set_related(actor=admin_user, instance=team, field="members", values=[carla, beto])

    [event] = events("config.members_changed", team)  # the second set changed nothing
    assert event.payload == {
        "field": "members",
        "before": sorted([ana.pk, beto.pk]),
        "after": sorted([beto.pk, carla.pk]),
        "added": [carla.pk],
        "removed": [ana.pk],
    }
    assert set(team.members.all()) == {beto, carla}


def test_technician_availability_is_audited_with_before_and_after(technician):
    technician_set_availability(actor=technician, technician=technician, available=False)

    [event] = AuditEvent.objects.filter(action="helpdesk.availability_changed")
    assert event.payload["before"] == {"available": True}
    assert event.payload["after"] == {"available": False}


# --- The admin goes through the services -------------------------------------------------------


def test_an_admin_edit_of_a_queue_writes_an_audit_event(admin_client, admin_user):
    queue = make_queue("admin")
    url = reverse("admin:helpdesk_queue_change", args=[queue.pk])
    data = form_data(admin_client.get(url))
    data["name"] = "Cola renombrada"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    [event] = events("config.changed", queue)
    assert event.payload == {"before": {"name": "Cola admin"}, "after": {"name": "Cola renombrada"}}
    assert event.actor_id == admin_user.pk


def test_an_admin_edit_of_a_team_audits_its_membership(admin_client, make_user, queue):
    team = Team.objects.create(name="Equipo admin")
    newcomer = make_user(role="technician")
    url = reverse("admin:helpdesk_team_change", args=[team.pk])
    data = form_data(admin_client.get(url))
    data["members"] = [str(newcomer.pk)]
    data["queues"] = [str(queue.pk)]

    assert admin_client.post(url, data).status_code == 302

    changes = {
        event.payload["field"]: event.payload for event in events("config.members_changed", team)
    }
    assert changes["members"]["added"] == [newcomer.pk]
    assert changes["queues"]["added"] == [queue.pk]
    assert list(team.members.all()) == [newcomer]


def test_an_admin_added_sla_target_is_audited_on_its_own_record(admin_client, sla_policy):
    url = reverse("admin:helpdesk_slapolicy_change", args=[sla_policy.pk])
    data = form_data(admin_client.get(url))
    prefix = "priority_targets"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    data[f"{prefix}-{total}-priority"] = "high"
    data[f"{prefix}-{total}-first_response_target"] = "01:00:00"
    data[f"{prefix}-{total}-resolution_target"] = "04:00:00"
    data[f"{prefix}-{total}-policy"] = str(sla_policy.pk)

    assert admin_client.post(url, data).status_code == 302

    target = SlaPriorityTarget.objects.get(policy=sla_policy, priority="high")
    assert target.first_response_target == timedelta(hours=1)
    [event] = events("config.created", target)
    assert event.payload["after"]["priority"] == "high"
    assert event.payload["after"]["first_response_target"] == 3600.0


def test_an_admin_deletion_of_a_service_is_audited_with_what_it_held(
    admin_client, queue, sla_policy
):
    service = make_service(queue, sla_policy, code="borrable")
    pk = service.pk

    response = admin_client.post(
        reverse("admin:helpdesk_service_delete", args=[pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Service.objects.filter(pk=pk).exists()
    [event] = AuditEvent.objects.filter(
        action="config.deleted", object_type="helpdesk.service", object_id=str(pk)
    )
    assert event.payload["before"]["code"] == "borrable"


def test_an_admin_change_of_availability_is_audited(admin_client, technician):
    status = TechnicianStatus.objects.create(user=technician, available=True)
    url = reverse("admin:helpdesk_technicianstatus_change", args=[status.pk])
    data = form_data(admin_client.get(url))
    data.pop("available", None)  # unticked

    assert admin_client.post(url, data).status_code == 302

    assert TechnicianStatus.objects.get(pk=status.pk).available is False
    [event] = events("config.changed", status)
    assert event.payload == {"before": {"available": True}, "after": {"available": False}}


def test_the_policy_list_still_opens(admin_client, sla_policy):
    response = admin_client.get(reverse("admin:helpdesk_slapolicy_changelist"))

    assert response.status_code == 200
    assert sla_policy.name in response.content.decode()
    assert AuditEvent.objects.filter(object_type="helpdesk.slapolicy").count() == 0
