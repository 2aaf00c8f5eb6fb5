"""Importer of teachers with their appointments (docs/imports.md §11), registered from
``apps.py``.

One row is one appointment of one teacher: the teacher is matched by NIP, the person by the
teacher's record or, for a new NIP, by DUI (required, check digit validated); the appointment by
teacher, school, position, shift and start date. A teacher with several appointments has several
rows with the same NIP, and those rows must agree on the person and the teacher's data. A
re-imported row changes nothing and counts as «sin cambios». Rows are written in bulk per batch,
like the student importer; the job's audit events (with the file's hash) say which file made
them (docs/imports.md §6).
"""

from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.accounts.choices import Sex
from core.accounts.models import Person
from core.imports import cells
from core.imports.bulk import insert_rows
from core.imports.registry import Column, ImportContext, Importer, UpsertCounts
from modules.schools.choices import Shift
from modules.schools.models import School

from .choices import ContractType, EscalafonLevel, Funding, Position
from .models import Appointment, Teacher

PERSON_FIELDS = ("first_names", "last_names", "birth_date", "sex", "dui")
TEACHER_FIELDS = ("specialty", "escalafon_level", "escalafon_category")
APPOINTMENT_FIELDS = ("contract_type", "funding", "end_date")

_OUT_OF_SCOPE = gettext_lazy("El centro educativo pertenece a un departamento fuera de su alcance.")
_OUT_OF_SCOPE_HINT = gettext_lazy(
    "Quite esta fila: solo puede importar nombramientos en centros de su departamento."
)


