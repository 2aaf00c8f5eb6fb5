"""The shipped catalogue: SLA policies, one queue per ministry area, and the trámites of
docs/domain.md §8 with their forms. Loaded by migration 0002 and by ``manage.py
helpdesk_load_catalogue``; loading only creates what is missing (matched by code), so edits made
by administrators are never overwritten.

Durations are business time: one working day is 9 hours (7:30-16:30).
"""

from datetime import timedelta
from typing import Any

DAY = timedelta(hours=9)

SLA_POLICIES: list[dict[str, Any]] = [
    {
        "code": "cuentas",
        "name": "Cuentas y accesos",
        "description": "Problemas de acceso: respuesta en 2 horas hábiles, solución en 1 día.",
        "first_response_target": timedelta(hours=2),
        "resolution_target": DAY,
        "priority_targets": [
            ("urgent", timedelta(hours=1), timedelta(hours=4)),
            ("high", timedelta(hours=1), timedelta(hours=6)),
        ],
    },
    {
        "code": "estandar",
        "name": "Estándar",
        "description": "Consultas y trámites breves: respuesta en 4 horas, solución en 3 días.",
        "first_response_target": timedelta(hours=4),
        "resolution_target": 3 * DAY,
        "priority_targets": [
            ("urgent", timedelta(hours=1), DAY),
            ("high", timedelta(hours=2), 2 * DAY),
            ("low", DAY, 5 * DAY),
        ],
    },
    {
        "code": "tramite-5-dias",
        "name": "Trámite de 5 días hábiles",
        "description": "Certificaciones y correcciones: respuesta en 1 día, solución en 5.",
        "first_response_target": DAY,
        "resolution_target": 5 * DAY,
        "priority_targets": [],
    },
    {
        "code": "tramite-10-dias",
        "name": "Trámite de 10 días hábiles",
        "description": "Reposiciones, equivalencias y autenticaciones: respuesta en 1 día, "
        "solución en 10.",
        "first_response_target": DAY,
        "resolution_target": 10 * DAY,
        "priority_targets": [],
    },
]

QUEUES: list[dict[str, Any]] = [
    {
        "code": "soporte-segundo-nivel",
        "name": "Soporte de segundo nivel",
        "description": "Casos escalados por vencimiento de SLA o por su complejidad.",
        "email_local_part": "soporte",
        "assignment_mode": "least_loaded",
        "escalation_queue": None,
    },
    {
        "code": "cuentas-y-accesos",
        "name": "Cuentas y accesos",
        "description": "Registro de cuentas, contraseñas y problemas para ingresar a SIGES.",
        "email_local_part": "cuentas",
        "assignment_mode": "round_robin",
        "escalation_queue": "soporte-segundo-nivel",
    },
    {
        "code": "registro-academico",
        "name": "Registro académico",
        "description": "Matrícula, traslados, certificaciones de notas y datos de estudiantes.",
        "email_local_part": "registro-academico",
        "assignment_mode": "round_robin",
        "escalation_queue": None,
    },
    {
        "code": "acreditacion-y-titulos",
        "name": "Acreditación, títulos y equivalencias",
        "description": "Reposición de títulos, equivalencias de estudios y autenticaciones.",
        "email_local_part": "titulos",
        "assignment_mode": "manual",
        "escalation_queue": None,
    },
    {
        "code": "recursos-humanos",
        "name": "Recursos humanos docentes",
        "description": "Permisos, licencias y datos del personal docente.",
        "email_local_part": "recursos-humanos",
        "assignment_mode": "manual",
        "escalation_queue": None,
    },
    {
        "code": "soporte-tecnologico",
        "name": "Soporte tecnológico",
        "description": "Fallas y consultas sobre el uso de SIGES.",
        "email_local_part": "mesa-de-ayuda",
        "assignment_mode": "least_loaded",
        "escalation_queue": "soporte-segundo-nivel",
    },
]

_MOTIVO_REPOSICION = [
    ["extravio", "Extravío"],
    ["deterioro", "Deterioro"],
    ["robo", "Robo o hurto"],
    ["error", "Error en los datos impresos"],
]
_BACHILLERATO = [
    ["general", "Bachillerato General"],
    ["tecnico", "Bachillerato Técnico Vocacional"],
]
_GRADOS = [
    "Parvularia 4 años",
    "Parvularia 5 años",
    "Parvularia 6 años",
    *[f"{n}.º grado" for n in range(1, 10)],
    "1.º año de bachillerato",
    "2.º año de bachillerato",
    "3.º año de bachillerato (técnico)",
]


def _f(key: str, label: str, field_type: str, *, required: bool = True, **extra: Any) -> dict:
    return {"key": key, "label": label, "field_type": field_type, "required": required, **extra}


