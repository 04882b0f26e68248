"""Problem rollups carry their problem's category, so that the dashboards count problems by category from the
read model alone (DECISIONS 43)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    """One UPDATE: every stored rollup takes its problem's category."""
    Problem = apps.get_model("inspections", "Problem")
    ProblemRollup = apps.get_model("rectification", "ProblemRollup")
    ProblemRollup.objects.update(category_id=Subquery(
        Problem.objects.filter(pk=OuterRef("problem_id")).values("category_id")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ("inspections", "0006_problem_category_index"),
        ("rectification", "0015_close_out_returned_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="problemrollup",
            name="category",
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="inspections.problemcategory"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="problemrollup",
            index=models.Index(fields=["completion", "kind", "category"], name="rollup_completion_category_idx"),
        ),
        migrations.AddIndex(
            model_name="problemrollup",
            index=models.Index(fields=["category", "inspected_unit"], include=("kind", "completion",
                                                                                "earliest_open_due"),
                               name="rollup_category_unit_idx"),
        ),
    ]
