"""Each inspected unit's problems counted by category and kind (the dashboards' tables by category add these
up instead of counting every problem); filled here from the problems, then kept by the services."""

import django.db.models.deletion
import django.db.models.functions.comparison
from django.db import migrations, models
from django.db.models import Count


def fill(apps, schema_editor):
    Problem = apps.get_model("inspections", "Problem")
    ProblemCount = apps.get_model("inspections", "ProblemCount")
    counted = (Problem.objects.order_by().values_list("inspected_unit_id", "category_id", "kind")
               .annotate(n=Count("*")))
    ProblemCount.objects.bulk_create([ProblemCount(inspected_unit_id=unit, category_id=category, kind=kind, problems=n)
                                      for unit, category, kind, n in counted.iterator(chunk_size=5000)],
                                     batch_size=5000)


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0007_inspected_unit_problem_counts'),
    ]

    operations = [
        migrations.CreateModel(
            name='ProblemCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('feedback', '反馈问题'), ('self_found', '自查问题')], max_length=20)),
                ('problems', models.PositiveIntegerField(default=0)),
                ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='problem_counts', to='inspections.problemcategory')),
                ('inspected_unit', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='problem_counts', to='inspections.inspectedunit')),
            ],
            options={
                'constraints': [models.UniqueConstraint(models.F('inspected_unit'), django.db.models.functions.comparison.Coalesce(models.F('category'), 0), models.F('kind'), name='problem_count_once')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