SERVICES: list[dict[str, Any]] = [
    {
        "code": "registro-de-cuenta",
        "name": "Registro de cuenta",
        "description": "Cree su cuenta de SIGES con su DUI para hacer trámites en línea y "
        "consultar la información de sus hijos.",
        "queue": "cuentas-y-accesos",
        "sla_policy": "cuentas",
        "workflow_key": "registration",
        "fields": [
            _f("dui", "DUI", "dui"),
            _f("correo", "Correo electrónico", "email"),
            _f("telefono", "Teléfono de contacto", "phone", required=False),
            _f(
                "perfil",
                "Se registra como",
                "choice",
                choices=[
                    ["responsable", "Madre, padre o responsable"],
                    ["docente", "Docente"],
                    ["director", "Director o directora de centro educativo"],
                    ["ciudadano", "Otra persona"],
                ],
            ),
        ],
    },
    {
        "code": "recuperacion-de-contrasena",
        "name": "Recuperación de contraseña",
        "description": "Si no puede ingresar con su DUI y contraseña, le ayudamos a recuperar "
        "el acceso.",
        "queue": "cuentas-y-accesos",
        "sla_policy": "cuentas",
        "workflow_key": "password_reset",
        "default_priority": "high",
        "fields": [
            _f("dui", "DUI de la cuenta", "dui"),
            _f("correo", "Correo electrónico registrado", "email", required=False),
            _f(
                "problema",
                "¿Qué ocurre?",
                "choice",
                choices=[
                    ["olvido", "Olvidé mi contraseña"],
                    ["sin_correo", "Ya no tengo acceso a mi correo"],
                    ["bloqueo", "Mi cuenta está bloqueada"],
                ],
            ),
        ],
    },
    {
        "code": "reposicion-de-titulo",
        "name": "Reposición de título de bachiller",
        "description": "Solicite un nuevo título de bachiller por extravío, deterioro, robo o "
        "error en los datos. Requiere resolución publicada.",
        "queue": "acreditacion-y-titulos",
        "sla_policy": "tramite-10-dias",
        # The app that runs the replacement (workflows/titles).
        "workflow_key": "titles",
        "fields": [
            _f("nombre_en_titulo", "Nombre completo como aparece en el título", "text"),
            _f("nie", "NIE", "nie", required=False, help_text="Si lo conoce."),
            _f("codigo_centro", "Código del centro educativo donde se graduó", "school"),
            _f("anio_graduacion", "Año de graduación", "integer"),
            _f("bachillerato", "Bachillerato", "choice", choices=_BACHILLERATO),
            _f("motivo", "Motivo de la reposición", "choice", choices=_MOTIVO_REPOSICION),
            _f(
                "numero_resolucion",
                "Número de la resolución publicada",
                "text",
                help_text="La resolución que autoriza la reposición, por ejemplo 2026-0153.",
            ),
            _f(
                "constancia",
                "Denuncia o constancia (PDF o imagen)",
                "file",
                required=False,
                help_text="Obligatoria en caso de robo.",
            ),
        ],
    },
    {
        "code": "certificacion-de-notas",
        "name": "Certificación de notas",
        "description": "Certificación de las calificaciones de uno o varios grados cursados.",
        "queue": "registro-academico",
        "sla_policy": "tramite-5-dias",
        "fields": [
            _f("nie", "NIE del estudiante", "nie"),
            _f("nombre_estudiante", "Nombre completo del estudiante", "text"),
            _f("codigo_centro", "Código del centro educativo", "school"),
            _f("grados", "Grados a certificar", "text", help_text="Por ejemplo: 7.º a 9.º grado."),
            _f("anio_desde", "Desde el año", "integer"),
            _f("anio_hasta", "Hasta el año", "integer"),
            _f(
                "finalidad",
                "Finalidad",
                "choice",
                choices=[
                    ["continuidad", "Continuar estudios en el país"],
                    ["extranjero", "Estudios en el extranjero"],
                    ["laboral", "Trámite laboral"],
                    ["otro", "Otro"],
                ],
            ),
        ],
    },
    {
        "code": "equivalencia-de-estudios",
        "name": "Equivalencia de estudios",
        "description": "Reconocimiento de estudios realizados en el extranjero para continuar "
        "en el sistema educativo salvadoreño.",
        "queue": "acreditacion-y-titulos",
        "sla_policy": "tramite-10-dias",
        "fields": [
            _f("nombre_estudiante", "Nombre completo del estudiante", "text"),
            _f("fecha_nacimiento", "Fecha de nacimiento", "date"),
            _f("pais", "País donde realizó los estudios", "text"),
            _f("ultimo_grado", "Último grado aprobado en el extranjero", "text"),
            _f("grado_solicitado", "Grado en el que desea matricularse", "choice", choices=_GRADOS),
            _f(
                "certificado",
                "Certificado de estudios apostillado (PDF)",
                "file",
                help_text="Escaneado en PDF o imagen, máximo 10 MB.",
            ),
        ],
    },
    {
        "code": "solicitud-de-matricula",
        "name": "Solicitud de matrícula",
        "description": "Solicite un cupo para matricular a un estudiante en un centro educativo "
        "público.",
        "queue": "registro-academico",
        "sla_policy": "estandar",
        "fields": [
            _f("nombre_estudiante", "Nombre completo del estudiante", "text"),
            _f("fecha_nacimiento", "Fecha de nacimiento", "date"),
            _f("nie", "NIE", "nie", required=False, help_text="Si ya estudió en el país."),
            _f("grado", "Grado", "choice", choices=_GRADOS),
            _f("codigo_centro", "Código del centro educativo solicitado", "school"),
            _f("anio_lectivo", "Año lectivo", "integer"),
            _f("dui_responsable", "DUI de la persona responsable", "dui"),
            _f("telefono", "Teléfono de contacto", "phone"),
        ],
    },
    {
        "code": "traslado-entre-centros",
        "name": "Traslado entre centros educativos",
        "description": "Traslado de un estudiante a otro centro educativo durante el año.",
        "queue": "registro-academico",
        "sla_policy": "tramite-5-dias",
        "fields": [
            _f("nie", "NIE del estudiante", "nie"),
            _f("codigo_centro_origen", "Código del centro de origen", "school"),
            _f("codigo_centro_destino", "Código del centro de destino", "school"),
            _f(
                "motivo",
                "Motivo",
                "choice",
                choices=[
                    ["domicilio", "Cambio de domicilio"],
                    ["inseguridad", "Inseguridad"],
                    ["acoso", "Acoso escolar"],
                    ["economico", "Situación económica"],
                    ["otro", "Otro"],
                ],
            ),
            _f(
                "constancia",
                "Constancia de cupo del centro de destino",
                "file",
                required=False,
            ),
        ],
    },
    {
        "code": "correccion-de-datos-personales",
        "name": "Corrección de datos personales",
        "description": "Corrección de nombres, apellidos, fecha de nacimiento o sexo en su "
        "propio registro o en el de un estudiante a su cargo.",
        "queue": "registro-academico",
        "sla_policy": "tramite-5-dias",
        # The app that runs the process (workflows/data_correction).
        "workflow_key": "data_correction",
        "fields": [
            _f(
                "registro",
                "Registro a corregir",
                "choice",
                choices=[
                    ["propio", "Mis propios datos"],
                    ["docente", "Mis datos como docente"],
                    ["responsable", "Mis datos como madre, padre o responsable"],
                    ["estudiante", "Un estudiante a mi cargo"],
                ],
            ),
            _f(
                "nombre_estudiante",
                "Nombre completo del estudiante (si es un estudiante)",
                "text",
                required=False,
            ),
            _f("nie", "NIE (si es un estudiante)", "nie", required=False),
            _f("dui", "DUI (si es una persona adulta)", "dui", required=False),
            _f(
                "codigo_centro",
                "Código del centro educativo (del estudiante o del docente)",
                "text",
                required=False,
            ),
            _f(
                "dato",
                "Dato a corregir",
                "choice",
                choices=[
                    ["nombres", "Nombres"],
                    ["apellidos", "Apellidos"],
                    ["nacimiento", "Fecha de nacimiento"],
                    ["sexo", "Sexo"],
                ],
            ),
            _f("valor_actual", "Cómo aparece ahora", "text"),
            _f(
                "valor_correcto",
                "Cómo debe aparecer",
                "text",
                help_text="Fechas como 14/03/2016; sexo como Femenino o Masculino.",
            ),
            _f(
                "respaldo",
                "Documento de respaldo (partida de nacimiento o DUI)",
                "file",
            ),
        ],
    },
    {
        "code": "autenticacion-de-documentos",
        "name": "Autenticación de documentos",
        "description": "Autenticación de títulos y certificaciones para trámites en el país o "
        "en el extranjero.",
        "queue": "acreditacion-y-titulos",
        "sla_policy": "tramite-10-dias",
        "fields": [
            _f(
                "tipo_documento",
                "Documento",
                "choice",
                choices=[
                    ["titulo", "Título de bachiller"],
                    ["certificacion", "Certificación de notas"],
                    ["diploma", "Diploma"],
                    ["otro", "Otro"],
                ],
            ),
            _f("cantidad", "Cantidad de documentos", "integer"),
            _f("pais_destino", "País donde lo presentará", "text", required=False),
            _f("documento", "Copia del documento", "file"),
        ],
    },
    {
        "code": "permiso-o-licencia-docente",
        "name": "Permiso o licencia docente",
        "description": "Solicitud de permiso o licencia del personal docente.",
        "queue": "recursos-humanos",
        "sla_policy": "tramite-5-dias",
        "any_citizen": False,
        "allowed_roles": ["teacher", "director"],
        "fields": [
            _f("nip", "NIP", "text"),
            _f("codigo_centro", "Código del centro educativo", "school"),
            _f(
                "tipo",
                "Tipo de licencia",
                "choice",
                choices=[
                    ["enfermedad", "Enfermedad"],
                    ["maternidad", "Maternidad"],
                    ["paternidad", "Paternidad"],
                    ["duelo", "Duelo"],
                    ["estudios", "Estudios"],
                    ["personal_con_goce", "Personal con goce de sueldo"],
                    ["personal_sin_goce", "Personal sin goce de sueldo"],
                ],
            ),
            _f("fecha_inicio", "Desde", "date"),
            _f("fecha_fin", "Hasta", "date"),
            _f("constancia", "Constancia (incapacidad, acta, etc.)", "file", required=False),
        ],
    },
    {
        "code": "problema-con-siges",
        "name": "Problema con el sistema SIGES",
        "description": "Reporte fallas o haga consultas sobre el uso del sistema.",
        "queue": "soporte-tecnologico",
        "sla_policy": "estandar",
        "fields": [
            _f(
                "modulo",
                "Parte del sistema",
                "choice",
                choices=[
                    ["portal", "Portal de familias"],
                    ["matricula", "Matrícula"],
                    ["notas", "Notas y asistencia"],
                    ["titulos", "Títulos"],
                    ["finanzas", "Finanzas escolares"],
                    ["otro", "Otro"],
                ],
            ),
            _f("telefono", "Teléfono de contacto", "phone", required=False),
            _f("captura", "Captura de pantalla", "file", required=False),
        ],
    },
]


