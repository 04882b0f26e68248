"""The read model no longer counts a task submitted for close-out by its deadline among the unit's dated open
tasks while the application waits (DECISIONS 36): recompute the stored rollups of an existing database."""

from django.db import migrations


def refill(apps, schema_editor):  # type: ignore[no-untyped-def]
    from rectify.rectification.rollups import Models, rebuild

    rebuild(models=Models.from_apps(apps))


class Migration(migrations.Migration):

    dependencies = [("rectification", "0010_task_open_due_index")]

    operations = [migrations.RunPython(refill, migrations.RunPython.noop)]