class TeacherImporter(Importer):
    kind = "teachers"
    label = gettext_lazy("Docentes y nombramientos")
    description = gettext_lazy(
        "Crea o actualiza docentes por su NIP y registra sus nombramientos en centros existentes."
    )
    position = 40
    columns = (
        Column(
            "nip",
            gettext_lazy("NIP"),
            gettext_lazy("Número de identificación profesional: de 5 a 10 dígitos."),
            "1234567",
        ),
        Column(
            "dui",
            gettext_lazy("DUI"),
            gettext_lazy("DUI del docente, con su dígito verificador."),
            "04567891-1",
        ),
        Column("nombres", gettext_lazy("Nombres"), gettext_lazy("Nombres del docente."), "Rosa"),
        Column(
            "apellidos",
            gettext_lazy("Apellidos"),
            gettext_lazy("Apellidos del docente."),
            "Martínez Flores",
        ),
        Column(
            "fecha_nacimiento",
            gettext_lazy("Fecha de nacimiento"),
            gettext_lazy("dd/mm/aaaa (también se acepta aaaa-mm-dd)."),
            "14/03/1985",
        ),
        Column("sexo", gettext_lazy("Sexo"), gettext_lazy("F o M. Opcional."), "F", required=False),
        Column(
            "especialidad",
            gettext_lazy("Especialidad"),
            gettext_lazy("Especialidad del docente. Opcional."),
            "Matemática",
            required=False,
        ),
        Column(
            "nivel_escalafon",
            gettext_lazy("Nivel de escalafón"),
            gettext_lazy("1 o 2."),
            "1",
        ),
        Column(
            "categoria_escalafon",
            gettext_lazy("Categoría de escalafón"),
            gettext_lazy("De 1 (la más alta) a 6."),
            "3",
        ),
        Column(
            "codigo_centro",
            gettext_lazy("Código del centro"),
            gettext_lazy("Código del centro educativo del nombramiento."),
            "10234",
        ),
        Column(
            "cargo",
            gettext_lazy("Cargo"),
            gettext_lazy("docente, director, subdirector o apoyo (o su nombre)."),
            "docente",
        ),
        Column(
            "turno",
            gettext_lazy("Turno"),
            gettext_lazy("matutino, vespertino o nocturno."),
            "matutino",
        ),
        Column(
            "tipo_contrato",
            gettext_lazy("Tipo de contrato"),
            gettext_lazy("ley_salarios, contrato, hora_clase o interino (o su nombre)."),
            "ley_salarios",
        ),
        Column(
            "financiamiento",
            gettext_lazy("Financiamiento"),
            gettext_lazy("fondo_general, recursos_propios, cooperacion o privado (o su nombre)."),
            "fondo_general",
        ),
        Column(
            "fecha_inicio",
            gettext_lazy("Fecha de inicio"),
            gettext_lazy("Inicio del nombramiento, dd/mm/aaaa."),
            "01/02/2020",
        ),
        Column(
            "fecha_fin",
            gettext_lazy("Fecha de fin"),
            gettext_lazy("Fin del nombramiento, dd/mm/aaaa. Opcional: vacía si sigue vigente."),
            "",
            required=False,
        ),
    )

    # --- Loading what a batch refers to (a fixed number of queries) ------------------------------

    def prepare(self, ctx: ImportContext, rows: Sequence[dict[str, Any]]) -> None:
        codes = {str(row.get("codigo_centro", "")).strip() for row in rows}
        ctx.cache["schools"] = School.objects.select_related("municipality").in_bulk(
            codes, field_name="code"
        )
        nips = {str(row.get("nip", "")).strip() for row in rows} - {""}
        teachers = Teacher.objects.select_related("person").in_bulk(nips, field_name="nip")
        ctx.cache["teachers"] = teachers
        duis = set()
        for row in rows:
            value = str(row.get("dui", "")).strip()
            if value:
                duis.add(value)
        ctx.cache["persons_by_dui"] = (
            {
                person.dui: person
                for person in Person.objects.filter(dui__in=duis).select_related("teacher")
            }
            if duis
            else {}
        )
        ctx.cache["appointments"] = {
            (a.teacher_id, a.school_id, a.position, a.shift, a.start_date): a
            for a in Appointment.objects.filter(teacher_id__in=[t.pk for t in teachers.values()])
        }

    def _options(self, ctx: ImportContext) -> dict[str, dict[str, str]]:
        if "options" not in ctx.cache:
            ctx.cache["options"] = {
                "sexo": cells.option_map(Sex.choices),
                "nivel_escalafon": cells.option_map(EscalafonLevel.choices),
                "cargo": cells.option_map(Position.choices),
                "turno": cells.option_map(Shift.choices),
                "tipo_contrato": cells.option_map(ContractType.choices),
                "financiamiento": cells.option_map(Funding.choices),
            }
        return ctx.cache["options"]

    # --- One row ---------------------------------------------------------------------------------

    def parse(self, ctx: ImportContext, row: dict[str, Any]) -> dict[str, Any]:
        errors = cells.Errors()
        options = self._options(ctx)
        nip = cells.text(row, "nip", errors, max_length=20)
        if nip.endswith(".0"):  # a number a spreadsheet stored as a decimal
            nip = nip[:-2]
        if nip and not (nip.isascii() and nip.isdigit() and 5 <= len(nip) <= 10):
            errors.add(
                "nip",
                _("«%(value)s» no es un NIP válido.") % {"value": nip},
                _("El NIP tiene de 5 a 10 dígitos, sin guiones ni espacios."),
            )
            nip = ""
        dui = cells.dui(row, "dui", errors, required=True)
        person_values = {
            "first_names": cells.text(row, "nombres", errors, max_length=100),
            "last_names": cells.text(row, "apellidos", errors, max_length=100),
            "birth_date": cells.day(row, "fecha_nacimiento", errors),
            "sex": cells.choice(row, "sexo", errors, options["sexo"], required=False),
            "dui": dui or None,
        }
        today = timezone.localdate()
        if person_values["birth_date"] and person_values["birth_date"] > today:
            errors.add(
                "fecha_nacimiento",
                _("La fecha de nacimiento no puede ser futura."),
                _("Revise el año de la fecha."),
            )
        teacher_values = {
            "specialty": cells.text(row, "especialidad", errors, max_length=120, required=False),
            "escalafon_level": cells.choice(
                row, "nivel_escalafon", errors, options["nivel_escalafon"]
            ),
            "escalafon_category": cells.integer(
                row, "categoria_escalafon", errors, minimum=1, maximum=6
            ),
        }
        code = cells.text(row, "codigo_centro", errors, max_length=15)
        school = ctx.cache["schools"].get(code)
        if code and school is None:
            errors.add(
                "codigo_centro",
                _("No existe el centro educativo «%(code)s».") % {"code": code},
                _("Revise el código o importe primero el centro educativo."),
            )
        elif school is not None and not ctx.may_touch_department(school.municipality.department_id):
            errors.add("codigo_centro", str(_OUT_OF_SCOPE), str(_OUT_OF_SCOPE_HINT))
            school = None
        appointment_key_values = {
            "position": cells.choice(row, "cargo", errors, options["cargo"]),
            "shift": cells.choice(row, "turno", errors, options["turno"]),
            "start_date": cells.day(row, "fecha_inicio", errors),
        }
        appointment_values = {
            "contract_type": cells.choice(row, "tipo_contrato", errors, options["tipo_contrato"]),
            "funding": cells.choice(row, "financiamiento", errors, options["financiamiento"]),
            "end_date": cells.day(row, "fecha_fin", errors, required=False),
        }
        start, end = appointment_key_values["start_date"], appointment_values["end_date"]
        if start and end and end < start:
            errors.add(
                "fecha_fin",
                _("La fecha de fin es anterior a la fecha de inicio."),
                _("Corrija una de las dos fechas o deje vacía la fecha de fin."),
            )
        errors.raise_if_any()

        teacher = ctx.cache["teachers"].get(nip)
        self._check_person(ctx, errors, nip, dui, teacher)
        # A teacher with several appointments has several rows: they must agree. Only a hash of
        # each NIP's data is kept for the rest of the file, so memory stays small.
        signature = hash((dui, tuple(person_values.values()), tuple(teacher_values.values())))
        first = ctx.cache.setdefault("file_teachers", {}).setdefault(nip, signature)
        if first != signature:
            errors.add(
                "nip",
                _("Este NIP aparece en una fila anterior con otros datos del docente."),
                _("Escriba los mismos datos personales y de escalafón en todas sus filas."),
            )
        elif dui and ctx.cache.setdefault("file_duis", {}).setdefault(dui, nip) != nip:
            errors.add(
                "dui",
                _("Este DUI ya aparece en una fila anterior con otro NIP."),
                _("Cada docente tiene un DUI distinto."),
            )
        key = hash((nip, school.pk, *appointment_key_values.values()))
        if not ctx.first_time("appointment", key):
            errors.add(
                "fecha_inicio",
                _("Este nombramiento ya aparece en una fila anterior del archivo."),
                _("Deje una sola fila por nombramiento."),
            )
        errors.raise_if_any()

        person = None
        person_changed: list[str] = []
        teacher_changed: list[str] = []
        if teacher is not None:
            person = teacher.person
            person_changed = [f for f in PERSON_FIELDS if getattr(person, f) != person_values[f]]
            teacher_changed = [
                f for f in TEACHER_FIELDS if getattr(teacher, f) != teacher_values[f]
            ]
        else:
            person = ctx.cache["persons_by_dui"].get(dui)
            if person is not None:
                person_changed = [
                    f for f in PERSON_FIELDS if getattr(person, f) != person_values[f]
                ]
        appointment = None
        appointment_changed: list[str] = []
        if teacher is not None:
            appointment = ctx.cache["appointments"].get(
                (teacher.pk, school.pk, *appointment_key_values.values())
            )
            if appointment is not None:
                appointment_changed = [
                    f
                    for f in APPOINTMENT_FIELDS
                    if getattr(appointment, f) != appointment_values[f]
                ]
        return {
            "nip": nip,
            "teacher": teacher,
            "person": person,
            "person_values": person_values,
            "person_changed": person_changed,
            "teacher_values": teacher_values,
            "teacher_changed": teacher_changed,
            "school": school,
            "appointment": appointment,
            "appointment_values": {**appointment_key_values, **appointment_values},
            "appointment_changed": appointment_changed,
        }

    @staticmethod
    def _check_person(
        ctx: ImportContext, errors: cells.Errors, nip: str, dui: str, teacher: Teacher | None
    ) -> None:
        holder = ctx.cache["persons_by_dui"].get(dui)
        if teacher is not None:
            if holder is not None and holder.pk != teacher.person_id:
                errors.add(
                    "dui",
                    _("El DUI pertenece a otra persona, no al docente con NIP %(nip)s.")
                    % {"nip": nip},
                    _("Revise el DUI o el NIP de esta fila."),
                )
        elif holder is not None:
            other = getattr(holder, "teacher", None)
            if other is not None:
                errors.add(
                    "dui",
                    _("El DUI pertenece a otro docente (NIP %(nip)s).") % {"nip": other.nip},
                    _("Revise el DUI o el NIP de esta fila."),
                )

    # --- Writing a batch (bulk) ------------------------------------------------------------------

    def upsert(self, ctx: ImportContext, items: Sequence[dict[str, Any]]) -> UpsertCounts:
        counts = UpsertCounts()
        # NIPs created by earlier batches of this file (same transaction) are found by
        # ``prepare``; within this batch a new NIP's first row creates the teacher.
        new_people: list[dict[str, Any]] = []
        new_teacher_rows: list[tuple[str, Person | None]] = []
        changed_people: dict[int, Person] = {}
        changed_teachers: dict[int, Teacher] = {}
        planned: set[str] = set()
        for item in items:
            person = item["person"]
            if person is not None and item["person_changed"]:
                for field in item["person_changed"]:
                    setattr(person, field, item["person_values"][field])
                changed_people[person.pk] = person
            teacher = item["teacher"]
            if teacher is not None:
                if item["teacher_changed"]:
                    for field in item["teacher_changed"]:
                        setattr(teacher, field, item["teacher_values"][field])
                    changed_teachers[teacher.pk] = teacher
            elif item["nip"] not in planned:
                planned.add(item["nip"])
                if person is None:
                    new_people.append(item["person_values"])
                new_teacher_rows.append((item["nip"], person))
        if changed_people:
            Person.objects.bulk_update(list(changed_people.values()), list(PERSON_FIELDS))
        if changed_teachers:
            Teacher.objects.bulk_update(list(changed_teachers.values()), list(TEACHER_FIELDS))
        fresh_people = iter(insert_rows(Person, new_people))
        values_by_nip = {item["nip"]: item["teacher_values"] for item in items}
        teacher_rows = [
            {
                "person_id": person.pk if person is not None else next(fresh_people),
                "nip": nip,
                **values_by_nip[nip],
            }
            for nip, person in new_teacher_rows
        ]
        teacher_ids = dict(
            zip(
                (row["nip"] for row in teacher_rows),
                insert_rows(Teacher, teacher_rows),
                strict=True,
            )
        )
        new_appointments = []
        changed_appointments = []
        for item in items:
            appointment = item["appointment"]
            if appointment is None:
                teacher_id = (
                    item["teacher"].pk if item["teacher"] is not None else teacher_ids[item["nip"]]
                )
                new_appointments.append(
                    {
                        "teacher_id": teacher_id,
                        "school_id": item["school"].pk,
                        **item["appointment_values"],
                    }
                )
                counts.created += 1
                continue
            if item["appointment_changed"]:
                for field in item["appointment_changed"]:
                    setattr(appointment, field, item["appointment_values"][field])
                changed_appointments.append(appointment)
            if item["appointment_changed"] or item["person_changed"] or item["teacher_changed"]:
                counts.updated += 1
            else:
                counts.unchanged += 1
        insert_rows(Appointment, new_appointments)
        if changed_appointments:
            Appointment.objects.bulk_update(changed_appointments, list(APPOINTMENT_FIELDS))
        return counts
