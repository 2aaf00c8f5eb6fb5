"""Pages of the web shell that belong to no app: the home page (public for anonymous visitors,
per role once signed in) and the health check."""

from dataclasses import dataclass

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.accounts.choices import Role, ScopeKind
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


@dataclass(frozen=True)
class PanelEntry:
    """One thing a role can do from the home page.

    ``url_name`` is ``None`` for a page that does not exist yet; so is a name that does not resolve
    (an app not installed yet). Either way the entry is shown as plain text marked "próximamente",
    never as a dead link, and it lights up by itself once the page exists.
    """

    label: Promise
    url_name: str | None = None
    description: Promise | str = ""


@dataclass(frozen=True)
class PanelLink:
    label: str
    url: str | None
    description: str


_INBOX = PanelEntry(_("Bandeja"), None, _("Los casos y tareas asignados a usted o a su equipo."))
# Help-desk staff: their tickets, flow tasks and account reviews (helpdesk/workqueue.py).
_WORKQUEUE = PanelEntry(
    _("Bandeja"), "helpdesk:workqueue", _("Los casos y tareas asignados a usted o a su equipo.")
)
# The citizen portal of the help desk (helpdesk/views/portal.py).
_CATALOGUE = PanelEntry(
    _("Trámites"), "helpdesk:catalogue", _("Catálogo de trámites: solicite el que necesita.")
)
_MY_TICKETS = PanelEntry(
    _("Mis trámites"), "helpdesk:my_tickets", _("Solicitudes y su seguimiento.")
)
_SCHOOLS = PanelEntry(
    _("Centros educativos"), "schools:directory", _("Directorio de centros educativos.")
)
_AUDIT = PanelEntry(
    _("Auditoría"), "audit:event_list", _("Historial de eventos, verificación y exportación.")
)

ROLE_PANELS: dict[str, list[PanelEntry]] = {
    Role.ADMINISTRATOR: [
        PanelEntry(
            _("Administración"),
            "admin:index",
            _("Catálogo de servicios, colas, equipos, políticas de atención y roles."),
        ),
        _AUDIT,
    ],
    Role.AUDITOR: [_AUDIT],
    Role.MINISTRY_OFFICER: [
        _INBOX,
        PanelEntry(_("Presupuestos"), None, _("Revisión y asignación de presupuestos escolares.")),
        _SCHOOLS,
    ],
    Role.DEPARTMENTAL_OFFICER: [
        _INBOX,
        PanelEntry(_("Títulos"), None, _("Confirmación de solicitudes de títulos.")),
        _SCHOOLS,
    ],
    Role.DIRECTOR: [
        _INBOX,
        PanelEntry(_("Mi centro educativo"), None, _("Datos del centro, personal y presupuesto.")),
    ],
    Role.SUPERVISOR: [
        _WORKQUEUE,
        PanelEntry(_("Colas y equipos"), None, _("Reasignación y seguimiento de tiempos.")),
    ],
    Role.TECHNICIAN: [_WORKQUEUE],
    Role.TEACHER: [
        PanelEntry(_("Mis secciones"), None, _("Asistencia y calificaciones de sus secciones.")),
    ],
    Role.GUARDIAN: [
        PanelEntry(_("Mis hijos"), None, _("Matrícula, asistencia y calificaciones.")),
        _MY_TICKETS,
    ],
    Role.CITIZEN: [
        _CATALOGUE,
        _MY_TICKETS,
        _SCHOOLS,
    ],
}


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
            "links": [_resolve(entry, request) for entry in ROLE_PANELS[role]],
        }
        for role in held
    ]


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        # What SIGES is and what anyone can do without an account; touches no table.
        return render(request, "public_home.html")
    # active_grants loads each grant's scope target with it: no query per grant below.
    grants = active_grants(request.user)
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
