"""API tokens expire (existing ones RECTIFY_TOKEN_DAYS — 180 by default — after this migration) and a user
may be required to change the password at the next login."""

import datetime as dt

from django.conf import settings
from django.db import migrations, models


def expire_existing_tokens(apps, schema_editor):
    from rectify.core import clock

    ApiToken = apps.get_model("accounts", "ApiToken")
    days = getattr(settings, "RECTIFY_TOKEN_DAYS", 180)
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=clock.now() + dt.timedelta(days=days))


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="must_change_password",
            field=models.BooleanField(default=False, help_text="管理员设置或重置密码后，用户下次登录必须先修改密码。",
                                      verbose_name="须修改密码"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="到期时间"),
        ),
        migrations.RunPython(expire_existing_tokens, migrations.RunPython.noop),
    ]
