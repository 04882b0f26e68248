"""A small library for search, similarity and page tests: the two seed articles and four typical cases."""

from __future__ import annotations

from dataclasses import dataclass

from rectify.cases.models import CaseDocument
from rectify.cases.services import document_import

CASES = {
    "ruili": ("瑞丽市疫情防控形式主义官僚主义问题问责情况通报\n"
              "2021年4月2日\n"
              "　　瑞丽市在疫情防控工作中落实主体责任不力，边境管控存在漏洞，形式主义官僚主义问题突出。\n"
              "　　经云南省纪委监委研究，对瑞丽市委、市政府主要负责人予以问责，共有14名干部被追责问责。\n"),
    "masks": ("大理州违规截留口罩事件处理情况\n"
              "2020年2月10日\n"
              "　　大理市卫生健康局违规扣留、调用重庆市过境的防疫口罩，造成恶劣影响。\n"
              "　　大理市委对市卫生健康局主要负责人予以免职，对6名相关责任人员严肃问责。\n"),
    "tea": ("西双版纳州种茶毁林问题追责问责情况\n"
            "2021年3月15日\n"
            "　　西双版纳州勐海县部分林地被毁林种茶，林业部门监管缺位，问题线索17件。\n"
            "　　州纪委监委对相关单位和领导干部进行问责，约谈12个单位。\n"),
    "water": ("宣威市海岱镇旧屋村饮水工程造假问题\n"
              "2020年11月20日\n"
              "　　曲靖市宣威市海岱镇旧屋村饮水工程弄虚作假，应付上级检查，群众饮水困难长期未解决。\n"
              "　　宣威市纪委监委对镇党委书记等5人严肃问责，对<script>作假</script>材料予以通报。\n"),
}


@dataclass
class Library:
    training: CaseDocument
    interview: CaseDocument
    ruili: CaseDocument
    masks: CaseDocument
    tea: CaseDocument
    water: CaseDocument


def build(seed_bytes: dict[str, bytes]) -> Library:
    docs = {name: document_import(actor=None, data=text.encode(), filename=f"{name}.txt").document
            for name, text in CASES.items()}
    training = document_import(actor=None, data=seed_bytes["training"], filename="000.txt").document
    interview = document_import(actor=None, data=seed_bytes["interview"], filename="002.txt").document
    return Library(training=training, interview=interview, **docs)
