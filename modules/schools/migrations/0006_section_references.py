"""Sections now point at their school year and grade rows (filled by 0005)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("schools", "0005_national_structure")]

    operations = [
        migrations.RemoveConstraint(model_name="section", name="section_unique_per_school_year"),
        migrations.RemoveField(model_name="section", name="school_year"),
        migrations.RemoveField(model_name="section", name="grade"),
        migrations.RenameField(
            model_name="section", old_name="new_school_year", new_name="school_year"
        ),
        migrations.RenameField(model_name="section", old_name="new_grade", new_name="grade"),
        migrations.AlterField(
            model_name="section",
            name="school_year",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sections",
                to="schools.schoolyear",
                verbose_name="año lectivo",
            ),
        ),
        migrations.AlterField(
            model_name="section",
            name="grade",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sections",
                to="schools.grade",
                verbose_name="grado",
            ),
        ),
        migrations.AlterModelOptions(
            name="section",
            options={
                "ordering": ["school", "school_year", "grade__position", "name"],
                "verbose_name": "sección",
                "verbose_name_plural": "secciones",
            },
        ),
        migrations.AddConstraint(
            model_name="section",
            constraint=models.UniqueConstraint(
                fields=("school", "school_year", "grade", "name", "shift"),
                name="section_unique_per_school_year",
            ),
        ),
    ]
