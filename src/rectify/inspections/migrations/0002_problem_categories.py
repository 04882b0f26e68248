"""Reference data: the problem categories inspections report against ("four implementations")."""

from django.db import migrations

CATEGORIES = [
    ("1", "贯彻落实党的理论和路线方针政策、党中央重大决策部署方面", [
        ("1.1", "学习贯彻党的创新理论"),
        ("1.2", "贯彻落实党中央重大决策部署"),
        ("1.3", "履行职能责任、服务高质量发展"),
    ]),
    ("2", "落实全面从严治党战略部署方面", [
        ("2.1", "主体责任和监督责任落实"),
        ("2.2", "落实中央八项规定精神和纠治“四风”"),
        ("2.3", "形式主义、官僚主义"),
        ("2.4", "腐败问题和廉洁风险"),
        ("2.5", "意识形态工作责任制"),
    ]),
    ("3", "落实新时代党的组织路线方面", [
        ("3.1", "领导班子建设、民主集中制和“三重一大”决策"),
        ("3.2", "干部队伍建设和选人用人"),
        ("3.3", "基层党组织建设"),
        ("3.4", "党内组织生活"),
    ]),
    ("4", "巡视巡察整改和日常监督发现问题整改方面", [
        ("4.1", "上轮巡视反馈问题整改"),
        ("4.2", "审计、日常监督发现问题整改"),
    ]),
]


def forwards(apps, schema_editor):
    ProblemCategory = apps.get_model("inspections", "ProblemCategory")
    for code, name, children in CATEGORIES:
        parent, _ = ProblemCategory.objects.update_or_create(code=code, defaults={"name": name, "parent": None})
        for child_code, child_name in children:
            ProblemCategory.objects.update_or_create(code=child_code, defaults={"name": child_name, "parent": parent})


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
