from django.db import migrations, models


def results_so_far_conclude(apps, schema_editor):
    """Results recorded before the flag existed were final results: they conclude their clues."""
    apps.get_model("inspections", "Clue").objects.filter(feedback_on__isnull=False).update(concluded=True)


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0003_problem_identifiers_teams_clues'),
    ]

    operations = [
        migrations.AddField(
            model_name='clue',
            name='concluded',
            field=models.BooleanField(default=False, verbose_name='已办结'),
        ),
        migrations.RunPython(results_so_far_conclude, migrations.RunPython.noop),
    ]
