"""Unit rollups keep the totals of their deadline-day counts (problems, tasks, tasks by original deadline), so
that today's red and overdue figures read only the days from today on (DECISIONS 44)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

TOTALS = {"problem_due_total": "problem_due", "task_due_total": "task_due",
          "task_original_due_total": "task_original_due"}


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    """One UPDATE per measure: each unit's day counts summed."""
    UnitRollup = apps.get_model("rectification", "UnitRollup")
    UnitDueCount = apps.get_model("rectification", "UnitDueCount")
    for field, measure in TOTALS.items():
        total = (UnitDueCount.objects.filter(inspected_unit_id=OuterRef("inspected_unit_id"), measure=measure)
                 .order_by().values("inspected_unit_id").annotate(n=Sum("count")).values("n"))
        UnitRollup.objects.update(**{field: Coalesce(Subquery(total), 0)})


class Migration(migrations.Migration):

    dependencies = [
        ("rectification", "0016_rollup_category"),
    ]

    operations = [
        *(migrations.AddField(model_name="unitrollup", name=field, field=models.IntegerField(default=0))
          for field in TOTALS),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
