"""Problems counted by category, unit and kind from an index alone (the dashboards' category tables); the
category's own index gives way to it, which leads with the category."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("inspections", "0005_problem_ledger_order_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="problem",
            index=models.Index(fields=["category", "inspected_unit", "kind"], name="problem_category_unit_idx"),
        ),
        migrations.AlterField(
            model_name="problem",
            name="category",
            field=models.ForeignKey(blank=True, db_index=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="problems",
                                    to="inspections.problemcategory", verbose_name="问题类别"),
        ),
    ]
