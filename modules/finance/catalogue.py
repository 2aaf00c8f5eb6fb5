"""The budget categories the schools start with (data: more can be added in the admin).
Loaded by migration 0002 and again by tests and the demo (only what is missing)."""

CATEGORIES = (
    # (code, name, kind, position)
    ("ING-TRANSF", "Transferencia del Ministerio", "income", 1),
    ("ING-PROPIOS", "Ingresos propios", "income", 2),
    ("ING-DONAC", "Donaciones", "income", 3),
    ("MAT-DIDACT", "Materiales didácticos y de oficina", "expense", 1),
    ("SERV-BASIC", "Servicios básicos", "expense", 2),
    ("MANTENIM", "Mantenimiento de infraestructura", "expense", 3),
    ("LIMPIEZA", "Limpieza e higiene", "expense", 4),
    ("MOBILIARIO", "Mobiliario y equipo", "expense", 5),
    ("ACT-EDUC", "Actividades educativas", "expense", 6),
    ("ALIMENT", "Alimentación escolar", "expense", 7),
    ("OTROS", "Otros gastos de funcionamiento", "expense", 8),
)


def categories_load(apps) -> int:
    """Create the missing categories (``apps``: the migration's or django.apps)."""
    category = apps.get_model("finance", "Category")
    created = 0
    for code, name, kind, position in CATEGORIES:
        _row, new = category.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "position": position}
        )
        created += int(new)
    return created
