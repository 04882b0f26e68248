"""Each inspected unit keeps its problems counted by kind (the dashboards read them instead of counting the
problem index per unit); filled here by one UPDATE, then kept by the services that create problems."""

from django.db import migrations, models
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    InspectedUnit = apps.get_model("inspections", "InspectedUnit")
    Problem = apps.get_model("inspections", "Problem")

    def counted(kind):
        problems = (Problem.objects.filter(inspected_unit=OuterRef("pk"), kind=kind).order_by()
                    .values("inspected_unit").annotate(n=Count("pk")).values("n"))
        return Coalesce(Subquery(problems, output_field=IntegerField()), 0)

    InspectedUnit.objects.update(fed_back_problems=counted("feedback"), self_found_problems=counted("self_found"))


class Migration(migrations.Migration):

    dependencies = [
        ("inspections", "0006_problem_category_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="inspectedunit",
            name="fed_back_problems",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="反馈问题数"),
        ),
        migrations.AddField(
            model_name="inspectedunit",
            name="self_found_problems",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="自查问题数"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
