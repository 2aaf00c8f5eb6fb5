from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "modules.documents"
    label = "documents"
    verbose_name = _("Títulos y documentos")

    def ready(self) -> None:
        from core.audit.registry import register_action_labels, register_object_type_labels
        from core.diagrams import register_diagram
        from core.periodic import register_periodic_task

        from .models import IssuedTitle, TitleRequest

        register_diagram(
            slug="solicitud-de-titulos",
            model=TitleRequest,
            field="status",
            title=_("Solicitud de títulos"),
        )
        register_diagram(
            slug="titulo-emitido", model=IssuedTitle, field="status", title=_("Título emitido")
        )
        # Generations that failed or stalled are queued again (each skips what is issued).
        register_periodic_task(
            "documents-title-generation-sweep",
            task="modules.documents.tasks.title_generation_sweep",
            seconds=600,
            expires=300,
        )
        register_object_type_labels(
            {
                "documents.signatory": _("Firmante de títulos"),
                "documents.titlerequest": _("Solicitud de títulos"),
                "documents.issuedtitle": _("Título emitido"),
            }
        )
        register_action_labels(
            {
                "signatory.registered": _("Firmante registrado"),
                "signatory.appointment_ended": _("Nombramiento de firmante terminado"),
                "title_request.created": _("Solicitud de títulos creada"),
                "title_request.student_excluded": _("Estudiante excluido de la solicitud"),
                "title_request.signed": _("Solicitud firmada por el director"),
                "title_request.countersigned": _("Solicitud refrendada (auténtica)"),
                "title.issued": _("Título emitido"),
                "title.delivered": _("Título entregado al graduado"),
            }
        )
