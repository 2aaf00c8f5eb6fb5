"""Pages of the web shell that belong to no app: the per-role home and the health check."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from core.accounts.choices import Role
from core.accounts.scopes import active_grants

# The home page shows the panel of the user's most senior role first.
ROLE_PRIORITY = [
    Role.ADMINISTRATOR,
    Role.AUDITOR,
    Role.MINISTRY_OFFICER,
    Role.DEPARTMENTAL_OFFICER,
    Role.DIRECTOR,
    Role.SUPERVISOR,
    Role.TECHNICIAN,
    Role.TEACHER,
    Role.GUARDIAN,
    Role.CITIZEN,
]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    grants = active_grants(request.user)
    roles = {grant.role for grant in grants}
    primary = next((role for role in ROLE_PRIORITY if role in roles), Role.CITIZEN)
    return render(
        request,
        "home.html",
        {"primary_role": primary, "primary_role_label": Role(primary).label, "grants": grants},
    )


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
