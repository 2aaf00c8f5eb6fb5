"""Ship the promotion rules as data (docs/domain.md §4): Media recovery up to 2 failed subjects
in Bachillerato General and 3 in Técnico; no recovery in Parvularia and Básica; 15 deméritos in
the conduct ledger mean no promotion everywhere."""

from django.db import migrations

# (level code, track, subjects with a right to recovery, demerit limit)
RULES = (
    ("parvularia", "", 0, 15),
    ("basica", "", 0, 15),
    ("media", "general", 2, 15),
    ("media", "technical", 3, 15),
)


def forwards(apps, schema_editor):
    Level = apps.get_model("schools", "Level")
    PromotionRule = apps.get_model("academics", "PromotionRule")
    levels = {level.code: level for level in Level.objects.all()}
    for code, track, recovery, demerits in RULES:
        if code in levels:
            PromotionRule.objects.create(
                level=levels[code],
                track=track,
                max_recovery_subjects=recovery,
                demerit_limit=demerits,
            )


def backwards(apps, schema_editor):
    apps.get_model("academics", "PromotionRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("academics", "0001_initial"),
        ("schools", "0005_national_structure"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
