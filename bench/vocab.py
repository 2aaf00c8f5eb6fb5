"""Words the generator builds names and texts from (written for this benchmark).

Everything here is plain ASCII-safe for COPY's text format except accented letters, which COPY
accepts as they are: no tabs, newlines or backslashes anywhere.
"""

FEMALE_NAMES = (
    "María José", "Ana Gabriela", "Karla Beatriz", "Rosa Elena", "Claudia Marisol", "Gloria",
    "Sonia Margarita", "Patricia", "Yesenia", "Fátima", "Lucía", "Daniela", "Sofía Alejandra",
    "Carmen Elena", "Marta Alicia", "Reina Isabel", "Jennifer", "Andrea", "Verónica", "Silvia",
    "Blanca Estela", "Morena", "Wendy", "Ingrid", "Cecilia", "Beatriz", "Alba Luz", "Gabriela",
    "Rocío", "Xiomara", "Evelyn", "Iris", "Lorena", "Tatiana", "Julia", "Ruth Noemí",
)  # fmt: skip
MALE_NAMES = (
    "José Luis", "Carlos Alberto", "Juan Pablo", "Mario Ernesto", "Luis Fernando", "Óscar",
    "Jorge Alberto", "Miguel Ángel", "Francisco", "Roberto Carlos", "Ricardo", "Manuel",
    "Edwin", "Nelson", "René", "Salvador", "Rafael", "Héctor", "Walter", "William",
    "Kevin Alexander", "Josué", "David", "Daniel", "Fernando", "Julio César", "Víctor Manuel",
    "Raúl", "Wilfredo", "Douglas", "Mauricio", "Alexander", "Cristian", "Marvin", "Élmer",
)  # fmt: skip
LAST_NAMES = (
    "Hernández", "Martínez", "López", "García", "Rodríguez", "Pérez", "González", "Ramírez",
    "Flores", "Rivera", "Cruz", "Romero", "Mejía", "Reyes", "Sánchez", "Ramos", "Aguilar",
    "Díaz", "Guevara", "Portillo", "Alvarado", "Rivas", "Molina", "Orellana", "Castillo",
    "Chávez", "Vásquez", "Henríquez", "Landaverde", "Argueta", "Quintanilla", "Bonilla",
    "Cañas", "Menjívar", "Zelaya", "Ayala", "Fuentes", "Escobar", "Deras", "Amaya", "Campos",
    "Alfaro", "Palacios", "Beltrán", "Cornejo", "Sorto", "Umaña", "Villalta", "Zepeda",
    "Interiano", "Funes", "Granados", "Marroquín", "Pineda", "Trejo", "Velásquez", "Ábrego",
)  # fmt: skip

# Areas of the department queues the generator adds: (code stem, name, SLA policy code, mode).
QUEUE_AREAS = (
    ("registro-academico", "Registro académico", "tramite-5-dias", "round_robin"),
    ("acreditacion", "Acreditación y títulos", "tramite-10-dias", "manual"),
    ("recursos-humanos", "Recursos humanos docentes", "tramite-10-dias", "manual"),
    ("soporte", "Soporte a centros educativos", "estandar", "least_loaded"),
)

SUBJECT_STEMS = (
    "Solicitud de certificación de notas",
    "Corrección de nombre en registro académico",
    "Reposición de título de bachiller",
    "Equivalencia de estudios realizados en el extranjero",
    "No puedo ingresar a mi cuenta",
    "Consulta sobre matrícula",
    "Traslado de estudiante a otro centro escolar",
    "Autenticación de documentos para trámite consular",
    "Permiso por enfermedad de docente",
    "Error al registrar asistencia de sección",
    "Actualización de datos del responsable",
    "Constancia de estudios",
    "Pago de escalafón pendiente",
    "Revisión de calificaciones",
    "Problema con la plataforma SIGES",
    "Solicitud de plaza docente",
    "Partida de nacimiento no coincide",
    "Consulta sobre beca",
    "Reclamo por demora en trámite",
    "Solicitud de información pública",
)
SUBJECT_TAILS = (
    "", "", "", " — urgente", " (segunda vez)", " de mi hijo", " de mi hija",
    " año 2019", " año 2021", " año 2023", " para universidad", " para empleo",
    " centro escolar cantón El Progreso", " instituto nacional", " turno vespertino",
)  # fmt: skip

REQUESTER_SENTENCES = (
    "Buenos días, necesito ayuda con este trámite.",
    "Ya envié los documentos que me pidieron en el centro escolar.",
    "Adjunto la información solicitada por correo.",
    "Mi hijo estudió en el turno matutino y necesita la constancia para la universidad.",
    "El sistema me dice que el DUI no es válido, pero es el que aparece en mi documento.",
    "¿Podrían indicarme cuánto tiempo tarda el trámite?",
    "Les agradecería una respuesta pronto porque el plazo vence la próxima semana.",
    "El nombre aparece con una letra equivocada en el certificado.",
    "Cursé el bachillerato general entre 2016 y 2018.",
    "No tengo acceso a internet en casa, por eso escribo desde el celular.",
    "Gracias por la atención.",
    "Ya me presenté a la departamental pero me dijeron que lo pidiera en línea.",
    "Necesito el documento autenticado para presentarlo en el consulado.",
    "La directora del centro escolar me indicó que abriera este caso.",
    "Quedo pendiente de su respuesta.",
)
STAFF_SENTENCES = (
    "Buen día, recibimos su solicitud y la estamos revisando.",
    "Para continuar necesitamos una copia legible de su DUI.",
    "Su documento ya está listo y puede retirarlo en la oficina departamental.",
    "Verificamos el registro académico y la información es correcta.",
    "Hemos corregido el dato en el sistema; por favor confirme.",
    "El trámite se encuentra en firma de la dirección departamental.",
    "Le recordamos que el horario de atención es de 7:30 a 16:30.",
    "Su caso fue trasladado al área correspondiente.",
    "Con esto damos por resuelto su caso; si necesita algo más puede responder aquí.",
    "Favor indicarnos el código del centro educativo.",
    "Se envió la certificación al correo registrado.",
)
NOTE_SENTENCES = (
    "Pendiente confirmar con registro académico.",
    "El expediente físico está en la departamental.",
    "Caso similar al de la semana pasada; revisar duplicado.",
    "Se llamó por teléfono a la persona, no contestó.",
    "Requiere firma del director departamental.",
    "Validado contra el libro de registro.",
    "Escalar si no hay respuesta del centro escolar.",
)
FORM_SCHOOLS = (
    "Centro Escolar Católico San José", "Instituto Nacional de Santa Ana",
    "Complejo Educativo Cantón El Rosario", "Centro Escolar República de Colombia",
    "Instituto Nacional Francisco Menéndez", "Centro Escolar Caserío Los Planes",
    "Complejo Educativo Profesor Alberto Masferrer", "Centro Escolar Doctor Humberto Quintero",
)  # fmt: skip
