"""Each tenure keeps what its seat was while it lasted (title, areas, principal and leadership flags).

Existing tenures are filled from their posts as they are today: the best record there is. From now on the
orgs services copy the post when a tenure starts and keep only current tenures in step with post edits.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

SEAT_FIELDS = ("title", "areas", "is_principal", "is_leadership_member")


def fill_from_posts(apps, schema_editor):
    Post = apps.get_model("orgs", "Post")
    Tenure = apps.get_model("orgs", "Tenure")
    post = Post.objects.filter(pk=OuterRef("post_id"))
    Tenure.objects.update(**{name: Subquery(post.values(name)[:1]) for name in SEAT_FIELDS})


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0003_unit_active_and_versions'),
    ]

    operations = [
        migrations.AddField(
            model_name='tenure',
            name='areas',
            field=models.CharField(blank=True, max_length=500, null=True, verbose_name='任职时的分管领域'),
        ),
        migrations.AddField(
            model_name='tenure',
            name='is_leadership_member',
            field=models.BooleanField(blank=True, null=True, verbose_name='任职时为领导班子成员'),
        ),
        migrations.AddField(
            model_name='tenure',
            name='is_principal',
            field=models.BooleanField(blank=True, null=True, verbose_name='任职时为主要负责人'),
        ),
        migrations.AddField(
            model_name='tenure',
            name='title',
            field=models.CharField(blank=True, max_length=100, null=True, verbose_name='任职时的职务名称'),
        ),
        migrations.RunPython(fill_from_posts, migrations.RunPython.noop),
    ]
