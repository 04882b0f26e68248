from django.db import migrations, models


def mark_extensions(apps, schema_editor):
    """Requests filed before the flag existed: a later deadline or a conversion to 长期坚持 is an extension."""
    ChangeRequest = apps.get_model("rectification", "ChangeRequest")
    ids = []
    for pk, changes in ChangeRequest.objects.filter(task__isnull=False).values_list("pk", "changes").iterator():
        due = (changes or {}).get("due_date") or {}
        kind = (changes or {}).get("deadline_kind") or {}
        if (due.get("before") and due.get("after") and due["after"] > due["before"]) or kind.get("after") == "long_term":
            ids.append(pk)
    for start in range(0, len(ids), 1000):
        ChangeRequest.objects.filter(pk__in=ids[start:start + 1000]).update(is_extension=True)


class Migration(migrations.Migration):

    dependencies = [
        ('rectification', '0006_read_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='changerequest',
            name='is_extension',
            field=models.BooleanField(default=False, verbose_name='延期申请'),
        ),
        migrations.RunPython(mark_extensions, migrations.RunPython.noop),
    ]
