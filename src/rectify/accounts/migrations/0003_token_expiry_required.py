"""Every token has an expiry (set for existing ones by 0002; a separate migration, so PostgreSQL alters the
table in a transaction without the pending updates of the data step)."""

from django.db import migrations, models


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
    ]
