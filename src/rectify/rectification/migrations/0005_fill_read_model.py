"""Fill the read model of an existing database from its problems and tasks (decision 28)."""

from django.db import migrations


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    from rectify.rectification.rollups import Models, rebuild

    rebuild(models=Models.from_apps(apps))


class Migration(migrations.Migration):

    dependencies = [("rectification", "0004_read_model")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
