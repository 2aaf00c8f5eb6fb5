"""The family demo data (``manage.py seed_demo``): the demo guardian's conversation and
permission request wait in the Bandeja of the demo teacher (now the homeroom teacher of the
child's section) and of the director; a second run adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from core.accounts.models import User
from core.work import WorkFilters, work_queue
from modules.family.models import Conversation, PermissionRequest

pytestmark = pytest.mark.django_db

TEACHER, DIRECTOR, GUARDIAN = "02026003-6", "02026006-0", "02026002-8"


def _kinds(dui):
    items = work_queue(actor=User.objects.get(dui=dui), filters=WorkFilters()).available.items
    return sorted(
        item.kind
        for item in items
        if item.source in ("Mensaje de familia", "Permiso de inasistencia")
    )


def test_the_demo_guardian_waits_for_the_demo_teacher_and_director():
    call_command("seed_demo", "--force", stdout=StringIO())

    conversation = Conversation.objects.get()
    permission = PermissionRequest.objects.get()
    assert conversation.guardian.dui == GUARDIAN
    assert (conversation.status, permission.status) == ("open", "requested")
    assert conversation.section.homeroom_teacher.user.dui == TEACHER
    for dui in (TEACHER, DIRECTOR):
        assert _kinds(dui) == ["absence_permission", "family_message"]

    call_command("seed_demo", "--force", stdout=StringIO())

    assert (Conversation.objects.count(), PermissionRequest.objects.count()) == (1, 1)
