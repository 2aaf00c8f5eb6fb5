"""Spanish names of the import engine's audit codes (registered from ``ImportsConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from core.audit.registry import (
    register_action_labels,
    register_object_type_labels,
    register_state_labels,
)

from .lifecycles import JobStatus


def register() -> None:
    register_object_type_labels({"imports.importjob": _("Importación")})
    register_action_labels(
        {
            "importjob.uploaded": _("Archivo de importación recibido"),
            "importjob.pass_check": _("Revisión sin errores"),
            "importjob.fail_check": _("Revisión con errores"),
            "importjob.start": _("Importación solicitada"),
            "importjob.begin": _("Importación iniciada"),
            "importjob.finish": _("Importación terminada"),
            "importjob.fail": _("Importación fallida"),
        }
    )
    register_state_labels("imports.importjob", dict(JobStatus.choices))
