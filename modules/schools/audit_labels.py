"""Spanish names of the school registry's audit codes (registered from ``SchoolsConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from core.audit.registry import (
    FieldLabel,
    register_action_labels,
    register_field_labels,
    register_object_type_labels,
    register_state_labels,
)

from .choices import Regimen, SchoolClassification, SchoolSector, Shift, Zone


def register() -> None:
    register_object_type_labels(
        {
            "schools.school": _("Centro educativo"),
            "schools.section": _("Sección"),
            "schools.district": _("Distritos"),
        }
    )
    register_action_labels(
        {
            "school.created": _("Centro educativo registrado"),
            "school.updated": _("Centro educativo modificado"),
            "section.created": _("Sección creada"),
            "section.updated": _("Sección modificada"),
            "district.catalogue_imported": _("Catálogo de distritos importado"),
        }
    )
    for object_type in ("schools.school", "schools.section"):
        register_state_labels(object_type, {"active": _("Activo"), "inactive": _("Inactivo")})
    register_field_labels(
        {
            "code": _("Código"),
            "name": _("Nombre"),
            "sector": FieldLabel(_("Sector"), choices=dict(SchoolSector.choices)),
            "classification": FieldLabel(
                _("Clasificación"), choices=dict(SchoolClassification.choices)
            ),
            "zone": FieldLabel(_("Zona"), choices=dict(Zone.choices)),
            "municipality": _("Municipio"),
            "district": _("Distrito"),
            "address": _("Dirección"),
            "attached_to": _("Anexo a"),
            "school_id": _("Centro educativo n.º"),
            "school_year": _("Año lectivo"),
            "grade": _("Grado"),
            "shift": FieldLabel(_("Turno"), choices=dict(Shift.choices)),
            "regimen": FieldLabel(_("Régimen"), choices=dict(Regimen.choices)),
            "source": _("Origen"),
            "rows": _("Filas"),
            "created": _("Creados"),
            "updated": _("Actualizados"),
        }
    )
