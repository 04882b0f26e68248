"""Forms get a severity (轻重等级) so that a decision can be compared with similar decided cases
(问责不严 / 过度问责). One scale for organisations and cadres, 1 the lightest; the admin can change it."""

import django.core.validators
from django.db import migrations, models

SEVERITY = {
    "org_examination": 1, "org_circulation": 2, "org_reorganisation": 6,
    "person_circulation": 2, "admonishment": 3,
    "organisational_adjustment": 4, "suspension": 4, "reassignment": 4,
    "demotion": 6, "ordered_resignation": 6, "removal": 6,
    "party_discipline": 5, "discipline_warning": 5, "discipline_serious_warning": 6,
    "discipline_removal_from_post": 7,
}


def set_severity(apps, schema_editor):
    AccountabilityForm = apps.get_model("accountability", "AccountabilityForm")
    for code, severity in SEVERITY.items():
        AccountabilityForm.objects.filter(code=code, severity=0).update(severity=severity)


class Migration(migrations.Migration):

    dependencies = [
        ("accountability", "0002_seed_catalogue"),
    ]

    operations = [
        migrations.AddField(
            model_name="accountabilityform",
            name="severity",
            field=models.PositiveSmallIntegerField(default=0, help_text="用于与同类案件比较问责轻重（1 最轻）：检查 1、通报 2、诫勉 3、停职检查和调整职务 4、警告 5、降职、责令辞职、免职、严重警告和改组 6、撤销党内职务 7。", validators=[django.core.validators.MaxValueValidator(10)], verbose_name="轻重等级"),
        ),
        migrations.RunPython(set_severity, migrations.RunPython.noop),
    ]