def load_catalogue(apps: Any) -> dict[str, int]:
    """Create the missing policies, queues, services and fields; return how many were created.

    ``apps`` is a registry (a migration's historical one, or ``django.apps.apps``).
    """
    sla_policy = apps.get_model("helpdesk", "SlaPolicy")
    priority_target = apps.get_model("helpdesk", "SlaPriorityTarget")
    queue_model = apps.get_model("helpdesk", "Queue")
    service_model = apps.get_model("helpdesk", "Service")
    field_model = apps.get_model("helpdesk", "ServiceField")
    created = {"policies": 0, "queues": 0, "services": 0}

    policies = {}
    for spec in SLA_POLICIES:
        data = {k: v for k, v in spec.items() if k not in ("code", "priority_targets")}
        policy, was_created = sla_policy.objects.get_or_create(code=spec["code"], defaults=data)
        policies[spec["code"]] = policy
        if was_created:
            created["policies"] += 1
            for priority, first_response, resolution in spec["priority_targets"]:
                priority_target.objects.create(
                    policy=policy,
                    priority=priority,
                    first_response_target=first_response,
                    resolution_target=resolution,
                )

    queues = {}
    for spec in QUEUES:
        data = {k: v for k, v in spec.items() if k not in ("code", "escalation_queue")}
        queue, was_created = queue_model.objects.get_or_create(code=spec["code"], defaults=data)
        queues[spec["code"]] = queue
        if was_created:
            created["queues"] += 1
            if spec["escalation_queue"]:
                queue.escalation_queue = queues[spec["escalation_queue"]]
                queue.save(update_fields=["escalation_queue"])

    for order, spec in enumerate(SERVICES, start=1):
        data = {
            "name": spec["name"],
            "description": spec["description"],
            "queue": queues[spec["queue"]],
            "sla_policy": policies[spec["sla_policy"]],
            "workflow_key": spec.get("workflow_key", ""),
            "default_priority": spec.get("default_priority", "normal"),
            "any_citizen": spec.get("any_citizen", True),
            "allowed_roles": spec.get("allowed_roles", []),
            "order": order * 10,
        }
        service, was_created = service_model.objects.get_or_create(code=spec["code"], defaults=data)
        if was_created:
            created["services"] += 1
            field_model.objects.bulk_create(
                field_model(
                    service=service,
                    order=position * 10,
                    key=field["key"],
                    label=field["label"],
                    field_type=field["field_type"],
                    required=field["required"],
                    choices=field.get("choices", []),
                    help_text=field.get("help_text", ""),
                )
                for position, field in enumerate(spec["fields"], start=1)
            )
    return created
