"""Recovery codes were stored as typed; from now on only their keyed digest is stored
(core.accounts.twofactor.recovery_code_digest, docs/security.md §1.7). This replaces each stored
code by its digest once; the codes people hold keep working. Not reversible: the codes cannot
be recovered from their digests (going back leaves the digests, which then match nothing)."""

from django.db import migrations


def hash_stored_codes(apps, schema_editor):
    from core.accounts.twofactor import recovery_code_digest

    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.only("pk", "device_id", "token").iterator():
        token.token = recovery_code_digest(token.device_id, token.token)
        token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_more_staff_roles"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_stored_codes, migrations.RunPython.noop)]
