"""``seed_demo`` issues the demo graduate's title (fixed code) and leaves a request waiting for
the demo director's signature; the signing step reminds the school's director (never the
requester) and escalates to the departmental officers, once each; the shell links the pages."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.accounts.choices import Role, ScopeKind
from core.accounts.models import User
from core.audit.models import AuditEvent
from core.processes.models import TaskDue
from core.processes.services import task_due_sweep
from core.work.bandeja import work_queue
from core.workflow import process_chain_key
from modules.documents.choices import RequestStatus, TitleStatus
from modules.documents.models import IssuedTitle, TitleRequest
from workflows.titles.flows import TitleFlow

from .conftest import open_task, request_titles, verify

DIRECTOR = "02026006-0"
REGISTRAR = "02026011-7"


@pytest.mark.django_db
def test_seed_demo_issues_a_title_and_leaves_one_to_sign(settings, tmp_path, client):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", "--force", stdout=StringIO())
    call_command("seed_demo", "--force", stdout=StringIO())  # idempotent
    title = IssuedTitle.objects.get(verification_code="DEM020250001")
    assert title.status == TitleStatus.VALID
    assert title.school_code == "DEMO-001"
    assert title.graduation_year == 2025
    assert title.delivered_on is not None
    assert TitleRequest.objects.count() == 2
    waiting = TitleRequest.objects.get(status=RequestStatus.CONFIRMED)
    assert waiting.requested_by.dui == REGISTRAR
    bandeja = work_queue(actor=User.objects.get(dui=DIRECTOR))
    titles = [item.title for item in bandeja.available.items if item.kind == "task"]
    assert any(waiting.number in t for t in titles)
    page = client.get(reverse("documents:verify", args=["DEM0-2025-0001"]))
    assert 'data-title-status="valid"' in page.content.decode()


@pytest.mark.django_db
def test_signing_reminds_the_director_and_escalates(
    make_user, registrar, officer, director, section, graduates, signatories, school
):
    process = request_titles(registrar, section)
    verify(officer, process)
    due = TaskDue.objects.get(task=open_task(process, TitleFlow.sign))
    task_due_sweep(now=due.remind_at)
    task_due_sweep(now=due.remind_at + timedelta(minutes=5))
    task_due_sweep(now=due.due_at + timedelta(minutes=1))
    task_due_sweep(now=due.due_at + timedelta(minutes=6))
    events = AuditEvent.objects.filter(
        chain_key=process_chain_key(process.pk), action__in=["task.remind", "task.escalate"]
    ).order_by("seq")
    assert [(e.action, e.payload["node"], e.payload["recipients"]) for e in events] == [
        ("task.remind", "sign", [director.pk]),
        ("task.escalate", "sign", [officer.pk]),
    ]
    assert school  # the officer's department is the school's


@pytest.mark.django_db
def test_shell_links_the_titles_pages(client, make_user, school):
    officer = make_user(
        role=Role.DEPARTMENTAL_OFFICER,
        scope_kind=ScopeKind.DEPARTMENT,
        target=school.municipality.department,
    )
    client.force_login(officer)
    home = client.get(reverse("home")).content.decode()
    assert reverse("titles:list") in home
    assert "Títulos <span" not in home  # no longer "próximamente"
    registrar = make_user(role=Role.REGISTRAR, scope_kind=ScopeKind.SCHOOL, target=school)
    client.force_login(registrar)
    assert reverse("titles:home") in client.get(reverse("home")).content.decode()
    technician = make_user(role=Role.TECHNICIAN)
    client.force_login(technician)
    diagram = client.get(reverse("diagrams:detail", args=["emision-de-titulos"]))
    assert diagram.status_code == 200
