"""Pages of the web shell that belong to no app: the home page (public for anonymous visitors;
once signed in, the panels apps register for each role in ``core.shell``) and the health check."""

from dataclasses import dataclass

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from core.accounts.choices import Role, ScopeKind
from core.accounts.scopes import active_grants, load_grant_targets
from core.shell import PanelEntry, panel_entries

# The home page shows the panel of the user's most senior role first.
ROLE_PRIORITY = [
    Role.ADMINISTRATOR,
    Role.AUDITOR,
    Role.MINISTRY_OFFICER,
    Role.TITLE_AUTHENTICATOR,
    Role.PRINT_CENTRE,
    Role.DEPARTMENTAL_OFFICER,
    Role.HR_OFFICER,
    Role.FINANCE_REVIEWER,
    Role.DIRECTOR,
    Role.REGISTRAR,
    Role.TREASURER,
    Role.SUPERVISOR,
    Role.TECHNICIAN,
    Role.TEACHER,
    Role.GUARDIAN,
    Role.CITIZEN,
]


@dataclass(frozen=True)
class PanelLink:
    label: str
    url: str | None
    description: str


def _resolve(entry: PanelEntry, request: HttpRequest) -> PanelLink:
    url = None
    if entry.url_name is not None:
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            url = None
    # Django's admin only lets staff in; an administrator without it would meet a login wall.
    if entry.url_name == "admin:index" and not request.user.is_staff:
        url = None
    return PanelLink(label=str(entry.label), url=url, description=str(entry.description))


def role_panels(request: HttpRequest, roles: set[str]) -> list[dict]:
    """Panels for the roles held, most senior first (the first one is the primary panel)."""
    held = [role for role in ROLE_PRIORITY if role in roles] or [Role.CITIZEN]
    return [
        {
            "role": role,
            "label": Role(role).label,
            "links": [_resolve(entry, request) for entry in panel_entries(role)],
        }
        for role in held
    ]


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        # What SIGES is and what anyone can do without an account; touches no table.
        return render(request, "public_home.html")
    # The page names each grant's scope target: loaded once per kind, not per grant.
    grants = load_grant_targets(active_grants(request.user))
    panels = role_panels(request, {grant.role for grant in grants})
    grant_rows = [
        {
            "role": grant.get_role_display(),
            "scope_kind": grant.get_scope_kind_display(),
            "target": None
            if grant.scope_kind == ScopeKind.NATIONAL
            else getattr(grant, grant.scope_kind),
            "valid_from": grant.valid_from,
            "valid_until": grant.valid_until,
        }
        for grant in grants
    ]
    return render(
        request,
        "home.html",
        {
            "panels": panels,
            "primary_role": panels[0]["role"],
            "primary_role_label": panels[0]["label"],
            "grants": grant_rows,
        },
    )


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
