"""Close-out days counted by month too, so that a burn-down over years reads a row per unit and month
(DECISIONS 45). Filled from the day counts already stored."""

from django.db import migrations, models
from django.db.models import Sum
from django.db.models.functions import TruncMonth


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    UnitDueCount = apps.get_model("rectification", "UnitDueCount")
    months = (UnitDueCount.objects.filter(measure="task_closed").annotate(month=TruncMonth("day")).order_by()
              .values("inspected_unit_id", "month").annotate(n=Sum("count")))
    UnitDueCount.objects.bulk_create(
        (UnitDueCount(inspected_unit_id=row["inspected_unit_id"], measure="task_closed_month", day=row["month"],
                      count=row["n"]) for row in months.iterator(chunk_size=2000) if row["n"]),
        batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ("rectification", "0017_due_totals"),
    ]

    operations = [
        migrations.AlterField(
            model_name="unitduecount",
            name="measure",
            field=models.CharField(choices=[("problem_due", "problem_due"), ("task_due", "task_due"),
                                            ("task_original_due", "task_original_due"),
                                            ("task_closed", "task_closed"),
                                            ("task_closed_month", "task_closed_month")], max_length=20),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
