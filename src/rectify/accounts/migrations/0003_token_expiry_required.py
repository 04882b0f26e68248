"""Every token has an expiry (set for existing ones by 0002; a separate migration, so PostgreSQL alters the
table in a transaction without the pending updates of the data step), and its creation time comes from the
system clock like its expiry."""

from django.db import migrations, models

import rectify.core.clock


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_token_expiry_and_password_change"),
    ]

    operations = [
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="到期时间"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="created_at",
            field=models.DateTimeField(default=rectify.core.clock.now, editable=False, verbose_name="创建时间"),
        ),
    ]
