"""Recompute the read model of an existing database so that it holds the close-out days and on-time counts."""

from django.db import migrations


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    from rectify.rectification.rollups import Models, rebuild

    rebuild(models=Models.from_apps(apps))


class Migration(migrations.Migration):

    dependencies = [("rectification", "0008_close_out_days_in_read_model")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
