"""Spanish labels of the audit codes written by ``core`` itself (the trail, the workflow engine
and the accounts), registered from ``AuditConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

from .registry import (
    FieldLabel,
    register_action_labels,
    register_field_labels,
    register_object_type_labels,
    register_state_labels,
)


def register() -> None:
    from core.accounts.choices import Role, ScopeKind
    from core.workflow import TASK_STATUS_LABELS

    register_object_type_labels(
        {
            "access": _("Accesos denegados"),
            "accounts.user": _("Cuenta de usuario"),
            "accounts.person": _("Persona"),
            "audit.auditevent": _("Auditoría"),
            "viewflow.task": _("Tarea de un trámite"),
            "viewflow.process": _("Trámite"),
            "partition": _("Partición de una tabla por año escolar"),
        }
    )
    register_action_labels(
        {
            "access.denied": _("Acceso denegado"),
            "audit.exported": _("Auditoría exportada"),
            "auth.login": _("Inicio de sesión"),
            "auth.logout": _("Cierre de sesión"),
            "auth.login_failed": _("Intento de ingreso fallido"),
            "auth.locked_out": _("Cuenta bloqueada por intentos fallidos"),
            "auth.session_expired": _("Sesión cerrada por vencimiento"),
            "account.created": _("Cuenta creada"),
            "account.access_changed": _("Acceso de la cuenta modificado"),
            "account.password_changed": _("Contraseña cambiada"),
            "account.terms_accepted": _("Aviso de conformidad aceptado"),
            "person.updated": _("Datos personales actualizados"),
            "person.email_verified": _("Correo electrónico verificado"),
            "person.email_bounced": _("Correo electrónico rebotado"),
            "person.dui_confirmed": _("DUI confirmado"),
            "role.granted": _("Rol otorgado"),
            "role.revoked": _("Rol retirado"),
            "task.assign": _("Tarea tomada"),
            "task.unassign": _("Tarea liberada"),
            "task.reassign": _("Tarea reasignada"),
            "task.execute": _("Tarea realizada"),
            "task.cancel": _("Tarea cancelada"),
            "task.undo": _("Tarea deshecha"),
            "task.revive": _("Tarea reactivada"),
            "partition.created": _("Partición de año escolar creada"),
            "partition.detached": _("Año escolar desprendido de la tabla viva"),
            "partition.archived": _("Año escolar archivado"),
        }
    )
    register_state_labels("accounts.user", {"active": _("Activa")})
    register_state_labels("viewflow.task", TASK_STATUS_LABELS)
    register_field_labels(
        {
            "number": _("Número de caso"),
            "reason": _("Motivo"),
            "path": _("Página"),
            "method": _("Método"),
            "channel": _("Canal"),
            "dui": _("DUI"),
            "failures": _("Intentos fallidos"),
            "fields": FieldLabel(_("Campos"), kind="keys"),
            "changed_fields": FieldLabel(_("Campos modificados"), kind="keys"),
            "changed": FieldLabel(_("Cambios"), kind="keys"),
            "filters": _("Filtros"),
            "grant_id": _("Asignación de rol n.º"),
            "role": FieldLabel(_("Rol"), choices=dict(Role.choices)),
            "scope_kind": FieldLabel(_("Ámbito"), choices=dict(ScopeKind.choices)),
            "target_id": _("Destino n.º"),
            "api_tokens_revoked": _("Tokens de la API revocados"),
            "by_administrator": _("Por un administrador"),
            "usable": _("Contraseña utilizable"),
            "flow": _("Flujo"),
            "node": _("Paso"),
            "process_id": _("Trámite n.º"),
            "owner_before": FieldLabel(_("Responsable anterior"), kind="user"),
            "owner_after": FieldLabel(_("Responsable nuevo"), kind="user"),
            "before": _("Antes"),
            "after": _("Después"),
            "outbox_message_id": _("Mensaje n.º"),
            "first_names": _("Nombres"),
            "last_names": _("Apellidos"),
            "email": _("Correo electrónico"),
            "phone": _("Teléfono"),
            "is_active": _("Activa"),
            "is_staff": _("Acceso a la administración"),
            "is_superuser": _("Superusuario"),
        }
    )
