"""A transfer's total amount (allocations never add up to more), and board offices that are
free again once their holder leaves.

Existing transfers get as total what is already allocated from them (at least their school
ceiling), so nothing allocated before becomes invalid; members whose term was ended before
their board's are marked as having left.
"""

from django.db import migrations, models
from django.db.models import Q, Sum


def fill_totals(apps, schema_editor) -> None:
    Transfer = apps.get_model("finance", "Transfer")
    for transfer in Transfer.objects.annotate(allocated=Sum("allocations__amount")):
        transfer.total = max(transfer.allocated or 0, transfer.school_ceiling)
        transfer.save(update_fields=["total"])


def mark_members_who_left(apps, schema_editor) -> None:
    BoardMember = apps.get_model("finance", "BoardMember")
    BoardMember.objects.filter(term_end__lt=models.F("board__term_end")).update(left_office=True)


class Migration(migrations.Migration):
    dependencies = [("finance", "0006_review_adjustments_and_due_clock")]

    operations = [
        migrations.AddField(
            model_name="transfer",
            name="total",
            field=models.DecimalField(
                decimal_places=2, max_digits=14, null=True, verbose_name="monto total"
            ),
        ),
        migrations.RunPython(fill_totals, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="transfer",
            name="total",
            field=models.DecimalField(decimal_places=2, max_digits=14, verbose_name="monto total"),
        ),
        migrations.AddConstraint(
            model_name="transfer",
            constraint=models.CheckConstraint(
                condition=Q(total__gte=0), name="finance_transfer_total_positive"
            ),
        ),
        migrations.AddField(
            model_name="boardmember",
            name="left_office",
            field=models.BooleanField(default=False, verbose_name="dejó el cargo"),
        ),
        migrations.RunPython(mark_members_who_left, migrations.RunPython.noop, elidable=False),
        migrations.RemoveConstraint(model_name="boardmember", name="finance_board_single_office"),
        migrations.AddConstraint(
            model_name="boardmember",
            constraint=models.UniqueConstraint(
                condition=Q(role__in=["president", "treasurer", "secretary"], left_office=False),
                fields=("board", "role"),
                name="finance_board_single_office",
            ),
        ),
    ]
