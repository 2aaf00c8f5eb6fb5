"""Importer of students with their enrollment (docs/imports.md §7), registered from ``apps.py``.

One row is one student (matched by NIE) and their current enrollment in a section that already
exists (matched by school code, year, grade, section and shift). The person is matched by the
student's NIE, or for a new NIE by the DUI when one is given. A re-imported row changes nothing
and counts as «sin cambios». Imported enrollments are firm (``active``) from the start: they
were confirmed in the system they come from (``Enrollment.imported``, lifecycles.py).
"""

from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.accounts.choices import Sex
from core.accounts.models import Person
from core.imports import cells
from core.imports.bulk import insert_rows
from core.imports.registry import Column, ImportContext, Importer, UpsertCounts
from modules.schools.imports import _load_schools, section_key_cells
from modules.schools.models import Section

from .choices import CURRENT_STATUSES
from .models import NIE_START, Enrollment, Student

PERSON_FIELDS = ("first_names", "last_names", "birth_date", "sex", "dui")


class StudentImporter(Importer):
    kind = "students"
    label = gettext_lazy("Estudiantes y matrícula")
    description = gettext_lazy(
        "Crea o actualiza estudiantes por su NIE y los matricula en secciones existentes."
    )
    position = 30
    columns = (
        Column(
            "nie",
            gettext_lazy("NIE"),
            gettext_lazy("Número de identificación del estudiante."),
            "1234567",
        ),
        Column(
            "nombres", gettext_lazy("Nombres"), gettext_lazy("Nombres del estudiante."), "Ana María"
        ),
        Column(
            "apellidos",
            gettext_lazy("Apellidos"),
            gettext_lazy("Apellidos del estudiante."),
            "López Pérez",
        ),
        Column(
            "fecha_nacimiento",
            gettext_lazy("Fecha de nacimiento"),
            gettext_lazy("dd/mm/aaaa (también se acepta aaaa-mm-dd)."),
            "25/01/2015",
        ),
        Column("sexo", gettext_lazy("Sexo"), gettext_lazy("F o M. Opcional."), "F", required=False),
        Column(
            "dui",
            gettext_lazy("DUI"),
            gettext_lazy("Solo si el estudiante es mayor de edad. Opcional."),
            "",
            required=False,
        ),
        Column(
            "codigo_centro",
            gettext_lazy("Código del centro"),
            gettext_lazy("Código del centro educativo."),
            "10234",
        ),
        Column(
            "año", gettext_lazy("Año lectivo"), gettext_lazy("Año lectivo de la matrícula."), "2026"
        ),
        Column(
            "grado",
            gettext_lazy("Grado"),
            gettext_lazy("Código del grado (G1…G9, BG1…) o su nombre."),
            "G4",
        ),
        Column(
            "seccion", gettext_lazy("Sección"), gettext_lazy("Letra o nombre de la sección."), "A"
        ),
        Column(
            "turno",
            gettext_lazy("Turno"),
            gettext_lazy("matutino, vespertino o nocturno."),
            "matutino",
        ),
        Column(
            "fecha_matricula",
            gettext_lazy("Fecha de matrícula"),
            gettext_lazy("dd/mm/aaaa. Opcional: si se deja vacía, la fecha de la importación."),
            "15/01/2026",
            required=False,
        ),
    )

    def prepare(self, ctx: ImportContext, rows: Sequence[dict[str, Any]]) -> None:
        _load_schools(ctx, rows)
        school_ids = [school.pk for school in ctx.cache["schools"].values()]
        sections = ctx.cache.setdefault("sections", {})
        loaded = ctx.cache.setdefault("sections_loaded", set())
        wanted = set(school_ids) - loaded
        if wanted:
            for s in Section.objects.filter(school_id__in=wanted):
                sections[(s.school_id, s.school_year_id, s.grade_id, s.name, s.shift)] = s
            counts = ctx.cache.setdefault("section_counts", Counter())
            for item in (
                Enrollment.objects.filter(school_id__in=wanted, status__in=CURRENT_STATUSES)
                .values("section_id")
                .annotate(n=Count("id"))
            ):
                counts[item["section_id"]] += item["n"]
            loaded |= wanted
        nies = []
        for row in rows:
            nie = cells.whole_number(row.get("nie"))
            if nie is not None:
                nies.append(nie)
        students = Student.objects.select_related("person").in_bulk(nies, field_name="nie")
        ctx.cache["students"] = students
        duis = {str(row.get("dui", "")).strip() for row in rows} - {""}
        ctx.cache["persons_by_dui"] = (
            {
                person.dui: person
                for person in Person.objects.filter(dui__in=duis).select_related("student")
            }
            if duis
            else {}
        )
        ctx.cache["current"] = {
            (e["student_id"], e["school_year_id"]): e["section_id"]
            for e in Enrollment.objects.filter(
                student_id__in=[s.pk for s in students.values()], status__in=CURRENT_STATUSES
            ).values("student_id", "school_year_id", "section_id")
        }

    @staticmethod
    def _sexes(ctx: ImportContext) -> dict[str, str]:
        if "sex_map" not in ctx.cache:
            ctx.cache["sex_map"] = cells.option_map(Sex.choices)
        return ctx.cache["sex_map"]

    def parse(self, ctx: ImportContext, row: dict[str, Any]) -> dict[str, Any]:
        errors = cells.Errors()
        nie = cells.integer(row, "nie", errors, minimum=1, maximum=9_999_999_999)
        person_values = {
            "first_names": cells.text(row, "nombres", errors, max_length=100),
            "last_names": cells.text(row, "apellidos", errors, max_length=100),
            "birth_date": cells.day(row, "fecha_nacimiento", errors),
            "sex": cells.choice(row, "sexo", errors, self._sexes(ctx), required=False),
            "dui": cells.dui(row, "dui", errors) or None,
        }
        today = timezone.localdate()
        if person_values["birth_date"] and person_values["birth_date"] > today:
            errors.add(
                "fecha_nacimiento",
                _("La fecha de nacimiento no puede ser futura."),
                _("Revise el año de la fecha."),
            )
        enrolled_on = cells.day(row, "fecha_matricula", errors, required=False) or today
        school, year, grade, name, shift = section_key_cells(ctx, row, errors)
        student = ctx.cache["students"].get(nie) if nie is not None else None
        if nie is not None:
            if not ctx.first_time("nie", nie):
                errors.add(
                    "nie",
                    _("El NIE %(nie)s ya aparece en una fila anterior del archivo.") % {"nie": nie},
                    _("Deje una sola fila por estudiante."),
                )
            elif student is None and nie >= NIE_START:
                errors.add(
                    "nie",
                    _("El NIE %(nie)s no existe y los NIE nuevos desde 10000000 los asigna SIGES.")
                    % {"nie": nie},
                    _("Un NIE importado de otro sistema debe ser menor que 10000000."),
                )
        person = None
        dui = person_values["dui"]
        if dui:
            holder = ctx.cache["persons_by_dui"].get(dui)
            if not ctx.first_time("dui", dui):
                errors.add(
                    "dui",
                    _("Este DUI ya aparece en una fila anterior del archivo."),
                    _("Cada persona tiene un DUI distinto."),
                )
            elif holder is not None:
                own = student is not None and holder.pk == student.person_id
                other_student = getattr(holder, "student", None) if not own else None
                if other_student is not None:
                    errors.add(
                        "dui",
                        _("El DUI pertenece a otro estudiante (NIE %(nie)s).")
                        % {"nie": other_student.nie},
                        _("Revise el DUI o el NIE de esta fila."),
                    )
                elif student is not None and not own:
                    errors.add(
                        "dui",
                        _("El DUI pertenece a otra persona registrada."),
                        _("Revise el DUI de esta fila."),
                    )
                elif student is None:
                    person = holder  # a registered person becomes a student
        section = None
        if school is not None and year is not None and grade is not None and name and shift:
            section = ctx.cache["sections"].get((school.pk, year, grade.pk, name, shift))
            if section is None:
                errors.add(
                    "seccion",
                    _(
                        "No existe la sección %(grade)s %(name)s (%(shift)s) de %(year)s "
                        "en ese centro."
                    )
                    % {"grade": grade.name, "name": name, "shift": shift, "year": year},
                    _("Importe primero las secciones o corrija grado, sección y turno."),
                )
        errors.raise_if_any()
        enroll = True
        if student is not None:
            current = ctx.cache["current"].get((student.pk, year))
            if current == section.pk:
                enroll = False
            elif current is not None:
                errors.add(
                    "seccion",
                    _("El estudiante ya tiene una matrícula vigente en otra sección en %(year)s.")
                    % {"year": year},
                    _("Use el cambio de sección o el traslado en lugar de la importación."),
                )
        if enroll:
            counts = ctx.cache["section_counts"]
            if counts[section.pk] >= section.capacity:
                errors.add(
                    "seccion",
                    _("La sección ya tiene su cupo completo (%(capacity)s).")
                    % {"capacity": section.capacity},
                    _("Aumente el cupo de la sección o matricule en otra sección."),
                )
            else:
                counts[section.pk] += 1
        errors.raise_if_any()
        if student is not None:
            person = student.person
            changed = [f for f in PERSON_FIELDS if getattr(person, f) != person_values[f]]
            # A DUI is never removed by leaving the column empty.
            if person_values["dui"] is None and "dui" in changed:
                changed.remove("dui")
        else:
            changed = []
        return {
            "nie": nie,
            "student": student,
            "person": person,
            "person_values": person_values,
            "changed": changed,
            "section": section if enroll else None,
            "enrolled_on": enrolled_on,
        }

    def upsert(self, ctx: ImportContext, items: Sequence[dict[str, Any]]) -> UpsertCounts:
        counts = UpsertCounts()
        changed_people = []
        new_people = []
        pending: list[tuple[dict[str, Any], Person]] = []
        for item in items:
            if item["student"] is not None:
                person = item["student"].person
                for field in item["changed"]:
                    setattr(person, field, item["person_values"][field])
                if item["changed"]:
                    changed_people.append(person)
                continue
            person = item["person"]
            if person is None:
                new_people.append(item["person_values"])
            else:
                for field, value in item["person_values"].items():
                    setattr(person, field, value)
                changed_people.append(person)
            pending.append((item, person))
        person_ids = insert_rows(Person, new_people)
        if changed_people:
            Person.objects.bulk_update(changed_people, list(PERSON_FIELDS))
        fresh = iter(person_ids)
        student_rows = [
            {"person_id": person.pk if person is not None else next(fresh), "nie": item["nie"]}
            for item, person in pending
        ]
        student_ids = dict(
            zip(
                (row["nie"] for row in student_rows),
                insert_rows(Student, student_rows),
                strict=True,
            )
        )
        state = Enrollment.imported_state()
        enrollments = []
        for item in items:
            section = item["section"]
            if section is None:
                continue
            student_id = (
                item["student"].pk if item["student"] is not None else student_ids[item["nie"]]
            )
            enrollments.append(
                {
                    **state,
                    "student_id": student_id,
                    "section_id": section.pk,
                    "school_id": section.school_id,
                    "school_year_id": section.school_year_id,
                    "enrolled_on": item["enrolled_on"],
                }
            )
        insert_rows(Enrollment, enrollments)
        for item in items:
            if item["student"] is None or item["section"] is not None:
                counts.created += 1
            elif item["changed"]:
                counts.updated += 1
            else:
                counts.unchanged += 1
        return counts
